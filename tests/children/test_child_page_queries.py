"""Issue 18: the child page issues the same queries whatever the length of the child's
history: each kind of record is read once (for the page's tables and its timeline alike),
and the history of changes and the corrections in one query for which rows plus one per
history table, never one per row. Two children, one with one of everything and one with
six of everything (assessments held with their appointments, placements, changes of legal
status, health records, corrections and deletions as entered in error), seen by the
child's social worker (with the SSDA903 readiness) and by the provider's health admin; the
provider's nurse (the write-up panel asks once whether the nurse sees the child, not once
per held assessment)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.assessments.models import Appointment, ImmunisationRecord
from apps.children.models import LegalStatusChange
from apps.children.timeline import child_histories, child_history, correction_events
from tests.helpers import signed_in_client
from tests.performance import builders as b

pytestmark = pytest.mark.django_db
ENTRY = date(2018, 1, 8)


def _corrected(record, reason: str, **changes) -> None:
    for name, value in changes.items():
        setattr(record, name, value)
    record._change_reason = reason
    record.save()


def _child_with_history(cast, size: int):
    kid = b.child(cast.our_la, team=cast.team_a)
    care = b.period(kid, ENTRY)
    _corrected(kid, "Name mistyped", first_name=f"{kid.first_name}e")
    previous = b.iha(
        kid,
        care,
        complete=ENTRY + timedelta(days=3),
        held=ENTRY + timedelta(days=20),
        provider=cast.provider_a,
    )
    for n in range(size):
        start = ENTRY + timedelta(days=200 * n + 30)
        b.placement(care, start, start + timedelta(days=150))
        LegalStatusChange.objects.create(
            child=kid,
            period_of_care=care,
            start_date=start + timedelta(days=1),
            legal_status="C2",
        )
        held = previous.held_on + timedelta(days=170)
        review = b.rha(
            kid,
            care,
            previous,
            due=previous.held_on + timedelta(days=180),
            held=held,
            provider=cast.provider_a,
        )
        _corrected(review, "Held date mistyped", held_on=held - timedelta(days=1))
        booked = Appointment.objects.create(
            assessment=review,
            appointment_date=held,
            booked_on=held - timedelta(days=14),
        )
        _corrected(booked, "Date mistyped", appointment_date=held - timedelta(days=1))
        attended = Appointment.objects.create(
            assessment=review,
            appointment_date=held - timedelta(days=1),
            booked_on=held - timedelta(days=14),
            outcome="ATTENDED",
            outcome_recorded_on=held - timedelta(days=1),
        )
        _corrected(attended, "Note added", note="Seen with the carer")
        _corrected(
            booked, "Entered in error", deleted_at=timezone.now(), deletion_reason="Duplicate"
        )
        dental = b.dental(kid, held)
        _corrected(dental, "Practice mistyped", practice="Smile Dental")
        sdq = b.sdq(kid, held, 10 + n)
        _corrected(sdq, "Score mistyped", total_score=11 + n)
        immunisation = ImmunisationRecord.objects.create(
            child=kid, checked_on=held, status="UP_TO_DATE"
        )
        _corrected(immunisation, "Status mistyped", note="Checked against the red book")
        b.history(kid, held, cast.nurse_a)
        previous = review
    return kid


def _queries(user, kid) -> int:
    client = signed_in_client(user)
    client.get("/")  # settle the session writes of a first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/children/{kid.pk}/")
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "role",
    [
        "social_worker",
        "health_admin_a",
        "nurse_a",
    ],
)
def test_the_child_page_issues_the_same_queries_whatever_the_history(cast, role):
    small = _child_with_history(cast, 1)
    large = _child_with_history(cast, 6)
    user = getattr(cast, role)
    assert _queries(user, large) == _queries(user, small)


def test_the_child_page_shows_the_whole_history(cast):
    large = _child_with_history(cast, 6)
    # The timeline lists every correction and deletion.
    text = signed_in_client(cast.social_worker).get(f"/children/{large.pk}/").content.decode()
    assert text.count("SDQ corrected") == 6
    assert text.count("Deleted: entered in error: appointment") == 6


def test_the_history_rows_come_with_their_previous_rows(cast):
    kid = _child_with_history(cast, 2)
    histories = child_histories(kid, limit=40)
    # Each correction's previous row is the record's row before it, as simple-history's
    # prev_record finds it (one query each): the same rows, read in one query per table.
    for part, records in enumerate(histories.corrections):
        for record in records:
            expected = record.prev_record
            found = histories.previous_of(part, record)
            assert (found.history_id if found else None) == (
                expected.history_id if expected else None
            )
    # The corrections, and the change history of the listed tables, newest first.
    assert len(correction_events(kid, histories)) == 1 + 2 * 7
    changes = child_history(kid, histories=histories)
    assert [c.at for c in changes] == sorted((c.at for c in changes), reverse=True)
    assert {"Child", "Period of care", "Placement", "Assessment"} >= {c.what for c in changes}
