"""Due dates of every statutory health clock (DOMAIN.md 1-4). Pure functions."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from apps.core.working_days import WorkingDayCalendar, add_months, age_on, date_of_age
from apps.policy.rules import Policy

UNDER_FIVE_RHA_MONTHS = 6  # Statute: at least every 6 months before the 5th birthday
FIVE_AND_OVER_RHA_MONTHS = 12  # ... and every 12 months from it
SDQ_FIRST_AGE = 4  # Statute (DfE return): SDQ for children aged 4 to 16
SDQ_LAST_AGE = 16
HEALTH_HISTORY_LEAVING_AGE = 16  # care leavers at 16+ get a health history by 18


class NotRequiredReason(StrEnum):
    LEFT_CARE = "LEFT_CARE"
    RECENT_ASSESSMENT = "RECENT_ASSESSMENT"
    AGED_18 = "AGED_18"
    # The period of care began before our records of it (imported part-way through, its
    # first episode on record not "started to be looked after"): its true entry date, and
    # so its IHA clock, are not known here.
    BEFORE_RECORDS = "BEFORE_RECORDS"
    OTHER = "OTHER"


NOT_REQUIRED_LABELS = {
    NotRequiredReason.LEFT_CARE: "The child left care before the due date",
    NotRequiredReason.RECENT_ASSESSMENT: "A statutory health assessment was held in the months before entry",
    NotRequiredReason.AGED_18: "The young person is 18 or over",
    NotRequiredReason.BEFORE_RECORDS: "The period of care began before our records of it",
    NotRequiredReason.OTHER: "Other (see note)",
}


@dataclass(frozen=True)
class IhaDeadlines:
    request_due: date
    due: date


def iha_deadlines(entry: date, calendar: WorkingDayCalendar, policy: Policy) -> IhaDeadlines:
    """Day 0 is the date the child became looked after (DOMAIN.md 1-2)."""
    return IhaDeadlines(
        request_due=calendar.add_working_days(entry, policy.iha_request_working_days),
        due=calendar.add_working_days(entry, policy.iha_completion_working_days),
    )


def iha_not_required(
    *,
    entry: date,
    date_of_birth: date,
    due: date,
    left_care_on: date | None,
    last_assessment_before_entry: date | None,
    policy: Policy,
) -> NotRequiredReason | None:
    """Why an IHA is not required, if it is not (DOMAIN.md 2). The caller applies this only
    while the IHA has not been held: a held assessment always counts."""
    if age_on(date_of_birth, entry) >= 18:
        return NotRequiredReason.AGED_18
    if last_assessment_before_entry is not None:
        window_start = add_months(entry, -policy.prior_assessment_exemption_months)
        if window_start <= last_assessment_before_entry <= entry:
            return NotRequiredReason.RECENT_ASSESSMENT
    if left_care_on is not None and left_care_on < due:
        return NotRequiredReason.LEFT_CARE
    return None


def rha_due(last_held: date, date_of_birth: date) -> date:
    """Next RHA: the last statutory assessment + 6 months if the child was under 5 on that
    date, else + 12 months (DOMAIN.md 3)."""
    months = (
        UNDER_FIVE_RHA_MONTHS if age_on(date_of_birth, last_held) < 5 else FIVE_AND_OVER_RHA_MONTHS
    )
    return add_months(last_held, months)


def rha_request_due(due: date, calendar: WorkingDayCalendar, policy: Policy) -> date:
    """Default: the LA request is due 20 working days before the RHA due date."""
    return calendar.subtract_working_days(due, policy.rha_request_lead_working_days)


def rha_not_required(
    *, due: date, date_of_birth: date, left_care_on: date | None
) -> NotRequiredReason | None:
    if due >= date_of_age(date_of_birth, 18):
        return NotRequiredReason.AGED_18
    if left_care_on is not None and left_care_on < due:
        return NotRequiredReason.LEFT_CARE
    return None


def age_band_on(date_of_birth: date, on: date) -> str:
    """RHA KPI bands by age on the due date (DOMAIN.md 3)."""
    return "0-5" if age_on(date_of_birth, on) < 5 else "5-18"


def dental_due(*, entry: date, last_check: date | None, policy: Policy) -> date:
    """Default: every 12 months from the last check; with none recorded, 3 months after
    entry to care (DOMAIN.md 4)."""
    if last_check is not None:
        return add_months(last_check, policy.dental_interval_months)
    return add_months(entry, policy.dental_first_due_months)


def sdq_due(
    *,
    date_of_birth: date,
    iha_due: date | None,
    last_completed: date | None,
    placement_changes: list[date],
    policy: Policy,
) -> date | None:
    """The next SDQ, or None when the child is outside the 4-16 age range by then.

    Default: the first is due on the IHA due date (with the carer's report), then 12 months
    after the last; with the placement-change flag on, a change of placement after the last
    SDQ makes one due on the day of the change.
    """
    if last_completed is None:
        if iha_due is None:  # the IHA has no due date yet: nothing to start the first from
            return None
        due = iha_due
    else:
        due = add_months(last_completed, policy.sdq_interval_months)
        if policy.sdq_on_placement_change:
            changes = [d for d in placement_changes if d > last_completed]
            if changes:
                due = min(due, min(changes))
    due = max(due, date_of_age(date_of_birth, SDQ_FIRST_AGE))
    if due >= date_of_age(date_of_birth, SDQ_LAST_AGE + 1):
        return None
    return due


def health_history_due(
    *, date_of_birth: date, left_care_on: date | None, in_care_on_or_after_16: bool
) -> date | None:
    """Care leavers (leaving at 16+) get a health history by their 18th birthday or their
    leaving date, whichever is first (DOMAIN.md 4). None when it does not apply."""
    sixteenth = date_of_age(date_of_birth, HEALTH_HISTORY_LEAVING_AGE)
    eighteenth = date_of_age(date_of_birth, 18)
    if left_care_on is not None:
        if left_care_on < sixteenth:
            return None
        return min(left_care_on, eighteenth)
    if not in_care_on_or_after_16:
        return None
    return eighteenth
