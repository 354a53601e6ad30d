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
