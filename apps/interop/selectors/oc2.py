"""OC2: children looked after continuously for 12 months at 31 March, from the
health records, or the imported return's values where we hold none (see the package text)."""

from apps.assessments.models import Assessment, DentalCheck, ImmunisationRecord, SdqRecord
from apps.assessments.models.records import ImmunisationStatus
from apps.children.models import AnnualOutcome, Child
from apps.core.working_days import date_of_age
from apps.interop import codes
from apps.interop.selectors.base import CollectionYear, _flag


class _Reported:
    """The health items of an imported OC2 row (AnnualOutcome.reported_*), False when none."""

    def __init__(self, outcome: AnnualOutcome | None) -> None:
        self.health_check = bool(outcome and outcome.reported_health_check)
        self.immunisations = bool(outcome and outcome.reported_immunisations)
        self.teeth_check = bool(outcome and outcome.reported_teeth_check)
        self.health_assessment = bool(outcome and outcome.reported_health_assessment)


def _oc2_rows(children: list[Child], year: CollectionYear) -> list[list[str]]:
    start, end = year.start, year.end
    ids = [c.pk for c in children]
    latest_sdq: dict[int, SdqRecord] = {}
    for record in SdqRecord.objects.filter(
        child_id__in=ids, completed_on__gte=start, completed_on__lte=end
    ).order_by("completed_on", "id"):
        latest_sdq[record.child_id] = record
    immunisation: dict[int, str] = {}
    # Our records first; an imported return's value only where we hold no record.
    for record in ImmunisationRecord.objects.filter(child_id__in=ids, checked_on__lte=end).order_by(
        "checked_on", "id"
    ):
        immunisation[record.child_id] = record.status
    teeth = set(
        DentalCheck.objects.filter(
            child_id__in=ids, checked_on__gte=start, checked_on__lte=end
        ).values_list("child_id", flat=True)
    )
    assessed = set(
        Assessment.objects.filter(
            child_id__in=ids, held_on__gte=start, held_on__lte=end
        ).values_list("child_id", flat=True)
    )
    ever_assessed = set(
        Assessment.objects.filter(child_id__in=ids, held_on__lte=end).values_list(
            "child_id", flat=True
        )
    )
    # Overdue at 31 March: due by then and not held by then (unless declined or not needed).
    overdue = set(
        Assessment.objects.filter(
            child_id__in=ids,
            due_date__lte=end,
            declined_on__isnull=True,
            not_required_reason="",
        )
        .exclude(held_on__lte=end)
        .values_list("child_id", flat=True)
    )
    outcomes = {
        o.child_id: o for o in AnnualOutcome.objects.filter(child_id__in=ids, year_ending=end)
    }
    rows = []
    for child in children:
        dob = child.date_of_birth
        outcome = outcomes.get(child.pk)
        reported = _Reported(outcome)
        sdq_score = sdq_reason = ""
        # SDQ for children 4 or over by 31 March and under 17 on 1 April (DfE rules 186-189).
        if date_of_age(dob, 4) <= end and date_of_age(dob, 17) > start:
            record = latest_sdq.get(child.pk)
            if record is not None and record.total_score is not None:
                sdq_score = str(record.total_score)
            elif record is not None:
                sdq_reason = record.reason_not_completed
            elif outcome is not None and outcome.reported_sdq_score is not None:
                sdq_score = str(outcome.reported_sdq_score)
            elif outcome is not None:
                sdq_reason = outcome.reported_sdq_reason
        convicted = ""
        if outcome is not None and date_of_age(dob, 10) <= end:
            convicted = _flag(outcome.convicted)
        health_check = ""
        if date_of_age(dob, 5) > end:
            if child.pk in ever_assessed:
                health_check = _flag(child.pk not in overdue)
            else:
                health_check = _flag(reported.health_check)
        if child.pk in immunisation:
            immunised = immunisation[child.pk] == ImmunisationStatus.UP_TO_DATE
        else:
            immunised = reported.immunisations
        rows.append(
            [
                child.la_child_id,
                codes.format_date(dob),
                sdq_score,
                sdq_reason,
                convicted,
                health_check,
                _flag(immunised),
                _flag(child.pk in teeth or reported.teeth_check),
                _flag(child.pk in assessed or reported.health_assessment),
                _flag(outcome.substance_misuse) if outcome else "",
                _flag(outcome.intervention_received) if outcome else "",
                _flag(outcome.intervention_offered) if outcome else "",
            ]
        )
    return rows
