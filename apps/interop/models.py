"""SSDA903 import jobs: the uploaded files are kept in the database (no shared media store
is needed, and the embedded SQLite default works) until the job has run, then deleted: they
hold children's data. The job keeps a bounded report (apps.interop.services)."""

import uuid

from django.db import models
from django.db.models import Q


class ImportStatus(models.TextChoices):
    PENDING = "PENDING", "Waiting"
    RUNNING = "RUNNING", "Importing"
    IMPORTED = "IMPORTED", "Imported"
    REJECTED = "REJECTED", "Nothing imported: rows rejected"
    FAILED = "FAILED", "Failed"


FINISHED = {ImportStatus.IMPORTED, ImportStatus.REJECTED, ImportStatus.FAILED}


class ImportJob(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="import_jobs"
    )
    local_authority = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="import_jobs",
        limit_choices_to={"kind": "LA"},
    )
    # For children the files give no team; a team deleted since leaves them with none.
    default_team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=8, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done")
    stage = models.CharField(max_length=40, blank=True, help_text="What the job is doing now")
    rows_read = models.PositiveIntegerField(default=0)
    # What the import did, or its first errors and their counts (services.stored_report).
    report = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="import_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="import_progress_at_most_100"
            ),
        ]
        indexes = [models.Index(fields=["requested_by", "-created_at"])]

    def __str__(self) -> str:
        return f"SSDA903 import for {self.local_authority} by {self.requested_by}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


class ImportJobFile(models.Model):
    """One uploaded CSV file of a job, as uploaded."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    content = models.BinaryField()

    class Meta:
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="one_import_file_per_position")
        ]

    def __str__(self) -> str:
        return self.name
