"""Rows for known-answer cohorts, written directly (as tests/factories.py does): each test
states the facts of each child and the figures those facts must give."""

from __future__ import annotations

from datetime import date, timedelta

from apps.assessments.models import (
    Appointment,
    Assessment,
    DentalCheck,
    HealthHistory,
    SdqRecord,
)
from apps.assessments.rules.clocks import iha_deadlines
from apps.children.models import Child, PeriodOfCare
from apps.core.working_days import calendar_for
from apps.placements.models import Placement
from apps.policy.rules import DEFAULT_POLICY
from tests.factories import ChildFactory

CALENDAR = calendar_for()


def child(la, *, team=None, born: date = date(2010, 6, 1), uasc: bool = False, **extra) -> Child:
    return ChildFactory(responsible_la=la, team=team, date_of_birth=born, is_uasc=uasc, **extra)


def period(
    of: Child, start: date, end: date | None = None, legal_status: str = "C2"
) -> PeriodOfCare:
    return PeriodOfCare.objects.create(
        child=of,
        start_date=start,
        end_date=end,
        reason_end="E8" if end else "",
        legal_status=legal_status,
    )


def iha(
    of: Child,
    care: PeriodOfCare,
    *,
    complete: date | None = None,
    held: date | None = None,
    declined: date | None = None,
    not_required: str = "",
    provider=None,
    **extra,
) -> Assessment:
    """The IHA of a period of care, its deadlines from the entry date (DOMAIN.md 1-2)."""
    deadlines = iha_deadlines(care.start_date, CALENDAR, DEFAULT_POLICY)
    return Assessment.objects.create(
        child=of,
        period_of_care=care,
        kind="IHA",
        provider=provider,
        clock_start=care.start_date,
        request_due=deadlines.request_due,
        due_date=deadlines.due,
        request_sent_on=complete,
        request_complete_on=complete,
        held_on=held,
        declined_on=declined,
        not_required_reason=not_required,
        **extra,
    )


def rha(
    of: Child,
    care: PeriodOfCare,
    previous: Assessment,
    *,
    due: date,
    start: date | None = None,
    held: date | None = None,
    declined: date | None = None,
    not_required: str = "",
    provider=None,
    **extra,
) -> Assessment:
    return Assessment.objects.create(
        child=of,
        period_of_care=care,
        kind="RHA",
        previous=previous,
        provider=provider,
        clock_start=start or previous.held_on or previous.clock_start,
        request_due=due,
        due_date=due,
        held_on=held,
        declined_on=declined,
        not_required_reason=not_required,
        **extra,
    )


def dental(of: Child, on: date) -> DentalCheck:
    return DentalCheck.objects.create(child=of, checked_on=on)


def sdq(of: Child, on: date, score: int | None, reason: str = "") -> SdqRecord:
    if score is None:
        return SdqRecord.objects.create(child=of, completed_on=on, reason_not_completed=reason)
    return SdqRecord.objects.create(child=of, completed_on=on, informant="CARER", total_score=score)


def history(of: Child, on: date, writer) -> HealthHistory:
    return HealthHistory.objects.create(
        child=of, provided_on=on, summary="History", written_by=writer
    )


def placement(care: PeriodOfCare, start: date, end: date | None = None, area=None) -> Placement:
    return Placement.objects.create(
        child=care.child,
        period_of_care=care,
        start_date=start,
        end_date=end,
        place="U6",
        place_provider="PR1",
        area=area or care.child.responsible_la,
    )


def child_with_history(cast, years: int, *, born: date) -> Child:
    """In care since January of ``years`` years before 2025, with a held IHA, a held review
    a year with its attended appointment, a dental check, an SDQ and a placement a year (for
    the recompute's tests at two history sizes)."""
    kid = child(cast.our_la, team=cast.team_a, born=born)
    entry = date(2025 - years, 1, 6)
    care = period(kid, entry)
    previous = iha(kid, care, complete=entry + timedelta(days=3), held=entry + timedelta(days=20))
    for year in range(years):
        due = previous.held_on + timedelta(days=180)
        previous = rha(kid, care, previous, due=due, held=due - timedelta(days=5))
        Appointment.objects.create(
            assessment=previous,
            appointment_date=previous.held_on,
            booked_on=previous.held_on - timedelta(days=20),
            outcome="ATTENDED",
        )
        dental(kid, entry + timedelta(days=365 * year + 30))
        sdq(kid, entry + timedelta(days=365 * year + 60), 12)
        start = entry + timedelta(days=365 * year)
        placement(care, start, start + timedelta(days=300))
    return kid
