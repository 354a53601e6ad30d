"""IHAs and RHAs with their workflow, deadlines, status and breach attribution; appointments;
and the other per-child clocks (dental, SDQ, health history)."""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from apps.assessments.rules.attribution import AppointmentOutcome, CancelledBy
from apps.assessments.rules.clocks import NOT_REQUIRED_LABELS, NotRequiredReason
from apps.assessments.rules.health_clocks import CLOCK_KINDS
from apps.assessments.rules.status import ClockStatus
from apps.core.corrections import REASON_MAX_LENGTH, SoftDeletable
from apps.core.models_base import TimestampedModel
from apps.policy.rules import BREACH_REASON_LABELS, BreachReason, Party

STATUS_CHOICES = [(s.value, s.value.replace("_", " ").capitalize()) for s in ClockStatus]
PARTY_CHOICES = [
    (Party.LA.value, "Local authority"),
    (Party.HEALTH.value, "Health"),
    (Party.UNDETERMINED.value, "Undetermined"),
]
REASON_CHOICES = [(r.value, BREACH_REASON_LABELS[r]) for r in BreachReason]
NOT_REQUIRED_CHOICES = [(r.value, NOT_REQUIRED_LABELS[r]) for r in NotRequiredReason]


class AssessmentKind(models.TextChoices):
    IHA = "IHA", "Initial health assessment"
    RHA = "RHA", "Review health assessment"


class ClinicianRole(models.TextChoices):
    # Statute: the IHA is carried out by a registered medical practitioner.
    PAEDIATRICIAN = "PAEDIATRICIAN", "Paediatrician"
    GP = "GP", "General practitioner"
    OTHER_DOCTOR = "OTHER_DOCTOR", "Other registered medical practitioner"
    LAC_NURSE = "LAC_NURSE", "LAC nurse"
    HEALTH_VISITOR = "HEALTH_VISITOR", "Health visitor"
    SCHOOL_NURSE = "SCHOOL_NURSE", "School nurse"


MEDICAL_PRACTITIONER_ROLES = {
    ClinicianRole.PAEDIATRICIAN,
    ClinicianRole.GP,
    ClinicianRole.OTHER_DOCTOR,
}


OPEN_ASSESSMENT = Q(held_on__isnull=True, declined_on__isnull=True, not_required_reason="")
# Issue 18: a child in care, and the report not back nor the assessment declined: a superset
# of every worklist item that is open or held awaiting its report (apps/assessments/worklists.py).
WORKLIST_UNFINISHED = Q(wl_in_care=True, report_returned_on__isnull=True, declined_on__isnull=True)
WORKLIST_SCOPES = [("provider", "prov"), ("wl_team_id", "team"), ("wl_la_id", "la")]
# Narrower parts of the lists, each matching a partial index below (so a list's page and
# its count read only its own rows, not every unfinished row of the scope):
# held, the report not back (write-up late, awaiting the report, return the report);
WORKLIST_HELD = Q(wl_in_care=True, held_on__isnull=False, report_returned_on__isnull=True)
# open with no complete request (the team's "send" and "complete the request");
WORKLIST_REQUEST_TO_DO = OPEN_ASSESSMENT & Q(wl_in_care=True, request_complete_on__isnull=True)
# open and booked (record the attendance), open, requested and not booked (book one);
WORKLIST_BOOKED = OPEN_ASSESSMENT & Q(wl_in_care=True, wl_booked_for__isnull=False)
WORKLIST_TO_BOOK = OPEN_ASSESSMENT & Q(
    wl_in_care=True, request_sent_on__isnull=False, wl_booked_for__isnull=True
)
# the breaches to review: undetermined (performance manager, auditor), or not attributed
# or health's with no reason (designated nurse).
WORKLIST_REVIEW = Q(wl_in_care=True, status__in=["OVERDUE", "BREACHED"])
WORKLIST_REVIEW_UNDETERMINED = WORKLIST_REVIEW & Q(breach_party="UNDETERMINED")
WORKLIST_REVIEW_DESIGNATED = WORKLIST_REVIEW & (
    Q(override_party="", breach_party="UNDETERMINED")
    | Q(override_party="", breach_party="HEALTH", breach_reason="", health_reason="")
)


