"""The health clocks against the database: the worked examples of DOMAIN.md 2, 3 and 5 driven
through the real services (and the API where a person would use it), and the nightly sweep.

Why the ``on`` fixture: every workflow service marks the child stale and enqueues the
recompute with ``transaction.on_commit`` (tasks run eagerly in tests). pytest-django's ``db``
fixture wraps each test in a transaction that never commits, so those callbacks would never
fire and the clocks would keep the state of the previous step. ``on(day)`` freezes "today"
on the step's day and runs the step inside ``django_capture_on_commit_callbacks(execute=True)``,
which runs the callbacks as a real commit would. Only the entry to care recomputes inline
(``period_of_care_start`` creates the IHA in its own transaction), which the first test checks
without ``on``.
"""

import re
from contextlib import contextmanager
from datetime import date

import pytest
import time_machine

from apps.assessments import services
from apps.assessments.models import Assessment, HealthClock
from apps.assessments.recompute import recompute_children
from apps.assessments.sweep import sweep_clocks
from apps.children import services as children_services
from apps.children.models import Child
from apps.placements import services as placement_services
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

# Friday: the DOMAIN.md 1 example. Working days after it skip 25 and 26 December and 1 January.
ENTRY = date(2025, 12, 19)
REQUEST_DUE = date(2025, 12, 30)  # working day 5
WORKING_DAY_7 = date(2026, 1, 2)
IHA_DUE = date(2026, 1, 21)  # working day 20
HELD_LATE = date(2026, 1, 23)


@pytest.fixture
def on(django_capture_on_commit_callbacks):
    """Run a step on ``day`` as production would: it commits, then its recompute runs."""

    @contextmanager
    def step(day: date):
        with (
            time_machine.travel(day, tick=False),
            django_capture_on_commit_callbacks(execute=True) as callbacks,
        ):
            yield callbacks

    return step


@pytest.fixture
def child(cast):
    return ChildFactory(
        responsible_la=cast.our_la, team=cast.team_a, allocated_worker=cast.social_worker
    )


def enter_care(on, cast, child, day: date):
    with on(day):
        return children_services.period_of_care_start(
            child=child, start_date=day, legal_status="C2", started_by=cast.social_worker
        )


def leave_care(on, cast, period, day: date):
    with on(day):
        return children_services.period_of_care_end(
            period=period, end_date=day, reason_end="E41", ended_by=cast.social_worker
        )


def iha_of(period) -> Assessment:
    return Assessment.objects.get(period_of_care=period, kind="IHA")


def send_request(on, cast, assessment, day: date, *, complete_on: date | None = None):
    with on(day):
        services.assessment_request(
            assessment=assessment,
            sent_on=day,
            provider=cast.provider_a,
            requested_by=cast.social_worker,
            consent_obtained_on=complete_on or day,
            request_complete_on=complete_on or day,
        )
    assessment.refresh_from_db()
    return assessment


def hold(on, cast, assessment, day: date, *, clinician_role: str = "PAEDIATRICIAN"):
    with on(day):
        services.assessment_complete(
            assessment=assessment,
            held_on=day,
            clinician_role=clinician_role,
            completed_by=cast.nurse_a,
        )
    assessment.refresh_from_db()
    return assessment


# Worked examples: IHA deadlines and attribution ---------------------------------------------


def test_entry_on_friday_19_december_creates_the_iha_with_its_deadlines_at_once(cast, child):
    # No on_commit here on purpose: the IHA must exist inside the entry's own transaction.
    with time_machine.travel(ENTRY, tick=False):
        period = children_services.period_of_care_start(
            child=child, start_date=ENTRY, legal_status="C2", started_by=cast.social_worker
        )
    iha = iha_of(period)
    assert (iha.clock_start, iha.request_due, iha.due_date) == (ENTRY, REQUEST_DUE, IHA_DUE)
    assert iha.status == "PENDING"
    assert iha.child_id == child.pk and iha.previous_id is None
    assert iha.request_sent_on is None and iha.provider_id is None


def test_request_on_working_day_7_then_a_late_assessment_charges_the_la(on, cast, child):
    iha = iha_of(enter_care(on, cast, child, ENTRY))
    iha = send_request(on, cast, iha, WORKING_DAY_7)
    # Before any breach, the attribution it would get is already the LA's.
    assert (iha.status, iha.provisional_party, iha.provisional_reason) == (
        "PENDING",
        "LA",
        "LATE_REQUEST",
    )
    iha = hold(on, cast, iha, HELD_LATE)
    assert iha.status == "BREACHED"
    assert (iha.breach_party, iha.breach_reason) == ("LA", "LATE_REQUEST")
    assert re.search(r"working day 7\b.*deadline was working day 5\b", iha.breach_rule), (
        iha.breach_rule
    )


