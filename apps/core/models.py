"""Shared reference data: extra non-working days for the working-day calendar."""

from django.db import models
from simple_history.models import HistoricalRecords


class NonWorkingDay(models.Model):
    """A date an admin declared non-working on top of the bank holidays (Default: none).

    It applies to every clock computed after it is added; existing deadlines are recomputed
    by the nightly sweep.
    """

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d %b %Y}: {self.reason}"


class OutboxMessage(models.Model):
    """A task to enqueue, written in the same transaction as the change that needs it.

    Saving never depends on Redis: after commit the message is published if the broker
    answers; if it does not, it stays here and the relay publishes it when Redis is back.
    Tasks are idempotent, so publishing one twice is harmless."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.args)} {'sent' if self.sent_at else 'pending'}"
