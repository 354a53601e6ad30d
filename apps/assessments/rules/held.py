"""The held date of an assessment (DOMAIN.md 2, issue 14): the date of the appointment the
child attended, whoever records it first. Health admin records "Attended" on the
appointment, or the clinician does; the first record stands and a later one never moves
it, so the KPI "held within 20 working days" cannot change after the event."""

from datetime import date


def held_date(*, recorded: date | None, attended_on: date) -> date:
    """The held date once the attendance on ``attended_on`` is recorded: the date already
    recorded when there is one (the first record stands), else the attendance date."""
    return recorded if recorded is not None else attended_on
