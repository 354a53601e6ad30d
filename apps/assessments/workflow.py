"""The assessment workflow, declared once (issue 12).

Each step says, in one place: its name (the API action's path and the capability's key),
its wording (the next-step link, the page title and intro, the success message), the states
it is available from, the capability its actor needs (apps/access), its page form and API
serializer, the service it calls and how. From this registry come:

- the step pages (``views.step_page``, one generic view; ``urls()`` keeps every URL name
  and path),
- the DRF actions on ``AssessmentViewSet`` (``api_actions``: same paths and shapes),
- the "next steps" on the assessment page (``available_steps``),
- the worklists' "awaiting your action" filter and the words of each row
  (``worklist_filter``, ``action_for``, used by worklists.py).

The states are ``Fact`` objects that hold both a Q (for querysets annotated by
``annotate_facts``) and a test on a loaded assessment (for the page), so the two can never
disagree: a step is available in exactly the rows the worklist lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from apps.access import Capability, may
from apps.access import capabilities as roles
from apps.assessments import forms, serializers, services
from apps.assessments.models import Appointment, Assessment
from apps.assessments.rules.attribution import AppointmentOutcome
from apps.assessments.rules.status import BREACH_STATUSES, ClockStatus
from apps.policy.rules import Party

# A request shows on the social worker's list four weeks before it is due.
REQUEST_HORIZON_DAYS = 28
RECENT_REPORT_DAYS = 14


# --- States ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """A condition on an assessment as a Q (annotated queryset) and as a test (object)."""

    q: Callable[[], Q]
    test: Callable[[Assessment], bool]

    def __and__(self, other: Fact) -> Fact:
        return Fact(lambda: self.q() & other.q(), lambda a: self.test(a) and other.test(a))

    def __or__(self, other: Fact) -> Fact:
        return Fact(lambda: self.q() | other.q(), lambda a: self.test(a) or other.test(a))

    def __invert__(self) -> Fact:
        return Fact(lambda: ~self.q(), lambda a: not self.test(a))


def _booked(assessment: Assessment) -> Appointment | None:
    return next(
        (a for a in assessment.appointments.all() if a.outcome == AppointmentOutcome.BOOKED),
        None,
    )


def _has_booking(assessment: Assessment) -> bool:
    if hasattr(assessment, "has_booking"):
        return assessment.has_booking
    return _booked(assessment) is not None


def _booked_for(assessment: Assessment) -> date | None:
    if hasattr(assessment, "booked_for"):
        return assessment.booked_for
    booked = _booked(assessment)
    return booked.appointment_date if booked else None


def _attended_on(assessment: Assessment) -> date | None:
    if hasattr(assessment, "attended_on"):
        return assessment.attended_on
    return max(
        (
            a.appointment_date
            for a in assessment.appointments.all()
            if a.outcome == AppointmentOutcome.ATTENDED
        ),
        default=None,
    )


def annotate_facts(queryset: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """The annotations the Facts' Qs need (one subquery each, no query per row)."""
    appointments = Appointment.objects.filter(assessment=OuterRef("pk"))
    booked = appointments.filter(outcome=AppointmentOutcome.BOOKED)
    attended = appointments.filter(outcome=AppointmentOutcome.ATTENDED).order_by(
        "-appointment_date"
    )
    return queryset.annotate(
        has_booking=Exists(booked),
        booked_for=Subquery(booked.values("appointment_date")[:1]),
        attended_on=Subquery(attended.values("appointment_date")[:1]),
        **write_up_annotations(),
    )


def write_up_annotations() -> dict[str, ExpressionWrapper]:
    """The Facts' annotations about the write-up and report (also read by the worklists'
    denormalised path, apps.assessments.worklists)."""
    return {
        # Issue 14: the structured write-up (apps.writeups, reached by its reverse
        # one-to-one, so this app imports nothing of it) is signed off.
        "write_up_signed": ExpressionWrapper(
            Q(write_up__signed_off_at__isnull=False), output_field=BooleanField()
        ),
        # A report: generated at sign-off, or uploaded when the assessment was done elsewhere.
        "has_report": ExpressionWrapper(Q(report__isnull=False), output_field=BooleanField()),
    }


def _today() -> date:
    return timezone.localdate()


def _booked_by_today(assessment: Assessment) -> bool:
    booked_for = _booked_for(assessment)
    return booked_for is not None and booked_for <= _today()


