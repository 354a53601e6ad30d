from django.db import models


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every service write; an edit carrying an older version is refused (409).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
