"""Dental checks, SDQ scores, immunisation status, health plans and care leavers' health
histories (DOMAIN.md 4)."""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from apps.core.corrections import SoftDeletable
from apps.core.models_base import TimestampedModel


class DentalCheck(SoftDeletable, TimestampedModel):
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="dental_checks"
    )
    checked_on = models.DateField()
    practice = models.CharField(max_length=200, blank=True)
    treatment_needed = models.BooleanField(default=False)
    note = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "-checked_on"]
        constraints = [
            # A check deleted as entered in error does not hold its day (issue 13).
            models.UniqueConstraint(
                fields=["child", "checked_on"],
                condition=Q(deleted_at__isnull=True),
                name="one_dental_check_per_day",
            )
        ]


class SdqInformant(models.TextChoices):
    CARER = "CARER", "Carer"
    TEACHER = "TEACHER", "Teacher"
    YOUNG_PERSON = "YOUNG_PERSON", "Young person"


class SdqReason(models.TextChoices):
    SDQ1 = "SDQ1", "Child under 4 or over 16"
    SDQ2 = "SDQ2", "Carer refused"
    SDQ3 = "SDQ3", "Not possible because of the severity of disability"
    SDQ4 = "SDQ4", "Other"
    SDQ5 = "SDQ5", "Young person refused"


def sdq_band(total: int) -> str:
    """Bands of the total difficulties score (DOMAIN.md 4)."""
    if total <= 13:
        return "normal"
    if total <= 16:
        return "borderline"
    return "cause for concern"


_SUBSCALES = ["emotional", "conduct", "hyperactivity", "peer", "prosocial"]


class SdqRecord(SoftDeletable, TimestampedModel):
    """Scores only: the SDQ's question texts are licensed and never stored or shown."""

    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="sdq_records"
    )
    completed_on = models.DateField()
    informant = models.CharField(max_length=12, choices=SdqInformant.choices, blank=True)
    total_score = models.PositiveSmallIntegerField(null=True, blank=True)
    emotional = models.PositiveSmallIntegerField(null=True, blank=True)
    conduct = models.PositiveSmallIntegerField(null=True, blank=True)
    hyperactivity = models.PositiveSmallIntegerField(null=True, blank=True)
    peer = models.PositiveSmallIntegerField(null=True, blank=True)
    prosocial = models.PositiveSmallIntegerField(null=True, blank=True)
    reason_not_completed = models.CharField(max_length=4, choices=SdqReason.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "-completed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    total_score__isnull=False,
                    reason_not_completed="",
                    informant__in=SdqInformant.values,
                )
                | Q(total_score__isnull=True, reason_not_completed__in=SdqReason.values),
                name="sdq_score_or_reason",
            ),
            models.CheckConstraint(
                condition=Q(total_score__isnull=True) | Q(total_score__lte=40),
                name="sdq_total_0_40",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{s}__isnull": True}) | Q(**{f"{s}__lte": 10}),
                    name=f"sdq_{s}_0_10",
                )
                for s in _SUBSCALES
            ],
            # When the four difficulty subscales are given, they add up to the total.
            models.CheckConstraint(
                condition=Q(emotional__isnull=True)
                | Q(total_score=F("emotional") + F("conduct") + F("hyperactivity") + F("peer")),
                name="sdq_total_is_sum_of_subscales",
            ),
        ]

    @property
    def band(self) -> str | None:
        return sdq_band(self.total_score) if self.total_score is not None else None


class ImmunisationStatus(models.TextChoices):
    UP_TO_DATE = "UP_TO_DATE", "Up to date"
    NOT_UP_TO_DATE = "NOT_UP_TO_DATE", "Not up to date"
    UNKNOWN = "UNKNOWN", "Unknown"


class ImmunisationRecord(SoftDeletable, TimestampedModel):
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="immunisation_records"
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="immunisation_records",
    )
    checked_on = models.DateField()
    status = models.CharField(max_length=16, choices=ImmunisationStatus.choices)
    # UASC: catch-up on the full UK schedule, TB screening, blood-borne virus testing offered.
    uk_schedule_started = models.BooleanField(null=True, blank=True)
    tb_screening_done = models.BooleanField(null=True, blank=True)
    bbv_testing_offered = models.BooleanField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "-checked_on"]


class HealthPlan(TimestampedModel):
    assessment = models.OneToOneField(
        "assessments.Assessment", on_delete=models.PROTECT, related_name="health_plan"
    )
    summary = models.TextField(blank=True)
    history = HistoricalRecords()


class HealthPlanAction(TimestampedModel):
    plan = models.ForeignKey(HealthPlan, on_delete=models.CASCADE, related_name="actions")
    need = models.CharField(max_length=500)
    action = models.CharField(max_length=500)
    owner = models.CharField(max_length=200)
    due_date = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "due_date", "id"]


class HealthHistory(TimestampedModel):
    """A care leaver's personal health history, given by their 18th birthday or leaving date."""

    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="health_histories"
    )
    provided_on = models.DateField()
    summary = models.TextField()
    written_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "-provided_on"]


class ReferralQaOutcome(models.TextChoices):
    PENDING = "PENDING", "Awaiting quality assurance"
    ACCEPTED = "ACCEPTED", "Accepted"
    RETURNED = "RETURNED", "Returned for more work"


class OutOfAreaReferral(TimestampedModel):
    """Our child placed outside our area (DOMAIN.md 6): our provider refers the assessment to
    the receiving area's provider. The referral is due a policy number of working days
    (Default 5) after the placement starts; the health clocks keep running as usual."""

    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="out_of_area_referrals"
    )
    placement = models.OneToOneField(
        "placements.Placement", on_delete=models.PROTECT, related_name="referral"
    )
    due_on = models.DateField()
    referred_on = models.DateField(null=True, blank=True)
    receiving_provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "PROVIDER"},
    )
    receiving_provider_name = models.CharField(max_length=200, blank=True)
    qa_outcome = models.CharField(
        max_length=8, choices=ReferralQaOutcome.choices, default=ReferralQaOutcome.PENDING
    )
    qa_on = models.DateField(null=True, blank=True)
    escalated_on = models.DateField("escalated to the designated nurse on", null=True, blank=True)
    escalation_note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(referred_on__isnull=True)
                | Q(receiving_provider__isnull=False)
                | ~Q(receiving_provider_name=""),
                name="referral_names_receiving_provider",
            ),
            models.CheckConstraint(
                condition=Q(qa_on__isnull=True) | Q(referred_on__isnull=False),
                name="referral_qa_after_referral",
            ),
        ]

    def __str__(self) -> str:
        return f"Out-of-area referral for {self.child} due {self.due_on:%d/%m/%Y}"