OPEN = Fact(
    lambda: Q(held_on__isnull=True, declined_on__isnull=True, not_required_reason=""),
    lambda a: a.held_on is None and a.declined_on is None and not a.not_required_reason,
)
REQUESTED = Fact(lambda: Q(request_sent_on__isnull=False), lambda a: a.request_sent_on is not None)
REQUEST_COMPLETE = Fact(
    lambda: Q(request_complete_on__isnull=False), lambda a: a.request_complete_on is not None
)
BOOKED = Fact(lambda: Q(has_booking=True), _has_booking)
BOOKING_DUE = Fact(
    lambda: Q(has_booking=True, booked_for__lte=_today()),
    lambda a: _has_booking(a) and _booked_by_today(a),
)
# Issue 14, one meaning of "held": recording "Attended" sets the held date (the
# attendance date, whoever records it first: services._record_held), so a held assessment
# is no longer open (never "to book"). It is then "held, awaiting write-up" until the
# clinician signs off the structured write-up (apps.writeups) or a report done elsewhere
# is uploaded; the sign-off replaces the old free-text "complete" step.
ATTENDED = Fact(lambda: Q(attended_on__isnull=False), lambda a: _attended_on(a) is not None)
HELD = Fact(lambda: Q(held_on__isnull=False), lambda a: a.held_on is not None)
BEFORE_RECORDS = Fact(lambda: Q(before_records=True), lambda a: a.before_records)
REPORT_RETURNED = Fact(
    lambda: Q(report_returned_on__isnull=False), lambda a: a.report_returned_on is not None
)
BREACHED = Fact(
    lambda: Q(status__in=list(BREACH_STATUSES)) | Q(report_breached=True),
    lambda a: a.status in BREACH_STATUSES or a.report_breached,
)
OVERDUE = Fact(lambda: Q(status=ClockStatus.OVERDUE), lambda a: a.status == ClockStatus.OVERDUE)


def _write_up_signed(assessment: Assessment) -> bool:
    if hasattr(assessment, "write_up_signed"):
        return bool(assessment.write_up_signed)
    write_up = getattr(assessment, "write_up", None)  # None when there is none yet
    return write_up is not None and write_up.signed_off_at is not None


def _has_report(assessment: Assessment) -> bool:
    if hasattr(assessment, "has_report"):
        return bool(assessment.has_report)
    return getattr(assessment, "report", None) is not None


WRITE_UP_SIGNED = Fact(lambda: Q(write_up__signed_off_at__isnull=False), _write_up_signed)
HAS_REPORT = Fact(lambda: Q(report__isnull=False), _has_report)
# Held, and neither a signed write-up nor a report yet (nor returned some other way).
AWAITING_WRITE_UP = HELD & ~BEFORE_RECORDS & ~REPORT_RETURNED & ~WRITE_UP_SIGNED & ~HAS_REPORT

# Worklist-only windows (Q only: the page shows a step whenever it is available).
REQUEST_WINDOW = lambda: Q(  # noqa: E731
    request_due__lte=_today() + timedelta(days=REQUEST_HORIZON_DAYS)
)
RECENT_REPORT = lambda: Q(  # noqa: E731
    report_returned_on__gte=_today() - timedelta(days=RECENT_REPORT_DAYS)
)
UNCHARGED_BREACH = lambda: Q(  # noqa: E731
    status__in=[ClockStatus.OVERDUE, ClockStatus.BREACHED]
)


# --- Steps -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    name: str  # the API path segment of the step
    capability: Capability
    label: str  # the next-step link on the assessment page
    title: str | Callable[..., str]
    message: str
    form: type
    serializer: type
    service: Callable
    actor: str  # the service's keyword for the user taking the step
    available: Fact
    url_name: str
    page_path: str  # under assessments/<pk>/
    api_name: str  # the ViewSet method (and so the OpenAPI operation id)
    intro: Callable[[Assessment], str] = lambda assessment: ""
    initial_today: tuple[str, ...] = ()
    # Service keyword arguments from the cleaned form data (the page) or serializer data.
    page_data: Callable[[dict], dict] = lambda data: data
    api_data: Callable[[dict], dict] = lambda data: data
    # The step is about one appointment (record-outcome), not the assessment itself.
    on_appointment: bool = False
    # The service takes the optimistic-concurrency version (the serializer has one).
    versioned: bool = True
    help: str = ""

    def title_for(self, assessment: Assessment, appointment: Appointment | None = None) -> str:
        return self.title(appointment) if callable(self.title) else self.title

    def allowed(self, user, assessment: Assessment) -> bool:
        return may(user, self.capability, assessment)

    def run(self, *, assessment, user, data: dict, appointment=None, version=None):
        kwargs = {self.actor: user, **data}
        if self.on_appointment:
            kwargs["appointment"] = appointment
        else:
            kwargs["assessment"] = assessment
        if self.versioned:
            kwargs["expected_version"] = version
        return self.service(**kwargs)


