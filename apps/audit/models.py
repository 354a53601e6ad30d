"""The access log (DOMAIN.md 9, NHS DSPT): every view, search, export and change of a child's
record, including refused attempts. Append-only: the database refuses UPDATE and DELETE."""

from django.db import models


class Action(models.TextChoices):
    VIEW = "VIEW", "View"
    LIST = "LIST", "List"
    SEARCH = "SEARCH", "Search"
    EXPORT = "EXPORT", "Export"
    CHANGE = "CHANGE", "Change"


class Outcome(models.TextChoices):
    ALLOWED = "ALLOWED", "Allowed"
    INVALID = "INVALID", "Refused: invalid input"
    CONFLICT = "CONFLICT", "Refused: stale edit"
    DENIED = "DENIED", "Refused: not permitted"
    NOT_FOUND = "NOT_FOUND", "Refused: not found or not permitted"
    UNAUTHENTICATED = "UNAUTHENTICATED", "Refused: not signed in"
    ERROR = "ERROR", "Failed: server error"


class AccessEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Copied, not only linked: the log must still say who it was after a user is renamed.
    user = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=32, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=8, choices=Action.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField()
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    query = models.CharField(max_length=500, blank=True)
    view_name = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    child_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "at"]),
            models.Index(fields=["organisation_id", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or 'anonymous'} {self.action} {self.path} {self.outcome}"
