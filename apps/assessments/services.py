"""Writes for the health assessment workflow (DOMAIN.md 2-5). Each step checks the current
state first and refuses a step out of order with an error that names the field; each marks
the child's clocks stale and enqueues the recompute after commit."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.models import Organisation, OrganisationKind, User
from apps.assessments.models import (
    Appointment,
    Assessment,
    DentalCheck,
    HealthHistory,
    HealthPlan,
    HealthPlanAction,
    ImmunisationRecord,
    OutOfAreaReferral,
    SdqRecord,
)
from apps.assessments.models.assessment import MEDICAL_PRACTITIONER_ROLES
from apps.assessments.recompute import mark_clocks_stale, recompute_children
from apps.assessments.rules.attribution import AppointmentOutcome, CancelledBy
from apps.assessments.rules.held import held_date
from apps.assessments.rules.status import BREACH_STATUSES
from apps.children.models import Child
from apps.core.services import (
    bump_version,
    check_not_before_birth,
    check_not_future,
    check_version,
    register_constraint_message,
    save_with_constraints,
)
from apps.dataquality.checks import enforce_appointment, enforce_assessment, enforce_record
from apps.policy.rules import BreachReason

# The API's names for the assessment's event dates (the temporal rules use the model's).
EVENT_FIELD_NAMES = {"request_sent_on": "sent_on", "report_returned_on": "returned_on"}

register_constraint_message(
    "one_booked_appointment_per_assessment",
    "appointment_date",
    "An appointment is already booked: record its outcome first.",
)
register_constraint_message(
    "one_assessment_before_records_per_child",
    "held_on",
    "The last assessment before our records is already recorded.",
)
register_constraint_message(
    "one_dental_check_per_day", "checked_on", "A dental check is already recorded on this date."
)
register_constraint_message(
    "sdq_total_is_sum_of_subscales",
    "total_score",
    "The total must equal the sum of the four difficulty scores.",
)
register_constraint_message(
    "sdq_score_or_reason",
    "total_score",
    "Give a total score and informant, or a reason code, not both.",
)


def child_clocks_recompute(*, child_id: int) -> None:
    recompute_children([child_id])


def clocks_changed(child_id: int) -> None:
    """Mark in this transaction, recompute through Celery after commit. If the message is
    lost (Redis down), the mark stays and the nightly sweep recomputes the child."""
    from apps.assessments.tasks import enqueue_child_recompute

    mark_clocks_stale(child_id)
    enqueue_child_recompute(child_id)


def _lock(assessment: Assessment, expected_version: int | None = None) -> Assessment:
    Child.objects.select_for_update().filter(pk=assessment.child_id).exists()
    locked = Assessment.objects.select_for_update().select_related("child").get(pk=assessment.pk)
    check_version(locked, expected_version)
    return locked


def _event_date(field: str, value: date, assessment: Assessment, label: str) -> None:
    check_not_future(field, value, label)
    check_not_before_birth(field, value, assessment.child.date_of_birth, label)


def _require_open(assessment: Assessment, field: str) -> None:
    if assessment.held_on is not None:
        raise ValidationError({field: "This assessment has already been completed."})
    if assessment.declined_on is not None:
        raise ValidationError({field: "The young person declined this assessment."})
    if assessment.not_required_reason:
        raise ValidationError({field: "This assessment is marked as not required."})


def _save(assessment: Assessment) -> Assessment:
    bump_version(assessment)
    save_with_constraints(assessment)
    clocks_changed(assessment.child_id)
    return assessment


@transaction.atomic
def assessment_request(
    *,
    assessment: Assessment,
    sent_on: date,
    provider: Organisation,
    requested_by: User,
    consent_obtained_on: date | None = None,
    request_complete_on: date | None = None,
    expected_version: int | None = None,
) -> Assessment:
    """The LA sends the request (with consent, when it has it) to a health provider."""
    assessment = _lock(assessment, expected_version)
    _require_open(assessment, "sent_on")
    if assessment.request_sent_on is not None:
        raise ValidationError({"sent_on": "The request has already been sent."})
    if provider is None or provider.kind != OrganisationKind.PROVIDER:
        raise ValidationError({"provider": "Choose a health provider."})
    _event_date("sent_on", sent_on, assessment, "The request date")
    assessment.request_sent_on = sent_on
    assessment.provider = provider
    if consent_obtained_on is not None:
        _event_date("consent_obtained_on", consent_obtained_on, assessment, "The consent date")
        assessment.consent_obtained_on = consent_obtained_on
    if request_complete_on is not None:
        _check_complete_date(assessment, request_complete_on)
        assessment.request_complete_on = request_complete_on
    enforce_assessment(assessment, {"request_sent_on", "request_complete_on"}, EVENT_FIELD_NAMES)
    _save(assessment)
    from apps.assessments.tasks import enqueue_request_notification

    enqueue_request_notification(assessment.pk)
    return assessment


def _check_complete_date(assessment: Assessment, complete_on: date) -> None:
    _event_date("request_complete_on", complete_on, assessment, "The date the request was complete")
    if complete_on < assessment.request_sent_on:
        raise ValidationError(
            {"request_complete_on": "A request cannot be complete before it is sent."}
        )


@transaction.atomic
def assessment_request_complete(
    *,
    assessment: Assessment,
    complete_on: date,
    recorded_by: User,
    consent_obtained_on: date | None = None,
    expected_version: int | None = None,
) -> Assessment:
    """Consent and the information health needs are in: the request is complete."""
    assessment = _lock(assessment, expected_version)
    _require_open(assessment, "request_complete_on")
    if assessment.request_sent_on is None:
        raise ValidationError(
            {"request_complete_on": "Send the request before recording it as complete."}
        )
    if assessment.request_complete_on is not None:
        raise ValidationError(
            {"request_complete_on": "The request is already recorded as complete."}
        )
    _check_complete_date(assessment, complete_on)
    assessment.request_complete_on = complete_on
    enforce_assessment(assessment, {"request_complete_on"})
    if consent_obtained_on is not None:
        _event_date("consent_obtained_on", consent_obtained_on, assessment, "The consent date")
        assessment.consent_obtained_on = consent_obtained_on
    return _save(assessment)


@transaction.atomic
def appointment_book(
    *,
    assessment: Assessment,
    appointment_date: date,
    booked_on: date,
    booked_by: User,
    location: str = "",
) -> Appointment:
    assessment = _lock(assessment)
    _require_open(assessment, "appointment_date")
    if assessment.request_sent_on is None:
        raise ValidationError(
            {"appointment_date": "No request has been received for this assessment yet."}
        )
    check_not_future("booked_on", booked_on, "The booking date")
    if booked_on < assessment.request_sent_on:
        raise ValidationError(
            {"booked_on": "An appointment cannot be booked before the request was sent."}
        )
    if appointment_date < booked_on:
        raise ValidationError(
            {"appointment_date": "The appointment cannot be before the date it was booked."}
        )
    enforce_appointment(
        assessment=assessment, booked_on=booked_on, appointment_date=appointment_date
    )
    if assessment.appointments.filter(outcome=AppointmentOutcome.BOOKED).exists():
        raise ValidationError(
            {"appointment_date": "An appointment is already booked: record its outcome first."}
        )
    appointment = Appointment(
        assessment=assessment,
        appointment_date=appointment_date,
        booked_on=booked_on,
        location=location.strip(),
    )
    save_with_constraints(appointment)
    clocks_changed(assessment.child_id)
    return appointment


def _record_held(assessment: Assessment, attended_on: date, field: str) -> None:
    """The child attended on ``attended_on``: the assessment is held on that date, unless
    a held date is already recorded, which stands (DOMAIN.md 2: the held date is the
    attendance date, whoever records it first). From here it is "held, awaiting write-up"
    until the clinician signs off the structured write-up (apps.writeups)."""
    if assessment.declined_on is not None:
        raise ValidationError({field: "The young person declined this assessment."})
    held_on = held_date(recorded=assessment.held_on, attended_on=attended_on)
    if held_on == assessment.held_on:
        return
    _event_date(field, held_on, assessment, "The date the assessment was held")
    if assessment.request_sent_on is None or held_on < assessment.request_sent_on:
        raise ValidationError({field: "The assessment cannot be held before the request was sent."})
    assessment.held_on = held_on
    # Held, it is no longer "not required" (as when the old "complete" step recorded it).
    assessment.not_required_reason = ""
    enforce_assessment(assessment, {"held_on"}, {"held_on": field})


@transaction.atomic
def appointment_record_outcome(
    *,
    appointment: Appointment,
    outcome: str,
    recorded_by: User,
    recorded_on: date,
    cancelled_by: str = "",
    placement_move: bool = False,
    note: str = "",
) -> Appointment:
    """Attended, cancelled (by carer, young person or health) or was not brought.
    "Attended" is the held date of the assessment (``_record_held``)."""
    assessment = _lock(appointment.assessment)
    appointment = (
        Appointment.objects.select_for_update().select_related("assessment").get(pk=appointment.pk)
    )
    if appointment.outcome != AppointmentOutcome.BOOKED:
        raise ValidationError({"outcome": "The outcome of this appointment is already recorded."})
    if outcome not in {
        AppointmentOutcome.ATTENDED,
        AppointmentOutcome.CANCELLED,
        AppointmentOutcome.WAS_NOT_BROUGHT,
    }:
        raise ValidationError({"outcome": "Choose attended, cancelled or was not brought."})
    if (
        outcome == AppointmentOutcome.CANCELLED
        and cancelled_by not in CancelledBy.__members__.values()
    ):
        raise ValidationError({"cancelled_by": "Say who cancelled: carer, young person or health."})
    if outcome != AppointmentOutcome.CANCELLED and cancelled_by:
        raise ValidationError({"cancelled_by": "Only a cancellation has someone who cancelled."})
    check_not_future("recorded_on", recorded_on, "The date recorded")
    if outcome in {AppointmentOutcome.ATTENDED, AppointmentOutcome.WAS_NOT_BROUGHT}:
        check_not_future("outcome", appointment.appointment_date, "An attendance")
    appointment.outcome = outcome
    appointment.cancelled_by = cancelled_by if outcome == AppointmentOutcome.CANCELLED else ""
    appointment.placement_move = placement_move
    appointment.outcome_recorded_on = recorded_on
    appointment.note = note.strip()
    bump_version(appointment)
    save_with_constraints(appointment)
    if outcome == AppointmentOutcome.ATTENDED:
        held_before = assessment.held_on
        _record_held(assessment, appointment.appointment_date, "outcome")
        if assessment.held_on != held_before:
            bump_version(assessment)
            save_with_constraints(assessment)
    clocks_changed(assessment.child_id)
    return appointment


@transaction.atomic
def assessment_complete(
    *,
    assessment: Assessment,
    held_on: date,
    clinician_role: str,
    completed_by: User,
    outcome_summary: str = "",
    immunisation_status: str = "",
    health_plan_summary: str = "",
    health_plan_actions: list[dict] | None = None,
    expected_version: int | None = None,
) -> Assessment:
    """Record an assessment as held in one go, without the appointment and the structured
    write-up: for demo data, imports and tests only. No page or API reaches it since issue
    14 (the one path is "Attended" on the appointment, then the write-up's sign-off). The
    held date follows the same rule as an attendance (``_record_held``): a booked
    appointment on ``held_on`` is recorded as attended."""
    assessment = _lock(assessment, expected_version)
    if assessment.held_on is not None:
        raise ValidationError(
            {
                "held_on": f"This assessment is already recorded as held on {assessment.held_on:%d/%m/%Y}."
            }
        )
    if assessment.request_sent_on is None:
        raise ValidationError({"held_on": "No request has been received for this assessment."})
    if assessment.kind == "IHA" and clinician_role not in MEDICAL_PRACTITIONER_ROLES:
        raise ValidationError(
            {
                "clinician_role": "An initial health assessment is carried out by a registered medical practitioner."
            }
        )
    if not clinician_role:
        raise ValidationError({"clinician_role": "Say who carried out the assessment."})
    booked = assessment.appointments.filter(outcome=AppointmentOutcome.BOOKED).first()
    if booked is not None and booked.appointment_date != held_on:
        raise ValidationError(
            {
                "held_on": f"An appointment is booked for {booked.appointment_date:%d/%m/%Y}: record its outcome first."
            }
        )
    _record_held(assessment, held_on, "held_on")
    assessment.clinician_role = clinician_role
    assessment.outcome_summary = outcome_summary.strip()
    if booked is not None:
        booked.outcome = AppointmentOutcome.ATTENDED
        booked.outcome_recorded_on = held_on
        save_with_constraints(booked)
    _save(assessment)
    if immunisation_status:
        ImmunisationRecord.objects.create(
            child=assessment.child,
            assessment=assessment,
            checked_on=held_on,
            status=immunisation_status,
        )
    if health_plan_summary or health_plan_actions:
        plan = HealthPlan.objects.create(assessment=assessment, summary=health_plan_summary.strip())
        for index, item in enumerate(health_plan_actions or []):
            action = HealthPlanAction(plan=plan, **item)
            try:
                action.full_clean(exclude=["plan"])
            except ValidationError as error:
                raise ValidationError({f"health_plan_actions[{index}]": error.messages}) from error
            action.save()
    return assessment


@transaction.atomic
def assessment_written_up(
    *, assessment: Assessment, clinician_role: str, signed_by: User
) -> Assessment:
    """The structured write-up is signed off (apps.writeups): the assessment records the
    clinician's role, as the old "complete" step did. The held date does not move."""
    assessment = _lock(assessment)
    if assessment.held_on is None:
        raise ValidationError({"sign_off": "Record that the child attended first."})
    if assessment.kind == "IHA" and clinician_role not in MEDICAL_PRACTITIONER_ROLES:
        raise ValidationError(
            {
                "role": "An initial health assessment is signed off by a registered medical practitioner."
            }
        )
    assessment.clinician_role = clinician_role
    return _save(assessment)


@transaction.atomic
def assessment_return_report(
    *,
    assessment: Assessment,
    returned_on: date,
    returned_by: User,
    expected_version: int | None = None,
) -> Assessment:
    assessment = _lock(assessment, expected_version)
    if assessment.held_on is None:
        raise ValidationError({"returned_on": "The assessment has not been held yet."})
    if assessment.report_returned_on is not None:
        raise ValidationError({"returned_on": "The report has already been returned."})
    _event_date("returned_on", returned_on, assessment, "The date the report was returned")
    if returned_on < assessment.held_on:
        raise ValidationError(
            {"returned_on": "The report cannot be returned before the assessment was held."}
        )
    assessment.report_returned_on = returned_on
    enforce_assessment(assessment, {"report_returned_on"}, EVENT_FIELD_NAMES)
    return _save(assessment)


@transaction.atomic
def assessment_decline(
    *,
    assessment: Assessment,
    declined_on: date,
    recorded_by: User,
    note: str = "",
    expected_version: int | None = None,
) -> Assessment:
    """The young person declined the assessment (DOMAIN.md 2: recorded with the date)."""
    assessment = _lock(assessment, expected_version)
    _require_open(assessment, "declined_on")
    _event_date("declined_on", declined_on, assessment, "The date declined")
    if declined_on < assessment.clock_start:
        raise ValidationError(
            {"declined_on": "The assessment cannot be declined before its clock started."}
        )
    assessment.declined_on = declined_on
    assessment.outcome_summary = note.strip()
    return _save(assessment)


@transaction.atomic
def assessment_record_health_reason(
    *,
    assessment: Assessment,
    reason: str,
    recorded_by: User,
    note: str = "",
    expected_version: int | None = None,
) -> Assessment:
    """Health's reason for a breach charged to it (blank until given)."""
    assessment = _lock(assessment, expected_version)
    if assessment.status not in BREACH_STATUSES and not assessment.report_breached:
        raise ValidationError({"reason": "This assessment is not in breach."})
    if reason not in BreachReason.__members__.values():
        raise ValidationError({"reason": "Choose a reason from the list."})
    if reason == BreachReason.OTHER and not note.strip():
        raise ValidationError({"note": "Describe the reason when choosing Other."})
    assessment.health_reason = reason
    assessment.health_reason_note = note.strip()
    return _save(assessment)


@transaction.atomic
def breach_override(
    *,
    assessment: Assessment,
    party: str,
    reason: str,
    note: str,
    overridden_by: User,
    expected_version: int | None = None,
) -> Assessment:
    """A team manager or designated professional changes who a breach is charged to, with
    a note; the author and the previous values stay in history. Charging the other agency
    is a proposal that agency answers (apps.assessments.proposal_services); the assessment
    is returned either way."""
    from apps.assessments.proposal_services import attribution_change

    assessment = _lock(assessment, expected_version)
    if assessment.status not in BREACH_STATUSES and not assessment.report_breached:
        raise ValidationError({"party": "This assessment is not in breach."})
    attribution_change(
        assessment=assessment, party=party, reason=reason, note=note, changed_by=overridden_by
    )
    return assessment


# Dental, SDQ, immunisations and health histories -------------------------------------------


def _child_event(child: Child, field: str, day: date, label: str, kind: str = "") -> Child:
    child = Child.objects.select_for_update().get(pk=child.pk)
    if kind:  # dental, SDQ and immunisation dates: the temporal rules (issue 13)
        enforce_record(kind=kind, on=day, date_of_birth=child.date_of_birth, field=field)
    check_not_future(field, day, label)
    check_not_before_birth(field, day, child.date_of_birth, label)
    return child


@transaction.atomic
def dental_check_record(
    *,
    child: Child,
    checked_on: date,
    recorded_by: User,
    practice: str = "",
    treatment_needed: bool = False,
    note: str = "",
) -> DentalCheck:
    child = _child_event(child, "checked_on", checked_on, "The dental check date", "DENTAL")
    check = DentalCheck(
        child=child,
        checked_on=checked_on,
        practice=practice.strip(),
        treatment_needed=treatment_needed,
        note=note.strip(),
    )
    save_with_constraints(check, exclude_unique=True)
    clocks_changed(child.pk)
    return check


def check_sdq_scores(
    *,
    informant: str,
    total_score: int | None,
    reason_not_completed: str,
    subscales: dict[str, int | None],
) -> None:
    """A score with its informant or a reason code, not both; when subscales are given, the
    total equals the sum of the four difficulty scores (DOMAIN.md 4)."""
    if total_score is None and not reason_not_completed:
        raise ValidationError(
            {"total_score": "Give the total difficulties score, or a reason it was not completed."}
        )
    if total_score is not None and reason_not_completed:
        raise ValidationError({"reason_not_completed": "Give a score or a reason, not both."})
    if total_score is not None and not informant:
        raise ValidationError({"informant": "Say who completed the questionnaire."})
    difficulty = [subscales.get(n) for n in ("emotional", "conduct", "hyperactivity", "peer")]
    if any(v is not None for v in difficulty):
        if any(v is None for v in difficulty):
            raise ValidationError({"emotional": "Give all four difficulty scores, or none."})
        if total_score is not None and sum(difficulty) != total_score:
            raise ValidationError(
                {
                    "total_score": f"The total ({total_score}) must equal the sum of the four difficulty scores ({sum(difficulty)})."
                }
            )


@transaction.atomic
def sdq_record(
    *,
    child: Child,
    completed_on: date,
    recorded_by: User,
    informant: str = "",
    total_score: int | None = None,
    reason_not_completed: str = "",
    **subscales: int | None,
) -> SdqRecord:
    """Scores only (the SDQ's questions are licensed). When subscales are given, the total
    must equal the sum of the four difficulty scores."""
    child = _child_event(child, "completed_on", completed_on, "The SDQ date", "SDQ")
    check_sdq_scores(
        informant=informant,
        total_score=total_score,
        reason_not_completed=reason_not_completed,
        subscales=subscales,
    )
    record = SdqRecord(
        child=child,
        completed_on=completed_on,
        informant=informant,
        total_score=total_score,
        reason_not_completed=reason_not_completed,
        **{
            k: v
            for k, v in subscales.items()
            if k in {"emotional", "conduct", "hyperactivity", "peer", "prosocial"}
        },
    )
    save_with_constraints(record)
    clocks_changed(child.pk)
    return record


def check_uasc_checks(child: Child, *values: bool | None) -> None:
    if not child.is_uasc and any(v is not None for v in values):
        raise ValidationError(
            {
                "uk_schedule_started": "The schedule, TB and blood-borne virus checks are recorded for UASC."
            }
        )


@transaction.atomic
def immunisation_record(
    *,
    child: Child,
    checked_on: date,
    status: str,
    recorded_by: User,
    uk_schedule_started: bool | None = None,
    tb_screening_done: bool | None = None,
    bbv_testing_offered: bool | None = None,
    note: str = "",
) -> ImmunisationRecord:
    child = _child_event(child, "checked_on", checked_on, "The date checked", "IMMUNISATION")
    check_uasc_checks(child, uk_schedule_started, tb_screening_done, bbv_testing_offered)
    record = ImmunisationRecord(
        child=child,
        checked_on=checked_on,
        status=status,
        uk_schedule_started=uk_schedule_started,
        tb_screening_done=tb_screening_done,
        bbv_testing_offered=bbv_testing_offered,
        note=note.strip(),
    )
    save_with_constraints(record)
    return record


@transaction.atomic
def health_history_record(
    *, child: Child, provided_on: date, summary: str, written_by: User
) -> HealthHistory:
    child = _child_event(child, "provided_on", provided_on, "The date given")
    if not summary.strip():
        raise ValidationError({"summary": "Write the health history summary."})
    record = HealthHistory(
        child=child, provided_on=provided_on, summary=summary.strip(), written_by=written_by
    )
    save_with_constraints(record)
    clocks_changed(child.pk)
    return record


@transaction.atomic
def assessment_before_records_record(
    *,
    child: Child,
    held_on: date,
    kind: str,
    recorded_by: User,
    held_by_provider: str = "",
) -> Assessment:
    """The child's last statutory health assessment before our records began, for a child
    whose open period of care was imported part-way (its IHA is "not required: before our
    records"). It is kept as a held assessment outside every period on record, so the
    review clock follows it as it follows any held assessment (DOMAIN.md 3: next RHA due 6
    months after it if the child was under 5 on that day, else 12), and it counts in no
    timeliness measure. The clocks are recomputed in this transaction."""
    from apps.assessments.models import AssessmentKind
    from apps.assessments.rules.clocks import NotRequiredReason

    child = _child_event(child, "held_on", held_on, "The date the assessment was held")
    if kind not in AssessmentKind.values:
        raise ValidationError({"kind": "Choose an initial or a review health assessment."})
    period = child.periods_of_care.filter(end_date__isnull=True).first()
    if period is None:
        raise ValidationError({"held_on": "The child is not in care: no review is due."})
    if period.reason_new_episode == "S":
        raise ValidationError(
            {
                "held_on": "The child's period of care is recorded from its start: record the "
                "initial health assessment instead."
            }
        )
    if child.assessments.filter(before_records=True).exists():
        raise ValidationError(
            {"held_on": "The last assessment before our records is already recorded."}
        )
    on_record = (
        child.assessments.filter(before_records=False)
        .exclude(held_on__isnull=True, declined_on__isnull=True)
        .order_by("-held_on")
        .first()
    )
    if on_record is not None:
        raise ValidationError(
            {
                "held_on": "An assessment is already on record for the child "
                f"({on_record.get_kind_display().lower()}): the reviews follow it."
            }
        )
    assessment = Assessment(
        child=child,
        kind=kind,
        before_records=True,
        held_on=held_on,
        held_by_provider=held_by_provider.strip(),
        # Day 0 and the deadlines are the day it was held: it is the start of the reviews,
        # not a clock of its own.
        clock_start=held_on,
        request_due=held_on,
        due_date=held_on,
        not_required_reason=NotRequiredReason.BEFORE_RECORDS,
        not_required_note="Held before our records began",
    )
    save_with_constraints(assessment)
    recompute_children([child.pk])
    return assessment


# Children placed outside our area ----------------------------------------------------------


def out_of_area_referral_open(*, placement) -> OutOfAreaReferral | None:
    """A placement outside the child's own LA area makes a referral to the receiving area's
    provider due (policy: working days after the placement starts, Default 5)."""
    from apps.core.selectors import working_day_calendar
    from apps.policy.selectors import policy_lookup

    child = placement.child
    if placement.area_id == child.responsible_la_id or hasattr(placement, "referral"):
        return None
    policy = policy_lookup([child.responsible_la_id])(child.responsible_la_id, placement.start_date)
    due_on = working_day_calendar().add_working_days(
        placement.start_date, policy.out_of_area_referral_working_days
    )
    referral = OutOfAreaReferral(child=child, placement=placement, due_on=due_on)
    save_with_constraints(referral)
    return referral


@transaction.atomic
def out_of_area_referral_record(
    *,
    referral,
    referred_on: date,
    recorded_by: User,
    receiving_provider: Organisation | None = None,
    receiving_provider_name: str = "",
):
    from apps.assessments.models import OutOfAreaReferral

    referral = (
        OutOfAreaReferral.objects.select_for_update().select_related("child").get(pk=referral.pk)
    )
    if referral.referred_on is not None:
        raise ValidationError({"referred_on": "The referral has already been sent."})
    if receiving_provider is None and not receiving_provider_name.strip():
        raise ValidationError({"receiving_provider_name": "Name the receiving area's provider."})
    check_not_future("referred_on", referred_on, "The referral date")
    if referred_on < referral.placement.start_date:
        raise ValidationError(
            {"referred_on": "The referral cannot be before the placement started."}
        )
    referral.referred_on = referred_on
    referral.receiving_provider = receiving_provider
    referral.receiving_provider_name = receiving_provider_name.strip()
    bump_version(referral)
    save_with_constraints(referral)
    return referral


@transaction.atomic
def out_of_area_referral_quality(*, referral, outcome: str, on: date, recorded_by: User):
    from apps.assessments.models.records import ReferralQaOutcome

    referral = OutOfAreaReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.referred_on is None:
        raise ValidationError(
            {"qa_outcome": "Send the referral before recording its quality assurance."}
        )
    if outcome not in {ReferralQaOutcome.ACCEPTED, ReferralQaOutcome.RETURNED}:
        raise ValidationError({"qa_outcome": "Choose accepted or returned."})
    check_not_future("qa_on", on, "The quality assurance date")
    if on < referral.referred_on:
        raise ValidationError({"qa_on": "Quality assurance cannot be before the referral."})
    referral.qa_outcome, referral.qa_on = outcome, on
    bump_version(referral)
    save_with_constraints(referral)
    return referral


@transaction.atomic
def out_of_area_referral_escalate(*, referral, on: date, note: str, escalated_by: User):
    referral = OutOfAreaReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.escalated_on is not None:
        raise ValidationError({"escalated_on": "Already escalated to the designated nurse."})
    if not note.strip():
        raise ValidationError({"escalation_note": "Say why you are escalating."})
    check_not_future("escalated_on", on, "The escalation date")
    referral.escalated_on, referral.escalation_note = on, note.strip()
    bump_version(referral)
    save_with_constraints(referral)
    return referral
