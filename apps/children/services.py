"""Writes for children and periods of care. Every write goes through here."""

import secrets
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.models import Organisation, OrganisationKind, Team, User
from apps.children.models import AnnualOutcome, Child, PeriodOfCare
from apps.children.nhs_number import nhs_number_error, normalise_nhs_number
from apps.core.corrections import correction_mark
from apps.core.hooks import CareRecordChange, care_record_changed
from apps.core.rules.temporal import long_date
from apps.core.services import (
    apply_changes,
    bump_version,
    check_not_before_birth,
    check_not_future,
    check_version,
    register_constraint_message,
    save_with_constraints,
)
from apps.core.services import today as local_today

register_constraint_message(
    "one_open_period_of_care", "start_date", "The child already has an open period of care."
)
register_constraint_message(
    "child_reference_unique_in_la", "la_child_id", "Another child in this LA has this reference."
)
register_constraint_message("child_nhs_number", "nhs_number", "Enter a valid NHS number.")
register_constraint_message(
    "children_child_nhs_number_key", "nhs_number", "Another child already has this NHS number."
)
register_constraint_message(
    "UNIQUE constraint failed: children_child.nhs_number",
    "nhs_number",
    "Another child already has this NHS number.",
)
register_constraint_message(
    "date_not_before_birth", "start_date", "A date cannot be before the child's date of birth."
)
register_constraint_message(
    "period_start_unique", "start_date", "A period of care already starts on this date."
)

CHILD_EDITABLE_FIELDS = {
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "nhs_number",
    "ethnicity",
    "team",
    "allocated_worker",
    "is_uasc",
    "uasc_arrival_date",
    "age_disputed",
    "date_of_death",
    "ola_notified_on",
    "la_child_id",
    "upn",
    "is_mother",
    "mother_child_dob",
    "uasc_ceased_on",
}


def _validate_child(child: Child) -> None:
    if child.nhs_number:
        child.nhs_number = normalise_nhs_number(child.nhs_number)
        error = nhs_number_error(child.nhs_number)
        if error:
            raise ValidationError({"nhs_number": error})
        if Child.objects.filter(nhs_number=child.nhs_number).exclude(pk=child.pk).exists():
            raise ValidationError({"nhs_number": "Another child already has this NHS number."})
    else:
        child.nhs_number = None
    check_not_future("date_of_birth", child.date_of_birth, "Date of birth")
    check_not_future("date_of_death", child.date_of_death, "Date of death")
    check_not_future("uasc_arrival_date", child.uasc_arrival_date, "Arrival date")
    check_not_before_birth(
        "date_of_death", child.date_of_death, child.date_of_birth, "Date of death"
    )
    check_not_before_birth(
        "uasc_arrival_date", child.uasc_arrival_date, child.date_of_birth, "Arrival date"
    )
    if not child.is_uasc and (child.uasc_arrival_date or child.age_disputed):
        raise ValidationError(
            {"is_uasc": "Arrival date and age dispute are recorded only for UASC."}
        )
    if child.team_id and child.team.organisation_id != child.responsible_la_id:
        raise ValidationError({"team": "The team must belong to the child's local authority."})
    if (
        child.allocated_worker_id
        and child.allocated_worker.organisation_id != child.responsible_la_id
    ):
        raise ValidationError(
            {"allocated_worker": "The allocated worker must work for the child's local authority."}
        )
    if child.pk:
        first_event = _earliest_event(child)
        if first_event and child.date_of_birth > first_event:
            raise ValidationError(
                {
                    "date_of_birth": f"Date of birth cannot be after recorded events ({first_event:%d/%m/%Y})."
                }
            )


def _earliest_event(child: Child) -> date | None:
    starts = list(child.periods_of_care.values_list("start_date", flat=True)[:1])
    return min(starts) if starts else None


def recompute_now(child_id: int) -> None:
    """A correction recomputes the child's clocks (and breach attribution) in its own
    transaction, so the page it returns to already shows the result: the apps that keep
    clocks do it through the care-record hook."""
    care_record_changed(CareRecordChange.CORRECTED, child_id=child_id)


def _new_reference() -> str:
    return "C" + secrets.token_hex(4).upper()