def test_complete_request_on_time_and_assessment_held_late_with_no_reason_charges_health(
    on, cast, child, api
):
    iha = iha_of(enter_care(on, cast, child, ENTRY))
    iha = send_request(on, cast, iha, date(2025, 12, 22))
    iha = hold(on, cast, iha, HELD_LATE)
    assert iha.status == "BREACHED"
    assert (iha.breach_party, iha.breach_reason) == ("HEALTH", "")

    with time_machine.travel(HELD_LATE, tick=False):
        body = api(cast.social_worker).get(f"/api/v1/assessments/{iha.pk}/").json()
    assert body["status"] == "BREACHED"
    assert body["breach"]["party"] == "HEALTH"
    assert body["breach"]["reason"] == ""
    assert body["breach"]["reason_label"] == "No reason given"
    assert "no reason given" in body["breach"]["rule"].lower()


def test_carer_cancellation_then_late_assessment_charges_the_la(on, cast, child, api):
    iha = iha_of(enter_care(on, cast, child, ENTRY))
    iha = send_request(on, cast, iha, date(2025, 12, 22))
    admin = api(cast.health_admin_a)
    with on(date(2026, 1, 5)):
        booked = admin.post(
            f"/api/v1/assessments/{iha.pk}/book/",
            {"appointment_date": "2026-01-15", "booked_on": "2026-01-05"},
            format="json",
        )
    assert booked.status_code == 200, booked.json()
    appointment_id = booked.json()["appointments"][0]["id"]
    with on(date(2026, 1, 14)):
        cancelled = admin.post(
            f"/api/v1/assessments/{iha.pk}/record-outcome/",
            {
                "appointment": appointment_id,
                "outcome": "CANCELLED",
                "cancelled_by": "CARER",
                "recorded_on": "2026-01-14",
            },
            format="json",
        )
    assert cancelled.status_code == 200, cancelled.json()
    assert cancelled.json()["appointments"][0]["cancelled_by"] == "CARER"
    with on(date(2026, 1, 14)):
        rebooked = admin.post(
            f"/api/v1/assessments/{iha.pk}/book/",
            {"appointment_date": "2026-01-26", "booked_on": "2026-01-14"},
            format="json",
        )
    assert rebooked.status_code == 200, rebooked.json()

    iha = hold(on, cast, iha, date(2026, 1, 26))
    assert iha.status == "BREACHED"
    assert (iha.breach_party, iha.breach_reason) == ("LA", "CARER_OR_YP_CANCELLED")
    assert "carer cancelled the appointment of 15 January 2026" in iha.breach_rule
    # Holding the assessment on the booked day records that appointment as attended.
    assert list(iha.appointments.values_list("outcome", flat=True)) == ["CANCELLED", "ATTENDED"]


def test_health_cancelled_in_time_then_carer_cancelled_late_charges_health_and_names_both(
    on, cast, child, api
):
    iha = iha_of(enter_care(on, cast, child, ENTRY))
    iha = send_request(on, cast, iha, date(2025, 12, 22))
    admin = api(cast.health_admin_a)

    def book(day: str, booked_on: date) -> int:
        with on(booked_on):
            response = admin.post(
                f"/api/v1/assessments/{iha.pk}/book/",
                {"appointment_date": day, "booked_on": booked_on.isoformat()},
                format="json",
            )
        assert response.status_code == 200, response.json()
        return next(a["id"] for a in response.json()["appointments"] if a["outcome"] == "BOOKED")

    def cancel(appointment_id: int, by: str, recorded_on: date) -> None:
        with on(recorded_on):
            response = admin.post(
                f"/api/v1/assessments/{iha.pk}/record-outcome/",
                {
                    "appointment": appointment_id,
                    "outcome": "CANCELLED",
                    "cancelled_by": by,
                    "recorded_on": recorded_on.isoformat(),
                },
                format="json",
            )
        assert response.status_code == 200, response.json()

    cancel(book("2026-01-15", date(2026, 1, 5)), "HEALTH", date(2026, 1, 14))
    cancel(book("2026-01-26", date(2026, 1, 14)), "CARER", date(2026, 1, 23))
    book("2026-01-28", date(2026, 1, 23))
    iha = hold(on, cast, iha, date(2026, 1, 28))

    assert iha.status == "BREACHED"
    assert (iha.breach_party, iha.breach_reason) == ("HEALTH", "HEALTH_CANCELLED")
    with time_machine.travel(date(2026, 1, 28), tick=False):
        body = api(cast.social_worker).get(f"/api/v1/assessments/{iha.pk}/").json()
    assert body["breach"]["rule"] == (
        "Request complete in time; health cancelled the appointment of 15 January 2026. "
        "Health cancelled the appointment of 15 January 2026 (in time); "
        "the carer cancelled the appointment of 26 January 2026 (after the deadline)."
    )


