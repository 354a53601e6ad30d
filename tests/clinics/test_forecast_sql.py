"""The set-based capacity forecast (issue 15, at 100,000 children): the database counts and
ranks, Python runs the week-by-week arithmetic on the counts. Held to the reference rule on
a list of items (forecast.capacity_forecast), with a constant number of queries."""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.assessments.models import Appointment, Assessment
from apps.assessments.services import appointment_book
from apps.clinics import forecast, selectors
from tests.clinics.conftest import TODAY, make_clinic, new_request
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db


def _cohort(cast, paediatrician, entries: list[date]) -> list[Assessment]:
    return [
        new_request(cast, entry=entry, sent_on=max(entry, date(2026, 2, 2))) for entry in entries
    ]


def _reference(provider_forecast, requests, today=TODAY, weeks=12):
    """The same forecast from the list rule, on the rows the database holds."""
    due = [
        forecast.Due(a.pk, a.kind, a.due_date)
        for a in Assessment.objects.filter(pk__in=[a.pk for a in requests])
        if not a.appointments.filter(outcome="BOOKED").exists()
    ]
    supply = {w.week: w.supply for w in provider_forecast.weeks}
    rates = [w.forecast_iha for w in provider_forecast.weeks]
    return forecast.capacity_forecast(
        today=today, weeks=weeks, due=due, supply=supply, forecast_iha=rates
    )


# Entries between 19 January and 27 February 2026: IHA deadlines from mid-February (overdue,
# week 1) to the end of March (weeks 1 to 5); several share a deadline.
ENTRIES = [date(2026, 1, 19) + timedelta(days=3 * i) for i in range(14)] + [
    date(2026, 2, 16),
    date(2026, 2, 16),
    date(2026, 2, 23),
]


def test_the_database_forecast_agrees_with_the_list_rule(cast, paediatrician):
    requests = _cohort(cast, paediatrician, ENTRIES)
    # One request already has an appointment (no slot needed); few slots, an "either" one.
    appointment_book(
        assessment=requests[3],
        appointment_date=date(2026, 3, 10),
        booked_on=TODAY,
        booked_by=cast.health_admin_a,
    )
    make_clinic(cast, paediatrician, day=date(2026, 3, 3), end_time=time(11))  # 2 IHA slots
    make_clinic(
        cast,
        paediatrician,
        day=date(2026, 3, 12),
        kind="EITHER",
        start_time=time(13),
        end_time=time(14),
    )
    [result] = selectors.capacity(cast.health_admin_a, providers=[cast.provider_a], today=TODAY)
    reference = _reference(result, requests)
    assert sum(w.shortfall for w in reference) > 0
    for ours, theirs in zip(result.weeks, reference, strict=True):
        assert (ours.iha_due, ours.rha_due, ours.iha_breaches, ours.rha_breaches) == (
            theirs.iha_due,
            theirs.rha_due,
            theirs.iha_breaches,
            theirs.rha_breaches,
        ), ours.week
        assert ours.breaches == theirs.breaches, ours.week
        assert ours.forecast_breaches == theirs.forecast_breaches
    # Every listed child is one the health admin may see, named.
    assert {a.pk for _, _, a in result.breach_rows} == {
        d.key for w in result.weeks for d in w.breaches
    }
    assert all(a.child_name for _, _, a in result.breach_rows)


def test_a_tie_on_the_deadline_breaches_the_later_request(cast, paediatrician):
    first, second = _cohort(cast, paediatrician, [date(2026, 2, 16), date(2026, 2, 16)])
    make_clinic(cast, paediatrician, day=date(2026, 3, 17), end_time=time(10))  # 1 slot
    [result] = selectors.capacity(cast.health_admin_a, providers=[cast.provider_a], today=TODAY)
    week3 = result.weeks[2]
    assert week3.iha_due == 2 and [d.key for d in week3.breaches] == [second.pk]
    assert first.due_date == second.due_date


