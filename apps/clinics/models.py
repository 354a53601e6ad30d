"""The clinic diary (issue 15): a provider's clinic sessions, their slots, and the bookings
that link a slot to an assessment's appointment. The appointment itself stays the
assessments app's record (its outcome is what breach attribution reads); a booking is this
app's link to it, so the assessments app needs no migration."""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from apps.clinics.rules import (
    CLINIC_KIND_LABELS,
    DEFAULT_FOLLOW_UP_WORKING_DAYS,
    DEFAULT_IHA_SLOT_MINUTES,
    DEFAULT_REMINDER_WORKING_DAYS,
    DEFAULT_RHA_SLOT_MINUTES,
    RESCHEDULE_REASON_LABELS,
    ClinicKind,
    RescheduleReason,
)
from apps.core.models_base import TimestampedModel

CLINICIAN_ROLE_CHOICES = [
    ("PAEDIATRICIAN", "Paediatrician"),
    ("GP", "General practitioner"),
    ("OTHER_DOCTOR", "Other registered medical practitioner"),
    ("LAC_NURSE", "LAC nurse"),
    ("HEALTH_VISITOR", "Health visitor"),
    ("SCHOOL_NURSE", "School nurse"),
]

DEFAULT_WHAT_TO_BRING = (
    "The child's red book (personal child health record), the signed consent form if you "
    "have not already returned it, and any recent health reports or letters."
)
DEFAULT_HOW_TO_REARRANGE = (
    "If you cannot come, please call the LAC health team as soon as you can so "
    "that we can offer the appointment to another child."
)


CLINIC_KIND_CHOICES = [(k.value, CLINIC_KIND_LABELS[k]) for k in ClinicKind]


class ClinicPolicy(models.Model):
    """A provider's booking settings (the Defaults of issue 15), effective-dated: the version
    in force on a date (the latest effective_from on or before it) decides what happens on
    that date. A provider without one uses the shipped defaults. A change is a new version,
    so the history of what applied when is kept."""

    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="clinic_policies",
        limit_choices_to={"kind": "PROVIDER"},
    )
    effective_from = models.DateField()
    iha_slot_minutes = models.PositiveSmallIntegerField(default=DEFAULT_IHA_SLOT_MINUTES)
    rha_slot_minutes = models.PositiveSmallIntegerField(default=DEFAULT_RHA_SLOT_MINUTES)
    reminder_working_days = models.PositiveSmallIntegerField(default=DEFAULT_REMINDER_WORKING_DAYS)
    follow_up_working_days = models.PositiveSmallIntegerField(
        default=DEFAULT_FOLLOW_UP_WORKING_DAYS
    )
    # The invitation letter's template text, per provider.
    what_to_bring = models.TextField(default=DEFAULT_WHAT_TO_BRING)
    how_to_rearrange = models.TextField(default=DEFAULT_HOW_TO_REARRANGE)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, null=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "clinic policies"
        ordering = ["provider", "-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(iha_slot_minutes__gte=5, rha_slot_minutes__gte=5),
                name="clinic_policy_slot_minutes_positive",
            ),
            models.CheckConstraint(
                condition=Q(iha_slot_minutes__lte=480, rha_slot_minutes__lte=480),
                name="clinic_policy_slot_minutes_at_most_a_day",
            ),
            models.UniqueConstraint(
                fields=["provider", "effective_from"],
                name="one_clinic_policy_per_provider_per_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Clinic policy of {self.provider} from {self.effective_from:%d/%m/%Y}"


class ClinicSession(TimestampedModel):
    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="clinic_sessions",
        limit_choices_to={"kind": "PROVIDER"},
    )
    kind = models.CharField(max_length=8, choices=CLINIC_KIND_CHOICES)
    date = models.DateField()
    start_time = models.TimeField()
    end_time = models.TimeField()
    venue_name = models.CharField(max_length=200)
    venue_address = models.CharField(max_length=300)
    venue_postcode = models.CharField(max_length=10)
    clinician = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="clinic_sessions"
    )
    clinician_role = models.CharField(max_length=20, choices=CLINICIAN_ROLE_CHOICES)
    slot_minutes = models.PositiveSmallIntegerField()
    # Sessions created together as a recurring clinic share a series id.
    series = models.UUIDField(null=True, blank=True, db_index=True)
    cancelled_on = models.DateField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "start_time", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in ClinicKind]), name="clinic_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="clinic_session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5), name="clinic_session_slot_minutes_positive"
            ),
            models.CheckConstraint(
                condition=Q(cancelled_on__isnull=True) | ~Q(cancel_reason=""),
                name="clinic_session_cancellation_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["provider", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} clinic, {self.venue_name}, {self.date:%d/%m/%Y}"

    @property
    def venue(self) -> str:
        return f"{self.venue_name}, {self.venue_address}, {self.venue_postcode}"


class Slot(models.Model):
    session = models.ForeignKey(ClinicSession, on_delete=models.CASCADE, related_name="slots")
    start_time = models.TimeField()
    minutes = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["session", "start_time"]
        constraints = [
            models.UniqueConstraint(fields=["session", "start_time"], name="one_slot_per_time")
        ]

    def __str__(self) -> str:
        return f"{self.start_time:%H:%M} ({self.minutes} min), {self.session}"


class ReleaseReason(models.TextChoices):
    CARER = "CARER", "Cancelled by the carer"
    YOUNG_PERSON = "YOUNG_PERSON", "Cancelled by the young person"
    HEALTH = "HEALTH", "Cancelled by health"
    ADMIN_CORRECTION = (
        "ADMIN_CORRECTION",
        RESCHEDULE_REASON_LABELS[RescheduleReason.ADMIN_CORRECTION],
    )
    SESSION_CANCELLED = "SESSION_CANCELLED", "The clinic was cancelled (by health)"


class Booking(models.Model):
    """An appointment in a slot. A live booking (released_at empty) holds its slot: the
    partial unique constraint is what stops a double booking, whatever two requests race.
    A released booking stays as the appointment's history (moved, cancelled)."""

    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    appointment = models.ForeignKey(
        "assessments.Appointment", on_delete=models.PROTECT, related_name="clinic_bookings"
    )
    booked_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    release_reason = models.CharField(max_length=20, choices=ReleaseReason.choices, blank=True)
    release_note = models.CharField(max_length=500, blank=True)
    # Where the invitation and reminder go besides the social worker (the carer's address is
    # not held elsewhere in the record).
    carer_email = models.EmailField(blank=True)
    invitation_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["slot", "booked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(released_at__isnull=True),
                name="one_live_booking_per_slot",
            ),
            models.UniqueConstraint(
                fields=["appointment"],
                condition=Q(released_at__isnull=True),
                name="one_live_booking_per_appointment",
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True, release_reason="")
                | Q(released_at__isnull=False) & ~Q(release_reason=""),
                name="booking_release_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Booking of appointment {self.appointment_id} in slot {self.slot_id}"
