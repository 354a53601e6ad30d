"""The temporal rules applied by the services that write the records (issue 13): each
refusal is a ValidationError on the field, with the other date in words.

A single record's own dates are checked before it is saved (apps.core.temporal_checks, which
the services call directly). A change that moves other records' reference dates (a date of
birth, the start of a period of care) is checked here on the whole of the child's record as
it would be, before the write, and refused only for the contradictions it adds; the children
app asks for it through the care-record hook (issue 12: this app reads every app's dates, so
the lower apps do not import it), registered in this app's ready(): a record imported with an old contradiction can still be corrected
in its other details, and the data-quality report lists what was there before."""

from dataclasses import replace
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.rules.temporal import child_breaches, new_breaches
from apps.core.services import register_constraint_message
from apps.core.temporal_checks import period_facts
from apps.dataquality.selectors import child_facts


def refuse_new_breaches(
    child_id: int,
    *,
    field: str,
    date_of_birth: date | None = None,
    period_of_care=None,
) -> None:
    """Before a write that moves the dates other records are checked against (a date of
    birth, a period of care's start or end): the child's record as it would be may hold no
    contradiction it does not hold now."""
    facts = child_facts([child_id]).get(child_id)
    if facts is None:
        return
    today = timezone.localdate()
    after = facts
    if date_of_birth is not None:
        after = replace(after, date_of_birth=date_of_birth)
    if period_of_care is not None:
        moved = period_facts(period_of_care)
        after = replace(
            after, periods=tuple(moved if p.id == moved.id else p for p in after.periods)
        )
    added = new_breaches(child_breaches(facts, today=today), child_breaches(after, today=today))
    if added:
        raise ValidationError(
            {field: [f"This would contradict another record: {b.message}" for b in added]}
        )


# The database's last line (assessments migration 0005): a write that slips past the checks
# (here and in apps.core.temporal_checks) is refused by a trigger, and still gets a message naming the field.
for _column, _field, _label in (
    ("request_sent_on", "sent_on", "The date the request was sent"),
    ("request_complete_on", "request_complete_on", "The date the request was complete"),
    ("held_on", "held_on", "The date the assessment was held"),
    ("report_returned_on", "returned_on", "The date the report was returned"),
    ("booked_on", "booked_on", "The booking date"),
    ("appointment_date", "appointment_date", "The appointment date"),
    ("start_date", "start_date", "The placement start date"),
):
    register_constraint_message(
        f"event_within_period_of_care_{_column}",
        _field,
        f"{_label} must be on or after the start of the period of care.",
    )
register_constraint_message(
    "period_start_not_after_events",
    "start_date",
    "The period of care cannot start after its placements or assessment events.",
)
register_constraint_message(
    "assessment_complete_not_before_sent",
    "request_complete_on",
    "The date the request was complete must be on or after the date it was sent.",
)
