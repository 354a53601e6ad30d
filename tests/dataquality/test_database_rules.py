"""The temporal rules held by the database itself (issue 13): a write that bypasses the
services is refused by a check constraint or a PostgreSQL trigger, and a row that already
breaks a rule can still be updated in its other columns."""

from datetime import date

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction

from apps.assessments.models import Appointment, Assessment
from apps.children import services as children_services
from apps.children.models import PeriodOfCare
from apps.placements.models import Placement
from tests.factories import ChildFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers"),
]

ENTRY = date(2026, 11, 30)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(date(2026, 12, 15), tick=False):
        yield


@pytest.fixture
def iha(cast) -> Assessment:
    child = ChildFactory(
        responsible_la=cast.our_la, team=cast.team_a, date_of_birth=date(2015, 6, 10)
    )
    period = children_services.period_of_care_start(
        child=child, start_date=ENTRY, legal_status="C2", started_by=cast.social_worker
    )
    return Assessment.objects.get(period_of_care=period, kind="IHA")


def as_imported(queryset, **values) -> None:
    """Write a row as an import or an older version might have left it, past the triggers
    (no write of ours can make it)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        queryset.update(**values)
        cursor.execute("SET LOCAL session_replication_role = origin")


def refused(queryset, **values) -> str:
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        queryset.update(**values)
    return str(error.value)


@pytest.mark.parametrize(
    ("column", "values"),
    [
        ("request_sent_on", {"request_sent_on": date(2026, 11, 29)}),
        ("request_complete_on", {"request_complete_on": date(2026, 11, 29)}),
        ("held_on", {"request_sent_on": ENTRY, "held_on": date(2026, 11, 29)}),
    ],
)
def test_an_assessment_event_before_entry_is_refused_by_the_database(iha, column, values):
    # (A report returned before entry is also before the assessment was held, which the
    # row's own constraint refuses: see test_models' assessment_report_after_held.)
    rows = Assessment.objects.filter(pk=iha.pk)
    if column == "request_complete_on":
        # A request sent before entry already on record (as an import might leave it):
        # only the date that changes is refused.
        as_imported(rows, request_sent_on=date(2026, 11, 28))
    assert f"event_within_period_of_care_{column}" in refused(rows, **values)


def test_request_complete_before_sent_breaks_the_check_constraint(iha):
    rows = Assessment.objects.filter(pk=iha.pk)
    text = refused(rows, request_sent_on=date(2026, 12, 3), request_complete_on=date(2026, 12, 2))
    assert "assessment_complete_not_before_sent" in text


def test_an_appointment_booked_before_entry_is_refused(iha):
    Assessment.objects.filter(pk=iha.pk).update(request_sent_on=ENTRY)
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Appointment.objects.create(
            assessment=iha, booked_on=date(2026, 11, 29), appointment_date=date(2026, 12, 5)
        )
    assert "event_within_period_of_care_booked_on" in str(error.value)


def test_a_placement_before_its_period_is_refused(iha, cast):
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Placement.objects.create(
            child=iha.child,
            period_of_care=iha.period_of_care,
            start_date=date(2026, 11, 29),
            place="U1",
            place_provider="PR1",
            area=cast.our_la,
        )
    assert "event_within_period_of_care_start_date" in str(error.value)


def test_moving_a_period_start_past_its_events_is_refused(iha):
    Assessment.objects.filter(pk=iha.pk).update(request_sent_on=date(2026, 12, 1))
    rows = PeriodOfCare.objects.filter(pk=iha.period_of_care_id)
    assert "period_start_not_after_events" in refused(rows, start_date=date(2026, 12, 2))
    rows.update(start_date=date(2026, 12, 1))  # the same day as the request is fine


def test_a_row_that_already_breaks_a_rule_can_still_be_updated_elsewhere(iha):
    as_imported(Assessment.objects.filter(pk=iha.pk), request_sent_on=date(2026, 11, 1))
    Assessment.objects.filter(pk=iha.pk).update(status="OVERDUE", breach_rule="recomputed")
    iha.refresh_from_db()
    assert (iha.status, iha.request_sent_on) == ("OVERDUE", date(2026, 11, 1))