def test_the_forecast_queries_are_the_same_at_two_population_sizes(cast, paediatrician):
    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as one:
            [small] = selectors.capacity(
                cast.health_admin_a, providers=[cast.provider_a], today=TODAY
            )
        return len(one), small.named_breaches

    make_clinic(cast, paediatrician, day=date(2026, 3, 17), end_time=time(10))
    _cohort(cast, paediatrician, ENTRIES[:4])
    few, named_few = queries()
    more = _cohort(cast, paediatrician, ENTRIES[4:] + ENTRIES[:10])
    appointment_book(
        assessment=more[0],
        appointment_date=date(2026, 3, 20),
        booked_on=TODAY,
        booked_by=cast.health_admin_a,
    )
    many, named_many = queries()
    assert Assessment.objects.count() >= 6 * 4  # six times the first population
    assert named_many > named_few > 0
    assert many == few == 4
    # And with two providers, the same four.
    with CaptureQueriesContext(connection) as both:
        selectors.capacity(
            cast.designated, providers=[cast.provider_a, cast.provider_b], today=TODAY
        )
    assert len(both) == 4


def test_no_breach_needs_no_query_for_names(cast, paediatrician):
    _cohort(cast, paediatrician, [date(2026, 2, 16)])
    make_clinic(cast, paediatrician, day=date(2026, 3, 17), end_time=time(10))
    with CaptureQueriesContext(connection) as run:
        [result] = selectors.capacity(
            cast.health_admin_a, providers=[cast.provider_a], today=date(2026, 3, 2), weeks=3
        )
    # Twelve new IHAs a year forecast none in weeks 1-3 (the lag), and the one child fits.
    assert not result.short_weeks and len(run) == 3


def test_a_long_list_is_capped_with_the_count(cast, paediatrician, monkeypatch):
    monkeypatch.setattr(selectors, "BREACH_LIST_LIMIT", 3)
    requests = _cohort(cast, paediatrician, ENTRIES[:8])
    [result] = selectors.capacity(cast.health_admin_a, providers=[cast.provider_a], today=TODAY)
    assert result.named_breaches == 8 and result.listed_breaches == 3
    # The earliest weeks are listed first: the three latest deadlines of the first short week.
    week = result.short_weeks[0]
    assert len(week.breaches) == 3 and week.named_breaches >= 3
    due_that_week = sorted(
        (a.due_date, a.pk)
        for a in requests
        if forecast.week_number(forecast.week_start(TODAY), a.due_date) <= week.week
    )
    assert [(d.deadline, d.key) for d in week.breaches] == due_that_week[-3:]
    page = signed_in_client(cast.health_admin_a).get("/clinics/capacity/").content.decode()
    assert "The first 3 of 8 predicted breaches of named children are listed" in page


def test_a_child_the_user_may_not_see_is_counted_not_named(cast, paediatrician):
    """The designated nurse sees our LA's children; provider B's nurse sees none of provider
    A's (its forecast is its own), so there is nothing to name across providers."""
    _cohort(cast, paediatrician, [date(2026, 2, 16)])
    [result] = selectors.capacity(cast.nurse_b, providers=[cast.provider_a], today=TODAY)
    assert result.named_breaches == 1 and [a for _, _, a in result.breach_rows] == [None]


def test_a_booked_appointment_takes_the_child_out_of_the_demand(cast, paediatrician):
    [request] = _cohort(cast, paediatrician, [date(2026, 2, 16)])
    appointment_book(
        assessment=request,
        appointment_date=date(2026, 3, 18),
        booked_on=TODAY,
        booked_by=cast.health_admin_a,
    )
    [result] = selectors.capacity(cast.health_admin_a, providers=[cast.provider_a], today=TODAY)
    assert sum(w.iha_due for w in result.weeks) == 0
    assert Appointment.objects.filter(assessment=request, outcome="BOOKED").exists()