def test_request_complete_only_after_its_deadline_charges_the_la(on, cast, child):
    iha = iha_of(enter_care(on, cast, child, ENTRY))
    with on(date(2025, 12, 22)):
        services.assessment_request(
            assessment=iha,
            sent_on=date(2025, 12, 22),
            provider=cast.provider_a,
            requested_by=cast.social_worker,
        )
    # Consent arrives on working day 8, after the working day 5 deadline.
    with on(date(2026, 1, 5)):
        services.assessment_request_complete(
            assessment=iha, complete_on=date(2026, 1, 5), recorded_by=cast.social_worker
        )
    iha = hold(on, cast, iha, HELD_LATE)
    assert iha.status == "BREACHED"
    assert (iha.breach_party, iha.breach_reason) == ("LA", "INCOMPLETE_REQUEST")
    assert re.search(r"working day 8\b.*deadline was working day 5\b", iha.breach_rule), (
        iha.breach_rule
    )


def test_a_change_of_placement_does_not_restart_the_iha_clock(on, cast, child):
    period = enter_care(on, cast, child, ENTRY)
    for start, carer in ((ENTRY, "Mr and Mrs Hill"), (date(2026, 1, 9), "Ms Okafor")):
        with on(start):
            placement_services.placement_start(
                child=child,
                start_date=start,
                place="U4",
                place_provider="PR1",
                area=cast.our_la,
                started_by=cast.social_worker,
                carer_name=carer,
            )
    iha = iha_of(period)
    assert (iha.clock_start, iha.request_due, iha.due_date) == (ENTRY, REQUEST_DUE, IHA_DUE)
    assert Assessment.objects.filter(child=child).count() == 1


# Worked examples: reviews ------------------------------------------------------------------


def test_rha_is_six_monthly_until_the_assessment_held_after_the_fifth_birthday(on, cast):
    child = ChildFactory(
        responsible_la=cast.our_la, team=cast.team_a, date_of_birth=date(2021, 3, 10)
    )
    iha = iha_of(enter_care(on, cast, child, date(2025, 8, 26)))
    iha = send_request(on, cast, iha, date(2025, 8, 27))
    # Held at age 4: the next review is due 6 months later.
    iha = hold(on, cast, iha, date(2025, 9, 15))
    assert iha.status == "MET"
    first_review = Assessment.objects.get(child=child, kind="RHA")
    assert first_review.previous_id == iha.pk
    assert (first_review.clock_start, first_review.due_date) == (
        date(2025, 9, 15),
        date(2026, 3, 15),
    )
    # Default: the LA request is due 20 working days before the review.
    assert first_review.request_due == date(2026, 2, 16)
    assert first_review.status == "PENDING"

    first_review = send_request(on, cast, first_review, date(2026, 2, 10))
    # Held on 12 March 2026, two days after the 5th birthday: from now on, 12-monthly.
    first_review = hold(on, cast, first_review, date(2026, 3, 12), clinician_role="LAC_NURSE")
    assert first_review.status == "MET"
    second_review = Assessment.objects.get(child=child, kind="RHA", previous=first_review)
    assert (second_review.clock_start, second_review.due_date) == (
        date(2026, 3, 12),
        date(2027, 3, 12),
    )
    assert second_review.status == "PENDING"


# Worked examples: leaving and re-entering care ---------------------------------------------


def test_re_entry_to_care_after_leaving_starts_a_new_iha_clock(on, cast, child):
    first_period = enter_care(on, cast, child, date(2025, 6, 2))
    first_iha = send_request(on, cast, iha_of(first_period), date(2025, 6, 3))
    first_iha = hold(on, cast, first_iha, date(2025, 6, 20))
    leave_care(on, cast, first_period, date(2025, 9, 1))

    # Re-entry more than 3 months after the last assessment: a full new IHA clock.
    second_period = enter_care(on, cast, child, date(2025, 11, 3))
    second_iha = iha_of(second_period)
    assert second_iha.pk != first_iha.pk
    assert (second_iha.clock_start, second_iha.request_due, second_iha.due_date) == (
        date(2025, 11, 3),
        date(2025, 11, 10),
        date(2025, 12, 1),
    )
    assert (second_iha.status, second_iha.not_required_reason) == ("PENDING", "")
    first_iha.refresh_from_db()
    assert first_iha.status == "MET"
    # The review that would have followed the first IHA fell due after the child left.
    stale_review = Assessment.objects.get(child=child, kind="RHA")
    assert (stale_review.status, stale_review.not_required_reason) == (
        "NOT_REQUIRED",
        "LEFT_CARE",
    )


