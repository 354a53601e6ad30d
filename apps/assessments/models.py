"""Statutory health assessments (IHA and RHA). Extended by the health clocks work."""

from django.db import models
from simple_history.models import HistoricalRecords

from apps.core.models_base import TimestampedModel


class AssessmentKind(models.TextChoices):
    IHA = "IHA", "Initial health assessment"
    RHA = "RHA", "Review health assessment"


class Assessment(TimestampedModel):
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="assessments"
    )
    kind = models.CharField(max_length=3, choices=AssessmentKind.choices)
    # The health provider asked to carry out the assessment; its staff see the child.
    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="assessments",
        null=True,
        blank=True,
        limit_choices_to={"kind": "PROVIDER"},
    )
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["provider", "child"])]