class Assessment(TimestampedModel):
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="assessments"
    )
    period_of_care = models.ForeignKey(
        "children.PeriodOfCare",
        on_delete=models.PROTECT,
        related_name="assessments",
        null=True,
        blank=True,
    )
    kind = models.CharField(max_length=3, choices=AssessmentKind.choices)
    # For an RHA: the assessment whose holding (or refusal) started this review's clock.
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_reviews"
    )
    # The health provider asked to carry out the assessment; its staff see the child.
    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="assessments",
        null=True,
        blank=True,
        limit_choices_to={"kind": "PROVIDER"},
    )
    # Deadlines, recomputed from the events by the clock rules.
    clock_start = models.DateField(
        help_text="Day 0: entry to care (IHA) or the last assessment (RHA)"
    )
    request_due = models.DateField()
    due_date = models.DateField()
    # Workflow events.
    request_sent_on = models.DateField(null=True, blank=True)
    consent_obtained_on = models.DateField(null=True, blank=True)
    request_complete_on = models.DateField(
        null=True, blank=True, help_text="Consent and information received by health"
    )
    held_on = models.DateField("date assessment held", null=True, blank=True)
    clinician_role = models.CharField(max_length=20, choices=ClinicianRole.choices, blank=True)
    report_returned_on = models.DateField(null=True, blank=True)
    declined_on = models.DateField(null=True, blank=True)
    not_required_reason = models.CharField(max_length=20, choices=NOT_REQUIRED_CHOICES, blank=True)
    not_required_note = models.CharField(max_length=500, blank=True)
    outcome_summary = models.TextField(blank=True)
    # The reason health gives for a breach on its side (blank = "no reason given").
    health_reason = models.CharField(max_length=24, choices=REASON_CHOICES, blank=True)
    health_reason_note = models.CharField(max_length=500, blank=True)
    # Status and breach attribution (DOMAIN.md 5).
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default=ClockStatus.PENDING)
    breach_party = models.CharField(max_length=12, choices=PARTY_CHOICES, blank=True)
    breach_reason = models.CharField(max_length=24, choices=REASON_CHOICES, blank=True)
    breach_rule = models.CharField(max_length=500, blank=True)
    report_breached = models.BooleanField(default=False)
    # What the attribution would be if the clock breached with no further events: kept
    # current on every event so the nightly sweep can flag breaches in one UPDATE.
    provisional_party = models.CharField(max_length=12, choices=PARTY_CHOICES, blank=True)
    provisional_reason = models.CharField(max_length=24, choices=REASON_CHOICES, blank=True)
    provisional_rule = models.CharField(max_length=500, blank=True)
    # A manager's or designated professional's override, kept in history with its author.
    override_party = models.CharField(max_length=12, choices=PARTY_CHOICES, blank=True)
    override_reason = models.CharField(max_length=24, choices=REASON_CHOICES, blank=True)
    override_note = models.TextField(blank=True)
    overridden_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    # The child's last statutory assessment before our records began (a period of care
    # imported part-way): recorded so the reviews follow it (DOMAIN.md 3). It belongs to no
    # period on record and counts in no timeliness measure ("not required: before our
    # records"); the provider is free text, as it need not be one of ours.
    # The last request deleted as entered in error (issue 13): its dates and provider are
    # cleared, so nothing counts it; what it held stays in the history, and these say who
    # deleted it, when and why (shown to auditors and on the timeline).
    request_deleted_at = models.DateTimeField(null=True, blank=True)
    request_deleted_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    request_deletion_reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)
    before_records = models.BooleanField("held before our records", default=False, editable=False)
    held_by_provider = models.CharField("provider (before our records)", max_length=200, blank=True)
    # Issue 18: what the worklists filter on, copied onto the row by PostgreSQL triggers
    # (migration 0012) in the transaction that writes the facts: the child's responsible LA
    # and team, whether the child is in care now (an open period of care), the booked
    # appointment's date and the last attended one. A worklist then reads its own rows by
    # index instead of joining everything the user may see. The app never writes them: the
    # triggers keep the stored values whatever a save() sends. SQLite has no triggers and its
    # worklists read the facts themselves. manage.py check_worklist_columns compares them.
    wl_la_id = models.BigIntegerField(null=True, editable=False)
    wl_team_id = models.BigIntegerField(null=True, editable=False)
    wl_in_care = models.BooleanField(default=False, editable=False)
    wl_booked_for = models.DateField(null=True, editable=False)
    wl_attended_on = models.DateField(null=True, editable=False)
    history = HistoricalRecords(
        excluded_fields=["wl_la_id", "wl_team_id", "wl_in_care", "wl_booked_for", "wl_attended_on"]
    )

    class Meta:
        ordering = ["child", "due_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AssessmentKind.values), name="assessment_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ClockStatus]),
                name="assessment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(request_due__lte=F("due_date")),
                name="assessment_request_due_before_due",
            ),
            models.CheckConstraint(
                condition=Q(request_complete_on__isnull=True) | Q(request_sent_on__isnull=False),
                name="assessment_complete_needs_sent",
            ),
            models.CheckConstraint(
                condition=Q(report_returned_on__isnull=True)
                | Q(held_on__isnull=False) & Q(report_returned_on__gte=F("held_on")),
                name="assessment_report_after_held",
            ),
            # Issue 13: a request is complete on or after it was sent.
            models.CheckConstraint(
                condition=Q(request_complete_on__isnull=True)
                | Q(request_complete_on__gte=F("request_sent_on")),
                name="assessment_complete_not_before_sent",
            ),
            models.CheckConstraint(
                condition=Q(held_on__isnull=True) | Q(declined_on__isnull=True),
                name="assessment_not_both_held_and_declined",
            ),
            # One IHA per period of care (a new period starts a new IHA clock).
            models.UniqueConstraint(
                fields=["period_of_care"],
                condition=Q(kind="IHA"),
                name="one_iha_per_period_of_care",
            ),
            models.CheckConstraint(
                condition=Q(kind="IHA", previous__isnull=True)
                | Q(kind="RHA", previous__isnull=False)
                | Q(before_records=True, previous__isnull=True),
                name="assessment_rha_has_previous",
            ),
            # An assessment from before our records is a held one, outside every period on
            # record and every KPI denominator.
            models.CheckConstraint(
                condition=Q(before_records=False, held_by_provider="")
                | Q(
                    before_records=True,
                    held_on__isnull=False,
                    period_of_care__isnull=True,
                    not_required_reason="BEFORE_RECORDS",
                ),
                name="assessment_before_records_is_held",
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(before_records=True),
                name="one_assessment_before_records_per_child",
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "child"]),
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["due_date"]),
            models.Index(fields=["held_on"]),
            # Issue 18: indexes matching the worklists, breach lists and the sweep, so each
            # list reads its own rows in due-date order instead of filtering everything the
            # user may see. "Open" is _open() in worklists.py and _open_assessments() in
            # sweep.py: not held, not declined, not marked not required.
            # Health roles: their provider's overdue / due-soon lists and counts.
            models.Index(
                fields=["provider", "status", "due_date", "id"], name="assessment_provider_status"
            ),
            # Health admin's "book an appointment" and nurse's "complete": open, requested.
            models.Index(
                fields=["provider", "due_date", "id"],
                condition=OPEN_ASSESSMENT & Q(request_sent_on__isnull=False),
                name="assessment_open_requested",
            ),
            # Held, the report not back yet: "return the report" for health roles.
            models.Index(
                fields=["provider", "due_date", "id"],
                condition=Q(held_on__isnull=False, report_returned_on__isnull=True),
                name="assessment_report_awaited",
            ),
            # The team's "send the request" and "complete the request" lists, per child.
            models.Index(
                fields=["child", "request_due"],
                condition=OPEN_ASSESSMENT & Q(request_complete_on__isnull=True),
                name="assessment_request_to_do",
            ),
            models.Index(fields=["child", "report_returned_on"], name="assessment_report_returned"),
            # Breaches: the designated nurse's and manager's worklists and the breach list.
            models.Index(
                fields=["child", "due_date"],
                condition=Q(status__in=["OVERDUE", "BREACHED"]) | Q(report_breached=True),
                name="assessment_breach_by_child",
            ),
            models.Index(
                fields=["due_date", "id"],
                condition=Q(status__in=["OVERDUE", "BREACHED"]) | Q(report_breached=True),
                name="assessment_breach_by_due",
            ),
            # The breach list of an LA's (or a commissioner's areas') children, or of a
            # team's (a team manager's: the team's, and the LA's with no team), newest due
            # first, and its count: an index-only scan of the scope's breaches
            # (apps/assessments/worklists.py breach_parts).
            *[
                models.Index(
                    fields=[scope, "due_date", "id"],
                    condition=Q(status__in=["OVERDUE", "BREACHED"]) | Q(report_breached=True),
                    name=f"assessment_breach_by_{name}",
                )
                for scope, name in (("wl_la_id", "la"), ("wl_team_id", "team"))
            ],
            # The nightly sweep's candidates: open clocks not yet overdue, and held ones whose
            # report may become late (apps/assessments/sweep.py).
            models.Index(
                fields=["due_date"],
                condition=OPEN_ASSESSMENT & Q(status__in=["PENDING", "AT_RISK"]),
                name="assessment_sweep_open",
            ),
            models.Index(
                fields=["due_date"],
                condition=Q(
                    status="MET",
                    not_required_reason="",
                    report_returned_on__isnull=True,
                    report_breached=False,
                ),
                name="assessment_sweep_report_late",
            ),
            # The worklists on the denormalised columns (apps/assessments/worklists.py): per
            # scope (provider, team, LA), the unfinished rows of children in care (every
            # "awaiting action" item but the team's recent reports and the breach reviews),
            # each list's status rows, and the team's recently returned reports.
            *[
                models.Index(
                    fields=[scope, "due_date", "id"],
                    condition=WORKLIST_UNFINISHED,
                    name=f"assessment_wl_{name}_open",
                )
                for scope, name in WORKLIST_SCOPES
            ],
            # Each list's status rows of children in care (so a count of them is an
            # index-only scan).
            *[
                models.Index(
                    fields=[scope, "status", "due_date", "id"],
                    condition=Q(wl_in_care=True),
                    name=f"assessment_wl_{name}_status",
                )
                for scope, name in WORKLIST_SCOPES
            ],
            # (Returned reports only: with the unreturned rows in it too, the planner read
            # them all for the team's held rows, misled by its estimate of the held ones.)
            models.Index(
                fields=["wl_team_id", "report_returned_on"],
                condition=Q(wl_in_care=True, report_returned_on__isnull=False),
                name="assessment_wl_team_returned",
            ),
            *[
                models.Index(
                    fields=[scope, "due_date", "id"],
                    condition=WORKLIST_HELD,
                    name=f"assessment_wl_{name}_held",
                )
                for scope, name in WORKLIST_SCOPES
            ],
            models.Index(
                fields=["wl_team_id", "due_date", "id"],
                condition=WORKLIST_REQUEST_TO_DO,
                name="assessment_wl_team_request",
            ),
            models.Index(
                fields=["provider", "due_date", "id"],
                condition=WORKLIST_BOOKED,
                name="assessment_wl_prov_booked",
            ),
            models.Index(
                fields=["provider", "due_date", "id"],
                condition=WORKLIST_TO_BOOK,
                name="assessment_wl_prov_to_book",
            ),
            models.Index(
                fields=["wl_la_id", "due_date", "id"],
                condition=WORKLIST_REVIEW_UNDETERMINED,
                name="assessment_wl_la_review",
            ),
            models.Index(
                fields=["wl_la_id", "due_date", "id"],
                condition=WORKLIST_REVIEW_DESIGNATED,
                name="assessment_wl_la_review_dn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.child} due {self.due_date:%d/%m/%Y}"

    @property
    def effective_party(self) -> str:
        return self.override_party or self.breach_party

    @property
    def effective_reason(self) -> str:
        return self.override_reason or self.breach_reason


class Appointment(SoftDeletable, TimestampedModel):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="appointments"
    )
    appointment_date = models.DateField()
    booked_on = models.DateField()
    location = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(
        max_length=16,
        choices=[(o.value, o.value.replace("_", " ").capitalize()) for o in AppointmentOutcome],
        default=AppointmentOutcome.BOOKED,
    )
    cancelled_by = models.CharField(
        max_length=12,
        choices=[(c.value, c.value.replace("_", " ").capitalize()) for c in CancelledBy],
        blank=True,
    )
    placement_move = models.BooleanField(
        default=False, help_text="Cancelled or missed because of a placement move"
    )
    outcome_recorded_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        # By the column: "assessment" would follow Assessment's ordering into a join with the
        # child and a sort by name in every appointment subquery (issue 18).
        ordering = ["assessment_id", "appointment_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    outcome="CANCELLED", cancelled_by__in=["CARER", "YOUNG_PERSON", "HEALTH"]
                )
                | ~Q(outcome="CANCELLED") & Q(cancelled_by=""),
                name="appointment_cancellation_has_who",
            ),
            models.UniqueConstraint(
                fields=["assessment"],
                condition=Q(outcome="BOOKED", deleted_at__isnull=True),
                name="one_booked_appointment_per_assessment",
            ),
        ]


# The kinds and labels of the per-child clocks, from the clock registry (one place).
# django-stubs type the functional Choices API only as TextChoices(name[, label]).
HealthClockKind = models.TextChoices(  # type: ignore[call-overload]
    "HealthClockKind",
    [(kind.name, (kind.value, spec.label)) for kind, spec in CLOCK_KINDS.items()],
)


class HealthClock(models.Model):
    """The current cycle of each per-child clock other than IHA/RHA, kept by the recompute
    and moved on by the nightly sweep."""

    child = models.ForeignKey(
        "children.Child", on_delete=models.CASCADE, related_name="health_clocks"
    )
    kind = models.CharField(max_length=16, choices=HealthClockKind.choices)
    due_date = models.DateField()
    last_completed_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default=ClockStatus.PENDING)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "kind"], name="one_health_clock_per_kind")
        ]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            # The sweep's candidates (issue 18): only pending and at-risk clocks move.
            models.Index(
                fields=["due_date"],
                condition=Q(status__in=["PENDING", "AT_RISK"]),
                name="healthclock_sweep_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for child {self.child_id} due {self.due_date:%d/%m/%Y}"