def test_leaving_care_before_the_iha_due_date_makes_the_iha_not_required(on, cast, child):
    period = enter_care(on, cast, child, date(2025, 6, 2))
    leave_care(on, cast, period, date(2025, 6, 10))
    iha = iha_of(period)
    assert (iha.status, iha.not_required_reason) == ("NOT_REQUIRED", "LEFT_CARE")
    assert iha.breach_party == ""
    # The due date (30 June) passing does not turn it into a breach.
    with time_machine.travel(date(2025, 7, 1), tick=False):
        sweep_clocks(today=date(2025, 7, 1))
    iha.refresh_from_db()
    assert (iha.status, iha.breach_party) == ("NOT_REQUIRED", "")


def test_assessment_in_the_3_months_before_re_entry_makes_the_iha_not_required_and_the_rha_chain_continues(
    on, cast, child
):
    first_period = enter_care(on, cast, child, date(2025, 6, 2))
    first_iha = send_request(on, cast, iha_of(first_period), date(2025, 6, 3))
    first_iha = hold(on, cast, first_iha, date(2025, 6, 20))
    leave_care(on, cast, first_period, date(2025, 8, 1))

    second_period = enter_care(on, cast, child, date(2025, 9, 1))
    second_iha = iha_of(second_period)
    assert (second_iha.status, second_iha.not_required_reason) == (
        "NOT_REQUIRED",
        "RECENT_ASSESSMENT",
    )
    # The chain goes on from the IHA held on 20 June (the child is 10: +12 months).
    review = Assessment.objects.get(child=child, kind="RHA")
    assert review.previous_id == first_iha.pk
    assert review.period_of_care_id == second_period.pk
    assert review.due_date == date(2026, 6, 20)
    assert (review.status, review.not_required_reason) == ("PENDING", "")


def test_child_aged_18_at_entry_needs_no_iha(on, cast):
    child = ChildFactory(
        responsible_la=cast.our_la, team=cast.team_a, date_of_birth=date(2007, 5, 1)
    )
    iha = iha_of(enter_care(on, cast, child, date(2025, 6, 2)))
    assert (iha.status, iha.not_required_reason) == ("NOT_REQUIRED", "AGED_18")
    assert iha.breach_party == ""


# The nightly sweep -------------------------------------------------------------------------


def sweep_on(day: date):
    with time_machine.travel(day, tick=False):
        return sweep_clocks(today=day)


def test_sweep_marks_an_unrequested_iha_overdue_and_undetermined_after_its_due_date(
    on, cast, child
):
    iha = iha_of(enter_care(on, cast, child, ENTRY))
    on_due_date = sweep_on(IHA_DUE)
    iha.refresh_from_db()
    # "Within" is inclusive: on the due date the clock is not yet breached.
    assert on_due_date.newly_overdue == 0
    assert iha.status == "AT_RISK" and iha.breach_party == ""

    result = sweep_on(date(2026, 1, 22))
    iha.refresh_from_db()
    assert result.newly_overdue == 1
    assert iha.status == "OVERDUE"
    assert (iha.breach_party, iha.breach_reason) == ("UNDETERMINED", "")
    assert "no request date" in iha.breach_rule.lower()


def test_sweep_marks_an_iha_at_risk_within_5_working_days_of_its_due_date(on, cast, child):
    iha = iha_of(enter_care(on, cast, child, ENTRY))
    # 13 January + 5 working days = 20 January, before the 21 January deadline.
    assert sweep_on(date(2026, 1, 13)).newly_at_risk == 0
    iha.refresh_from_db()
    assert iha.status == "PENDING"
    # 14 January + 5 working days = 21 January: inside the window.
    assert sweep_on(date(2026, 1, 14)).newly_at_risk == 1
    iha.refresh_from_db()
    assert iha.status == "AT_RISK"
    assert iha.breach_party == ""