STEPS: list[Step] = [
    Step(
        name="request",
        capability=Capability.ASSESSMENT_REQUEST,
        label="Send the request",
        title="Send the request to health",
        intro=lambda a: f"The request is due by {a.request_due:%d %B %Y}.",
        message="Request sent. The provider has been told.",
        form=forms.RequestForm,
        serializer=serializers.RequestInput,
        service=services.assessment_request,
        actor="requested_by",
        available=OPEN & ~REQUESTED,
        url_name="assessment-request",
        page_path="request/",
        api_name="send_request",
        initial_today=("sent_on",),
    ),
    Step(
        name="request-complete",
        capability=Capability.ASSESSMENT_REQUEST_COMPLETE,
        label="Record the request as complete",
        title="Record the request as complete",
        message="Request recorded as complete.",
        form=forms.RequestCompleteForm,
        serializer=serializers.RequestCompleteInput,
        service=services.assessment_request_complete,
        actor="recorded_by",
        available=OPEN & REQUESTED & ~REQUEST_COMPLETE,
        url_name="assessment-request-complete",
        page_path="request-complete/",
        api_name="request_complete",
        initial_today=("complete_on",),
    ),
    Step(
        name="book",
        capability=Capability.ASSESSMENT_BOOK,
        label="Book an appointment",
        title="Book an appointment",
        message="Appointment booked.",
        form=forms.BookForm,
        serializer=serializers.BookInput,
        service=services.appointment_book,
        actor="booked_by",
        # Not once the child has attended: the assessment is then held (no longer open).
        available=OPEN & REQUESTED & ~BOOKED,
        url_name="assessment-book",
        page_path="book/",
        api_name="book",
        initial_today=("booked_on",),
        versioned=False,
    ),
    Step(
        name="record-outcome",
        capability=Capability.ASSESSMENT_RECORD_OUTCOME,
        label="Record what happened at the appointment",
        title=lambda appointment: (
            f"What happened at the appointment of {appointment.appointment_date:%d %B %Y}"
        ),
        message="Appointment outcome recorded.",
        form=forms.OutcomeForm,
        serializer=serializers.OutcomeInput,
        service=services.appointment_record_outcome,
        actor="recorded_by",
        available=BOOKED,
        url_name="appointment-outcome",
        page_path="appointments/<int:appointment_pk>/outcome/",
        api_name="record_outcome",
        initial_today=("recorded_on",),
        on_appointment=True,
        versioned=False,
    ),
    Step(
        name="return-report",
        capability=Capability.ASSESSMENT_RETURN_REPORT,
        label="Record the report as returned",
        title="Record the report as returned",
        message="Report recorded as returned to the social worker.",
        form=forms.ReturnReportForm,
        serializer=serializers.ReturnReportInput,
        service=services.assessment_return_report,
        actor="returned_by",
        # Once there is a report to return (signed-off write-up or upload).
        available=HELD & ~REPORT_RETURNED & HAS_REPORT,
        url_name="assessment-return-report",
        page_path="return-report/",
        api_name="return_report",
        initial_today=("returned_on",),
    ),
    Step(
        name="decline",
        capability=Capability.ASSESSMENT_DECLINE,
        label="Record that the young person declined",
        title="Record that the young person declined",
        message="Decline recorded.",
        form=forms.DeclineForm,
        serializer=serializers.DeclineInput,
        service=services.assessment_decline,
        actor="recorded_by",
        available=OPEN,
        url_name="assessment-decline",
        page_path="decline/",
        api_name="decline",
    ),
    Step(
        name="health-reason",
        capability=Capability.ASSESSMENT_HEALTH_REASON,
        label="Give health's reason for the breach",
        title="Give health's reason for the breach",
        message="Reason recorded.",
        form=forms.HealthReasonForm,
        serializer=serializers.HealthReasonInput,
        service=services.assessment_record_health_reason,
        actor="recorded_by",
        available=BREACHED,
        url_name="assessment-health-reason",
        page_path="health-reason/",
        api_name="health_reason",
    ),
    Step(
        name="override-breach",
        capability=Capability.ASSESSMENT_OVERRIDE_BREACH,
        label="Override who the breach is charged to",
        title="Override who the breach is charged to",
        intro=lambda a: f"Decided by the rule: {a.breach_rule}",
        message="Saved. Charging the other agency is a proposal it agrees or disputes: until then "
        "the breach stays where it was.",
        form=forms.OverrideForm,
        serializer=serializers.OverrideInput,
        service=services.breach_override,
        actor="overridden_by",
        available=BREACHED,
        url_name="assessment-override",
        page_path="override/",
        api_name="override_breach",
        api_data=lambda data: {"reason": "", **data},
    ),
]
STEPS_BY_NAME: dict[str, Step] = {step.name: step for step in STEPS}


def step(name: str) -> Step:
    return STEPS_BY_NAME[name]


def available_steps(user, assessment: Assessment) -> list[Step]:
    """The steps this user may take next on this assessment (the assessment page)."""
    return [s for s in STEPS if s.available.test(assessment) and s.allowed(user, assessment)]