@transaction.atomic
def child_create(
    *,
    created_by: User,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    sex: str,
    nhs_number: str | None = None,
    ethnicity: str = "NOBT",
    team: Team | None = None,
    allocated_worker: User | None = None,
    is_uasc: bool = False,
    uasc_arrival_date: date | None = None,
    age_disputed: bool = False,
    la_child_id: str = "",
    responsible_la: Organisation | None = None,
    upn: str = "",
    is_mother: bool | None = None,
    mother_child_dob: date | None = None,
) -> Child:
    """Record a new child for the creating user's local authority and team."""
    responsible_la = responsible_la or created_by.organisation
    if responsible_la is None or responsible_la.kind != OrganisationKind.LOCAL_AUTHORITY:
        raise ValidationError({"responsible_la": "Only a local authority can record a child."})
    child = Child(
        responsible_la=responsible_la,
        la_child_id=la_child_id or _new_reference(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        sex=sex,
        nhs_number=nhs_number,
        ethnicity=ethnicity,
        team=team or created_by.team,
        allocated_worker=allocated_worker,
        is_uasc=is_uasc,
        uasc_arrival_date=uasc_arrival_date,
        age_disputed=age_disputed,
        upn=upn.strip().upper(),
        is_mother=is_mother,
        mother_child_dob=mother_child_dob,
    )
    _validate_child(child)
    save_with_constraints(child)
    return child


@transaction.atomic
def child_update(
    *,
    child: Child,
    updated_by: User,
    data: dict[str, Any],
    expected_version: int | None = None,
    reason: str | None = None,
) -> Child:
    child = Child.objects.select_for_update().get(pk=child.pk)
    check_version(child, expected_version)
    corrected = correction_mark(child, by=updated_by, reason=reason)
    changed = apply_changes(child, data, CHILD_EDITABLE_FIELDS)
    if not changed:
        return child
    _validate_child(child)
    bump_version(child)
    # A date of birth moves the 18th birthday and the first day a health record may have.
    if "date_of_birth" in changed:
        care_record_changed(
            CareRecordChange.REFERENCE_DATES,
            child_id=child.pk,
            field="date_of_birth",
            date_of_birth=child.date_of_birth,
        )
    save_with_constraints(child)
    _on_clock_inputs_changed(child)
    if corrected:
        recompute_now(child.pk)
    return child


@transaction.atomic
def child_team_change(
    *, child: Child, team: Team, changed_by: User, expected_version: int | None = None
) -> Child:
    """Move a child into a team of its responsible LA (allocation of an imported child, or
    a transfer). The allocated worker stays only if they are in the new team. Kept in the
    child's history."""
    child = _lock_child(child)
    check_version(child, expected_version)
    if team is None:
        raise ValidationError({"team": "Choose the team."})
    if team.organisation_id != child.responsible_la_id:
        raise ValidationError({"team": "The team must belong to the child's local authority."})
    if child.team_id == team.pk:
        return child
    child.team = team
    if child.allocated_worker_id and child.allocated_worker.team_id != team.pk:
        child.allocated_worker = None
    child._history_user = changed_by
    bump_version(child)
    save_with_constraints(child)
    return child


@transaction.atomic
def children_team_allocate(*, children: list[Child], team: Team, changed_by: User) -> list[Child]:
    """Move several children into one team, all or none."""
    if not children:
        raise ValidationError({"children": "Choose at least one child."})
    # Locked in id order, so two allocations of overlapping children queue behind each other.
    return [
        child_team_change(child=child, team=team, changed_by=changed_by)
        for child in sorted(children, key=lambda c: c.pk)
    ]


def _on_clock_inputs_changed(child: Child) -> None:
    """Dates of birth, care and placements drive the health clocks: the apps that keep
    clocks hear of it through the care-record hooks (the assessments app recomputes after
    commit)."""
    care_record_changed(CareRecordChange.CLOCK_INPUTS, child=child)


def _lock_child(child: Child) -> Child:
    # Serialises concurrent writes to one child's care record (two "start placement" calls
    # racing each other); the database constraints are the last line behind this.
    return Child.objects.select_for_update().get(pk=child.pk)


@transaction.atomic
def period_of_care_start(
    *,
    child: Child,
    start_date: date,
    legal_status: str,
    started_by: User,
    category_of_need: str = "",
) -> PeriodOfCare:
    """Record entry to care: the start of a period of care starts a new IHA clock."""
    child = _lock_child(child)
    period = period_of_care_open(
        child=child,
        start_date=start_date,
        legal_status=legal_status,
        category_of_need=category_of_need,
    )
    # Recording entry to care creates the IHA with its deadlines at once, in this
    # transaction (the assessments app's hook recomputes every clock of the child), so no
    # second recompute is queued for the same change.
    care_record_changed(CareRecordChange.ENTERED_CARE, child=child, period=period)
    return period


def period_of_care_open(
    *, child: Child, start_date: date, legal_status: str, category_of_need: str = ""
) -> PeriodOfCare:
    """Check and save a new period of care of a child already locked (``_lock_child``),
    telling no one: the caller fires the care-record hook once for the whole change
    (``period_of_care_start``, or entry to care with its first placement)."""
    check_not_future("start_date", start_date, "The date the child became looked after")
    check_not_before_birth("start_date", start_date, child.date_of_birth, "Entry to care")
    if child.date_of_death and start_date > child.date_of_death:
        raise ValidationError({"start_date": "Entry to care cannot be after the date of death."})
    if child.periods_of_care.filter(end_date__isnull=True).exists():
        raise ValidationError({"start_date": "The child already has an open period of care."})
    latest_end = (
        child.periods_of_care.order_by("-end_date").values_list("end_date", flat=True).first()
    )
    if latest_end and start_date <= latest_end:
        raise ValidationError(
            {
                "start_date": f"A new period of care must start after the last one ended ({latest_end:%d/%m/%Y})."
            }
        )
    period = PeriodOfCare(
        child=child,
        start_date=start_date,
        legal_status=legal_status,
        category_of_need=category_of_need,
    )
    save_with_constraints(period)
    return period


@transaction.atomic
def period_of_care_update(
    *,
    period: PeriodOfCare,
    updated_by: User,
    data: dict[str, Any],
    expected_version: int | None = None,
    reason: str | None = None,
) -> PeriodOfCare:
    """Correct a period of care (legal status, or a mistyped date)."""
    _lock_child(period.child)
    period = PeriodOfCare.objects.select_for_update().get(pk=period.pk)
    check_version(period, expected_version)
    corrected = correction_mark(period, by=updated_by, reason=reason)
    if "end_date" in data or "reason_end" in data:
        raise ValidationError({"end_date": "Use the end action to end a period of care."})
    changed = apply_changes(period, data, {"start_date", "legal_status", "category_of_need"})
    if not changed:
        return period
    child = period.child
    check_not_future("start_date", period.start_date, "The date the child became looked after")
    check_not_before_birth("start_date", period.start_date, child.date_of_birth, "Entry to care")
    first_placement = period.placements.order_by("start_date").first()
    if first_placement and period.start_date > first_placement.start_date:
        raise ValidationError(
            {
                "start_date": "The date the child became looked after must be on or before "
                f"the start of the first placement, {long_date(first_placement.start_date)}: "
                "correct the placement first."
            }
        )
    overlapping = child.periods_of_care.exclude(pk=period.pk).filter(
        start_date__lte=period.end_date or date.max, end_date__gte=period.start_date
    )
    if overlapping.exists():
        raise ValidationError({"start_date": "Periods of care cannot overlap."})
    bump_version(period)
    # Every event of the period's clocks, and its placements, lie on or after its start.
    care_record_changed(
        CareRecordChange.REFERENCE_DATES,
        child_id=child.pk,
        field="start_date",
        period_of_care=period,
    )
    save_with_constraints(period)
    _on_clock_inputs_changed(child)
    if corrected:
        recompute_now(child.pk)
    return period


@transaction.atomic
def period_of_care_end(
    *, period: PeriodOfCare, end_date: date, reason_end: str, ended_by: User
) -> PeriodOfCare:
    """The child leaves care; the open placement ends on the same day."""
    _lock_child(period.child)
    period = PeriodOfCare.objects.select_for_update().get(pk=period.pk)
    if period.end_date is not None:
        raise ValidationError({"end_date": "This period of care has already ended."})
    if not reason_end:
        raise ValidationError(
            {"reason_end": "Enter the reason the child ceased to be looked after."}
        )
    check_not_future("end_date", end_date, "The date the child ceased to be looked after")
    if end_date < period.start_date:
        raise ValidationError({"end_date": "A period of care cannot end before it starts."})
    # Through the reverse relation (as the entry to care reads its first placement): the
    # care record's services import no app above children (issue 12).
    open_placement = period.placements.filter(end_date__isnull=True).first()
    if open_placement and end_date < open_placement.start_date:
        raise ValidationError(
            {"end_date": "The period of care cannot end before its open placement starts."}
        )
    period.end_date = end_date
    period.reason_end = reason_end
    bump_version(period)
    # Its placements end on or before the day the child left care: the open one ends with
    # it, and the others ended before the open one started (checked above).
    save_with_constraints(period)
    if open_placement:
        open_placement.end_date = end_date
        bump_version(open_placement)
        save_with_constraints(open_placement)
    _on_clock_inputs_changed(period.child)
    return period


@transaction.atomic
def legal_status_change_record(
    *, period: PeriodOfCare, start_date: date, legal_status: str, recorded_by: User
):
    """A change of legal status within the open period of care (for example a placement
    order granted: E1), from ``start_date`` until the next change or the end of the period.
    The status at entry is the period's own; a change on the first day corrects that."""
    from apps.children.models import LegalStatusChange
    from apps.core.codes import LegalStatus

    _lock_child(period.child)
    period = PeriodOfCare.objects.select_for_update().get(pk=period.pk)
    if legal_status not in LegalStatus.values:
        raise ValidationError({"legal_status": "Choose the legal status from the list."})
    if period.end_date is not None:
        raise ValidationError({"start_date": "This period of care has ended."})
    check_not_future("start_date", start_date, "The date the legal status changed")
    if start_date <= period.start_date:
        raise ValidationError(
            {
                "start_date": "A change of legal status starts after the entry to care "
                f"({period.start_date:%d/%m/%Y}): correct the legal status at entry instead."
            }
        )
    changes = list(period.legal_status_changes.order_by("start_date"))
    if any(change.start_date == start_date for change in changes):
        raise ValidationError(
            {
                "start_date": f"A change of legal status is already recorded on {start_date:%d/%m/%Y}."
            }
        )
    status_before = period.legal_status
    for change in changes:
        if change.start_date < start_date:
            status_before = change.legal_status
    if status_before == legal_status:
        raise ValidationError(
            {"legal_status": f"The child's legal status on that day is already {legal_status}."}
        )
    change = LegalStatusChange(
        child=period.child, period_of_care=period, start_date=start_date, legal_status=legal_status
    )
    save_with_constraints(change)
    _on_clock_inputs_changed(period.child)
    return change


ANNUAL_OUTCOME_FIELDS = {
    "convicted",
    "substance_misuse",
    "intervention_received",
    "intervention_offered",
}


@transaction.atomic
def annual_outcome_record(
    *, child: Child, year_ending: date, recorded_by: User, data: dict[str, Any]
) -> AnnualOutcome:
    """The SSDA903 OC2 items of a year to 31 March that no health record holds (convictions,
    substance misuse and interventions), for a child looked after throughout it; items not
    in ``data`` keep what is recorded."""
    if (year_ending.month, year_ending.day) != (3, 31):
        raise ValidationError({"year_ending": "The year ends on 31 March."})
    if year_ending.year > local_today().year + 1:
        raise ValidationError({"year_ending": "That year has not started."})
    unknown = set(data) - ANNUAL_OUTCOME_FIELDS
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "Not an annual outcome item."})
    child = _lock_child(child)
    outcome = (
        AnnualOutcome.objects.select_for_update()
        .filter(child=child, year_ending=year_ending)
        .first()
    )
    if outcome is None:
        outcome = AnnualOutcome(child=child, year_ending=year_ending, **data)
        save_with_constraints(outcome)
        return outcome
    if apply_changes(outcome, data, ANNUAL_OUTCOME_FIELDS):
        bump_version(outcome)
        save_with_constraints(outcome)
    return outcome
