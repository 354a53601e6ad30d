"""The child's dental checks, SDQs, immunisations and health histories, and the
last assessment before our records began."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.models import User
from apps.assessments.models import (
    Assessment,
    DentalCheck,
    HealthHistory,
    ImmunisationRecord,
    SdqRecord,
)
from apps.assessments.recompute import recompute_children
from apps.assessments.services.base import clocks_changed
from apps.children.models import Child
from apps.core.services import (
    check_not_before_birth,
    check_not_future,
    register_constraint_message,
    save_with_constraints,
)
from apps.core.temporal_checks import enforce_record

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
