"""The structured write-up of an IHA/RHA, its addenda, the report returned to the social
worker, who has read it, and the health plan's actions tracked to completion (issue 14)."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from apps.assessments.models.assessment import ClinicianRole
from apps.core.models_base import TimestampedModel
from apps.writeups.rules.actions import OWNER_LABELS, STATUS_LABELS, ActionStatus, OwnerKind


class WriteUp(TimestampedModel):
    """One per assessment. ``sections`` holds each section's answers by key (see
    rules/sections.py) with its state, "completed" or "not_assessed" and the reason; it is a
    draft until signed off, then read-only (corrections are addenda)."""

    assessment = models.OneToOneField(
        "assessments.Assessment", on_delete=models.PROTECT, related_name="write_up"
    )
    sections = models.JSONField(default=dict, blank=True)
    # What the write-up showed when it was saved / signed: growth centiles, the SDQ on the
    # record, the immunisation schedule lines; kept so the report never changes afterwards.
    computed = models.JSONField(default=dict, blank=True)
    started_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    last_saved_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signer_name = models.CharField("clinician's name", max_length=200, blank=True)
    signer_role = models.CharField(
        "clinician's role", max_length=20, choices=ClinicianRole.choices, blank=True
    )
    signer_registration = models.CharField(
        "professional registration",
        max_length=40,
        blank=True,
        help_text="For example GMC or NMC number",
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(signed_off_at__isnull=True)
                | ~Q(signer_name="") & ~Q(signer_role="") & ~Q(signer_registration=""),
                name="writeup_signed_off_names_the_clinician",
            )
        ]

    def __str__(self) -> str:
        return f"Write-up of {self.assessment}"

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None


class Addendum(models.Model):
    """A correction or addition after sign-off: the signed text is never changed."""

    write_up = models.ForeignKey(WriteUp, on_delete=models.PROTECT, related_name="addenda")
    section = models.CharField(max_length=30, blank=True)
    text = models.TextField()
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["write_up", "created_at", "id"]

    def __str__(self) -> str:
        return f"Addendum to {self.write_up} by {self.author}"


class ReportSource(models.TextChoices):
    GENERATED = "GENERATED", "Generated from the write-up"
    UPLOADED = "UPLOADED", "Uploaded (assessment done elsewhere)"


class Report(TimestampedModel):
    """The report PDF for an assessment, stored in the database (it is small and must be
    kept with the record for its retention period)."""

    assessment = models.OneToOneField(
        "assessments.Assessment", on_delete=models.PROTECT, related_name="report"
    )
    source = models.CharField(max_length=10, choices=ReportSource.choices)
    pdf = models.BinaryField()
    filename = models.CharField(max_length=200)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    returned_on = models.DateField(null=True, blank=True)
    returned_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["pdf"])

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["returned_on"])]

    def __str__(self) -> str:
        return self.filename


class ReportReading(models.Model):
    """The social worker or their manager acknowledged the report as read."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="readings")
    reader = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        ordering = ["report", "read_at"]
        constraints = [
            models.UniqueConstraint(fields=["report", "reader"], name="one_reading_per_reader")
        ]

    def __str__(self) -> str:
        return f"{self.report} read by {self.reader}"


class PlanAction(TimestampedModel):
    """One action of the health plan that came out of an assessment."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.PROTECT, related_name="plan_actions"
    )
    need = models.CharField(max_length=500)
    action = models.CharField(max_length=500)
    owner_kind = models.CharField(
        max_length=16, choices=[(k.value, OWNER_LABELS[k]) for k in OwnerKind]
    )
    # The owner as a user, where the owner is one (a social worker); else a name.
    owner_user = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_name = models.CharField(max_length=200, blank=True)
    due_date = models.DateField()
    status = models.CharField(
        max_length=10,
        choices=[(s.value, STATUS_LABELS[s]) for s in ActionStatus],
        default=ActionStatus.OPEN,
    )
    reason_not_done = models.CharField(max_length=500, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_kind__in=[kind.value for kind in OwnerKind]),
                name="plan_action_owner_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(owner_user__isnull=False) | ~Q(owner_name=""),
                name="plan_action_has_an_owner",
            ),
            models.CheckConstraint(
                condition=Q(status="OPEN", closed_on__isnull=True)
                | Q(status="DONE", closed_on__isnull=False)
                | Q(status="NOT_DONE", closed_on__isnull=False) & ~Q(reason_not_done=""),
                name="plan_action_closed_with_date_and_reason",
            ),
        ]
        indexes = [models.Index(fields=["owner_user", "status"])]

    def __str__(self) -> str:
        return self.action

    @property
    def owner_display(self) -> str:
        label = OWNER_LABELS[OwnerKind(self.owner_kind)]
        who = (
            self.owner_user.get_full_name() or self.owner_user.username
            if self.owner_user
            else self.owner_name
        )
        return f"{label}: {who}" if who else label