def _population(on, cast):
    """Three children whose clocks each change state when the sweep runs on 22 January."""
    unrequested = ChildFactory(responsible_la=cast.our_la, team=cast.team_a)
    enter_care(on, cast, unrequested, ENTRY)
    report_outstanding = ChildFactory(responsible_la=cast.our_la, team=cast.team_a)
    iha = iha_of(enter_care(on, cast, report_outstanding, ENTRY))
    send_request(on, cast, iha, date(2025, 12, 22))
    hold(on, cast, iha, date(2026, 1, 15))
    due_soon = ChildFactory(responsible_la=cast.our_la, team=cast.team_a)
    soon = iha_of(enter_care(on, cast, due_soon, date(2025, 12, 31)))
    assert soon.due_date == date(2026, 1, 29)
    return unrequested, report_outstanding, due_soon


def _snapshot():
    return (
        list(Assessment.objects.order_by("pk").values()),
        list(HealthClock.objects.order_by("pk").values()),
        list(Child.objects.order_by("pk").values("pk", "clocks_stale_since")),
    )


def test_running_the_sweep_twice_changes_nothing_the_second_time(on, cast):
    unrequested, report_outstanding, due_soon = _population(on, cast)
    first = sweep_on(date(2026, 1, 22))
    assert (first.newly_overdue, first.reports_newly_late, first.newly_at_risk) == (1, 1, 1)
    assert Assessment.objects.get(child=unrequested).status == "OVERDUE"
    late_report = Assessment.objects.get(child=report_outstanding, kind="IHA")
    assert (late_report.status, late_report.report_breached) == ("MET", True)
    assert (late_report.breach_party, late_report.breach_reason) == ("HEALTH", "REPORT_DELAYED")
    assert Assessment.objects.get(child=due_soon).status == "AT_RISK"

    before = _snapshot()
    second = sweep_on(date(2026, 1, 22))
    assert _snapshot() == before
    transitions = {
        name: value for name, value in second.as_dict().items() if name not in {"today", "seconds"}
    }
    assert transitions == dict.fromkeys(transitions, 0)


def test_recompute_after_the_sweep_agrees_with_what_the_sweep_wrote(on, cast):
    # The sweep copies the provisional attribution; a recompute on the same day must
    # reach the same state, or the next event on the child would rewrite history.
    children = _population(on, cast)
    sweep_on(date(2026, 1, 22))
    before = _snapshot()
    with time_machine.travel(date(2026, 1, 22), tick=False):
        stats = recompute_children([c.pk for c in children], today=date(2026, 1, 22))
    assert (stats.created, stats.updated, stats.health_clocks_written) == (0, 0, 0)
    assert _snapshot() == before


def test_sweep_recomputes_a_child_whose_recompute_message_was_lost(
    api, cast, child, django_capture_on_commit_callbacks
):
    # No commit ever happens in this test's transaction, so the on_commit enqueues of both
    # steps are lost, as when Redis is down: only the stale mark on the child remains.
    with time_machine.travel(ENTRY, tick=False):
        period = children_services.period_of_care_start(
            child=child, start_date=ENTRY, legal_status="C2", started_by=cast.social_worker
        )
    iha = iha_of(period)
    with (
        time_machine.travel(WORKING_DAY_7, tick=False),
        django_capture_on_commit_callbacks(execute=False) as lost,
    ):
        services.assessment_request(
            assessment=iha,
            sent_on=WORKING_DAY_7,
            provider=cast.provider_a,
            requested_by=cast.social_worker,
            request_complete_on=WORKING_DAY_7,
        )
    assert lost, "the request should have enqueued a recompute after commit"
    child.refresh_from_db()
    iha.refresh_from_db()
    assert child.clocks_stale_since is not None
    # Not recomputed: the attribution still reflects "no request".
    assert iha.provisional_party == "UNDETERMINED"
    summary = f"/api/v1/children/{child.pk}/health-summary/"
    with time_machine.travel(date(2026, 1, 21), tick=False):
        assert api(cast.social_worker).get(summary).json()["clocks_pending_recompute"] is True

    result = sweep_on(date(2026, 1, 22))
    assert result.stale_children_recomputed == 1
    child.refresh_from_db()
    iha.refresh_from_db()
    assert child.clocks_stale_since is None
    with time_machine.travel(date(2026, 1, 22), tick=False):
        assert api(cast.social_worker).get(summary).json()["clocks_pending_recompute"] is False
    # Recomputed from the facts, not copied from the stale provisional columns.
    assert iha.status == "OVERDUE"
    assert (iha.breach_party, iha.breach_reason) == ("LA", "LATE_REQUEST")
