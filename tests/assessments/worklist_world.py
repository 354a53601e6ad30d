"""A population for the worklist tests (issue 18): children of every scope (our LA's two
teams, unallocated, another LA's children placed in our area, children out of care) with
one open or recently finished clock in each state the worklists know, plus a history of
finished clocks, relative to today. Rows are written directly (as tests/factories.py does),
the appointments through their model, so the worklist columns come from the triggers."""

from datetime import date, timedelta

from django.utils import timezone

from apps.assessments.models import Appointment, Assessment
from apps.policy.rules import Party
from tests.performance import builders as b

STATES = 8


def _status(due: date, today: date) -> str:
    if due < today:
        return "OVERDUE"
    if due <= today + timedelta(days=5):
        return "AT_RISK"
    return "PENDING"


def populate(cast, count: int, *, offset: int = 0) -> None:
    today = timezone.localdate()
    providers = [cast.provider_a, cast.provider_b, None]
    for n in range(offset, offset + count):
        if n % 6 == 5:  # another LA's child placed in our area
            kid = b.child(cast.other_la, team=cast.other_team)
        else:
            kid = b.child(cast.our_la, team=[cast.team_a, cast.team_b, None][n % 3])
        entry = today - timedelta(days=400 + n % 30)
        out_of_care = n % 7 == 6
        care = b.period(kid, entry, today - timedelta(days=1) if out_of_care else None)
        if n % 6 == 5:
            b.placement(care, entry, area=cast.our_la)
        provider = providers[n % 3]
        # The history: an IHA held and its report returned long ago.
        iha = b.iha(kid, care, complete=entry + timedelta(days=3), held=entry + timedelta(days=15))
        Assessment.objects.filter(pk=iha.pk).update(
            report_returned_on=entry + timedelta(days=20), status="MET", provider=provider
        )
        iha.refresh_from_db()
        state = n % STATES
        due = today + timedelta(days=(n * 3) % 24 - 10)
        fields = {
            "status": _status(due, today),
            "breach_party": [Party.UNDETERMINED, Party.HEALTH, Party.LA][n % 3]
            if due < today
            else "",
        }
        if state >= 1:
            fields["request_sent_on"] = due - timedelta(days=40)
        if state >= 2:
            fields["request_complete_on"] = due - timedelta(days=38)
        if state >= 6:
            fields["held"] = min(today - timedelta(days=6), due)
            fields["status"] = "MET"
        if state == 7:
            fields["report_returned_on"] = today - timedelta(days=3)
        held = fields.pop("held", None)
        rha = b.rha(kid, care, iha, due=due, provider=provider, held=held, **fields)
        if state == 3:
            Appointment.objects.create(
                assessment=rha, appointment_date=today - timedelta(days=1), booked_on=entry
            )
        if state == 4:
            Appointment.objects.create(
                assessment=rha, appointment_date=today + timedelta(days=9), booked_on=entry
            )
        if state == 5:
            Appointment.objects.create(
                assessment=rha,
                appointment_date=today - timedelta(days=12),
                booked_on=entry,
                outcome="ATTENDED",
                outcome_recorded_on=today - timedelta(days=12),
            )