# --- Worklists ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkItem:
    """A row's next action for a set of roles: its words, when it applies, and (if
    ``listed``) the extra window in which it is on the "awaiting your action" list. The
    first item (in ``WORK_ITEMS`` order) that applies gives the row's words."""

    label: str | Callable[[Assessment], str]
    roles: frozenset[str]
    when: Fact
    listed: bool = True
    window: Callable[[], Q] = field(default=lambda: Q())
    step: str = ""  # the workflow step the item leads to, if any
    url_name: str = ""  # else the page it leads to (a URL name taking the assessment's pk)

    def words(self, assessment: Assessment) -> str:
        return self.label(assessment) if callable(self.label) else self.label


TEAM = frozenset(roles.TEAM)
HEALTH = frozenset(roles.HEALTH_PROVIDER)
ADMIN = frozenset({roles.HEALTH_ADMIN})
NURSE = frozenset({roles.LAC_NURSE})
NOT_CASEWORK = frozenset(
    {
        roles.PERFORMANCE_MANAGER,
        roles.DESIGNATED,
        roles.MEDICAL_ADVISER,
        roles.AUDITOR,
        roles.ADMIN,
        "",
    }
)
ANYONE = TEAM | HEALTH | NOT_CASEWORK

NO_ATTRIBUTION = Fact(
    lambda: Q(override_party="", breach_party=Party.UNDETERMINED),
    lambda a: not a.override_party and a.breach_party == Party.UNDETERMINED,
)
HEALTH_WITHOUT_REASON = Fact(
    lambda: Q(override_party="", breach_party=Party.HEALTH, breach_reason="", health_reason=""),
    lambda a: (
        not a.override_party
        and a.breach_party == Party.HEALTH
        and not a.breach_reason
        and not a.health_reason
    ),
)
UNDETERMINED = Fact(
    lambda: Q(breach_party=Party.UNDETERMINED), lambda a: a.breach_party == Party.UNDETERMINED
)
NEVER = Fact(lambda: Q(pk__in=[]), lambda a: False)

WORK_ITEMS: list[WorkItem] = [
    WorkItem("Review the breach", NOT_CASEWORK, OVERDUE, listed=False),
    # The social worker's (and team manager's) items.
    WorkItem(
        "Send the request with consent",
        TEAM,
        step("request").available,
        window=REQUEST_WINDOW,
        step="request",
    ),
    WorkItem(
        "Complete the request: consent or information missing",
        TEAM,
        step("request-complete").available,
        step="request-complete",
    ),
    WorkItem(
        "Read the returned report and health plan",
        TEAM,
        REPORT_RETURNED,
        window=RECENT_REPORT,
    ),
    WorkItem("Waiting for health", TEAM, ~NEVER, listed=False),
    # Health staff of the provider. Held and not written up: the clinician writes it up
    # (the write-up page, apps.writeups), health admin awaits the report; never "to book".
    WorkItem("Write up the assessment", NURSE, AWAITING_WRITE_UP, url_name="writeup-edit"),
    WorkItem("Awaiting report", ADMIN, AWAITING_WRITE_UP),
    WorkItem("Return the report", HEALTH, step("return-report").available, step="return-report"),
    # Either of them may record the attendance (the first record is the held date).
    WorkItem("Record attendance", HEALTH, OPEN & BOOKING_DUE, step="record-outcome"),
    WorkItem(
        lambda a: f"Booked for {_booked_for(a):%d %b %Y}", HEALTH, OPEN & BOOKED, listed=False
    ),
    WorkItem("Book an appointment", ADMIN, step("book").available, step="book"),
    WorkItem("Book an appointment", NURSE, step("book").available, listed=False),
    # Designated professionals, performance managers and auditors: breaches to attribute.
    WorkItem(
        "Review",
        frozenset({roles.DESIGNATED}),
        NO_ATTRIBUTION | HEALTH_WITHOUT_REASON,
        window=UNCHARGED_BREACH,
    ),
    WorkItem(
        "Review",
        frozenset({roles.PERFORMANCE_MANAGER, roles.AUDITOR}),
        UNDETERMINED,
        window=UNCHARGED_BREACH,
    ),
]


def worklist_filter(role: str) -> Q:
    """The "awaiting your action" list of a role: the listed items' conditions, or'd."""
    condition = Q(pk__in=[])
    for item in WORK_ITEMS:
        if item.listed and role in item.roles:
            condition |= item.when.q() & item.window()
    return condition


def work_item_for(role: str, assessment: Assessment) -> WorkItem | None:
    return next(
        (item for item in WORK_ITEMS if role in item.roles and item.when.test(assessment)), None
    )


def action_for(user, assessment: Assessment) -> str:
    """What this user should do next about the item, in words."""
    item = work_item_for(user.role, assessment)
    return item.words(assessment) if item is not None else "Review"
