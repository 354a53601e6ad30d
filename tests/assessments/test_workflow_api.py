"""The assessment workflow through the API: steps out of order are refused with a 400 that
names the field (STYLE.md), and the response shape and filters of /api/v1/assessments/.

"Today" is frozen on 2 February 2026 unless a step says otherwise. Workflow services enqueue
the clock recompute with ``transaction.on_commit``; pytest-django's ``db`` fixture never
commits, so the steps whose resulting status a test reads run inside
``django_capture_on_commit_callbacks(execute=True)`` (the ``committed`` fixture).
"""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Role
from apps.assessments import services
from apps.assessments.models import Assessment
from apps.children import services as children_services
from tests.factories import ChildFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 2, 2)
ENTRY = date(2025, 12, 19)  # IHA request due 30 December, IHA due 21 January
STATUSES = {"PENDING", "AT_RISK", "OVERDUE", "MET", "BREACHED", "NOT_REQUIRED", "DECLINED"}


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Steps inside this run their after-commit recompute, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def new_iha(cast, *, entry: date = ENTRY, **child_fields) -> Assessment:
    child = ChildFactory(
        **{"responsible_la": cast.our_la, "team": cast.team_a, **child_fields},
    )
    period = children_services.period_of_care_start(
        child=child, start_date=entry, legal_status="C2", started_by=cast.social_worker
    )
    return Assessment.objects.get(period_of_care=period, kind="IHA")


def requested(cast, assessment, *, sent_on: date = date(2025, 12, 22), provider=None):
    services.assessment_request(
        assessment=assessment,
        sent_on=sent_on,
        provider=provider or cast.provider_a,
        requested_by=cast.social_worker,
        consent_obtained_on=sent_on,
        request_complete_on=sent_on,
    )
    assessment.refresh_from_db()
    return assessment


def held(cast, assessment, day: date):
    services.assessment_complete(
        assessment=assessment,
        held_on=day,
        clinician_role="PAEDIATRICIAN",
        completed_by=cast.nurse_a,
    )
    assessment.refresh_from_db()
    return assessment


def post(client, assessment, step: str, body: dict):
    return client.post(f"/api/v1/assessments/{assessment.pk}/{step}/", body, format="json")


def agreed(client, assessment):
    """The other agency agrees the open proposal on ``assessment`` (issue 13): an override
    that charges the other agency takes effect only then."""
    proposal = assessment.breach_proposals.get(state="PROPOSED")
    response = client.post(
        f"/api/v1/breach-proposals/{proposal.pk}/answer/", {"agree": True}, format="json"
    )
    assert response.status_code == 200, response.json()
    return client.get(f"/api/v1/assessments/{assessment.pk}/")


# Steps out of order --------------------------------------------------------------------------


def test_booking_before_a_request_is_refused_naming_the_appointment_date(cast):
    # Through the API nobody can reach this: provider staff see a child only once a
    # request names their provider (404 below), so the service's own check is exercised.
    iha = new_iha(cast)
    with pytest.raises(ValidationError) as error:
        services.appointment_book(
            assessment=iha,
            appointment_date=date(2026, 2, 10),
            booked_on=TODAY,
            booked_by=cast.health_admin_a,
        )
    assert "appointment_date" in error.value.message_dict
    assert not iha.appointments.exists()


def test_provider_staff_cannot_see_an_iha_before_it_is_requested(api, cast):
    iha = new_iha(cast)
    response = post(
        api(cast.health_admin_a),
        iha,
        "book",
        {"appointment_date": "2026-02-10", "booked_on": "2026-02-02"},
    )
    assert response.status_code == 404
    assert not iha.appointments.exists()


def test_the_old_complete_action_is_gone_the_sign_off_completes_an_assessment(api, cast):
    # Issue 14: "Attended" (record-outcome) sets the held date and the write-up's sign-off
    # (/api/v1/write-ups/<pk>/sign-off/) completes it; the free-text "complete" is removed.
    iha = requested(cast, new_iha(cast))
    response = post(
        api(cast.nurse_a), iha, "complete", {"held_on": "2026-01-12", "clinician_role": "GP"}
    )
    assert response.status_code in {404, 405}
    iha.refresh_from_db()
    assert iha.held_on is None


def test_recording_as_held_twice_is_refused_naming_held_on(cast):
    iha = held(cast, requested(cast, new_iha(cast)), date(2026, 1, 12))
    with pytest.raises(ValidationError) as error:
        services.assessment_complete(
            assessment=iha,
            held_on=date(2026, 1, 14),
            clinician_role="GP",
            completed_by=cast.nurse_a,
        )
    assert "already recorded as held on 12/01/2026" in error.value.message_dict["held_on"][0]
    iha.refresh_from_db()
    assert (iha.held_on, iha.clinician_role) == (date(2026, 1, 12), "PAEDIATRICIAN")


def test_an_iha_recorded_as_held_by_a_lac_nurse_is_refused_naming_clinician_role(cast):
    iha = requested(cast, new_iha(cast))
    with pytest.raises(ValidationError) as error:
        services.assessment_complete(
            assessment=iha,
            held_on=date(2026, 1, 12),
            clinician_role="LAC_NURSE",
            completed_by=cast.nurse_a,
        )
    assert "medical practitioner" in error.value.message_dict["clinician_role"][0]
    iha.refresh_from_db()
    assert iha.held_on is None


def test_report_returned_before_the_assessment_is_held_is_refused_naming_returned_on(api, cast):
    iha = requested(cast, new_iha(cast))
    response = post(api(cast.health_admin_a), iha, "return-report", {"returned_on": "2026-01-20"})
    assert response.status_code == 400
    assert "not been held" in response.json()["returned_on"][0]
    iha.refresh_from_db()
    assert iha.report_returned_on is None


@pytest.mark.parametrize(
    "day,words",
    [(date(2015, 5, 31), "date of birth"), (date(2026, 2, 3), "future")],
)
def test_a_held_date_before_birth_or_in_the_future_is_refused_naming_held_on(cast, day, words):
    iha = requested(cast, new_iha(cast, date_of_birth=date(2015, 6, 1)))
    with pytest.raises(ValidationError) as error:
        services.assessment_complete(
            assessment=iha, held_on=day, clinician_role="PAEDIATRICIAN", completed_by=cast.nurse_a
        )
    assert words in error.value.message_dict["held_on"][0]
    iha.refresh_from_db()
    assert iha.held_on is None


def test_sending_the_request_twice_is_refused_naming_sent_on(api, cast):
    iha = new_iha(cast)
    social_worker = api(cast.social_worker)
    body = {"sent_on": "2025-12-22", "provider": "RYY"}
    assert post(social_worker, iha, "request", body).status_code == 200
    again = post(social_worker, iha, "request", {"sent_on": "2025-12-23", "provider": "NQV"})
    assert again.status_code == 400
    assert "already been sent" in again.json()["sent_on"][0]
    iha.refresh_from_db()
    assert (iha.request_sent_on, iha.provider.code) == (date(2025, 12, 22), "RYY")


def test_recording_the_outcome_of_a_non_existent_appointment_is_refused_naming_appointment(
    api, cast
):
    iha = requested(cast, new_iha(cast))
    other = requested(cast, new_iha(cast))
    other_appointment = services.appointment_book(
        assessment=other,
        appointment_date=date(2026, 2, 10),
        booked_on=TODAY,
        booked_by=cast.health_admin_a,
    )
    admin = api(cast.health_admin_a)
    for appointment_id in (999_999, other_appointment.pk):  # unknown, and another child's
        response = post(
            admin,
            iha,
            "record-outcome",
            {"appointment": appointment_id, "outcome": "ATTENDED", "recorded_on": "2026-02-02"},
        )
        assert response.status_code == 400
        assert "appointment" in response.json()
    other_appointment.refresh_from_db()
    assert other_appointment.outcome == "BOOKED"


def test_a_second_booking_while_one_is_booked_is_refused_naming_appointment_date(api, cast):
    iha = requested(cast, new_iha(cast))
    admin = api(cast.health_admin_a)
    first = post(admin, iha, "book", {"appointment_date": "2026-02-10", "booked_on": "2026-02-02"})
    assert first.status_code == 200
    second = post(admin, iha, "book", {"appointment_date": "2026-02-12", "booked_on": "2026-02-02"})
    assert second.status_code == 400
    assert "already booked" in second.json()["appointment_date"][0]
    assert list(iha.appointments.values_list("appointment_date", flat=True)) == [date(2026, 2, 10)]


def test_override_without_a_note_is_refused_naming_note(api, cast, committed):
    with committed():
        iha = held(
            cast, requested(cast, new_iha(cast), sent_on=date(2026, 1, 2)), date(2026, 1, 23)
        )
    iha.refresh_from_db()
    assert (iha.status, iha.breach_party) == ("BREACHED", "LA")
    manager = api(cast.manager)
    for body in (
        {"party": "HEALTH"},
        {"party": "HEALTH", "note": ""},
        {"party": "HEALTH", "note": "  "},
    ):
        response = post(manager, iha, "override-breach", body)
        assert response.status_code == 400, body
        assert "note" in response.json()
    iha.refresh_from_db()
    assert (iha.override_party, iha.overridden_by) == ("", None)


def test_override_with_a_note_keeps_the_author_and_the_previous_values_in_history(
    api, cast, committed
):
    with committed():
        iha = held(
            cast, requested(cast, new_iha(cast), sent_on=date(2026, 1, 2)), date(2026, 1, 23)
        )
    response = post(
        api(cast.manager),
        iha,
        "override-breach",
        {"party": "HEALTH", "reason": "CLINICAL_CAPACITY", "note": "No clinic slots in January"},
    )
    assert response.status_code == 200
    assert response.json()["breach"]["party"] == "LA"  # proposed, not yet agreed
    response = agreed(api(cast.designated), iha)
    breach = response.json()["breach"]
    assert (breach["party"], breach["reason"], breach["overridden"]) == (
        "HEALTH",
        "CLINICAL_CAPACITY",
        True,
    )
    assert breach["override_note"] == "No clinic slots in January"
    iha.refresh_from_db()
    assert iha.overridden_by == cast.manager
    # The automatic attribution stays underneath the override.
    assert (iha.breach_party, iha.breach_reason) == ("LA", "LATE_REQUEST")
    latest = iha.history.latest()
    assert (latest.override_party, latest.overridden_by_id) == ("HEALTH", cast.manager.pk)


def test_override_shows_who_overrode_and_when_in_the_detail_and_the_list(api, cast, committed):
    cast.manager.first_name, cast.manager.last_name = "Priya", "Shah"
    cast.manager.save()
    with committed():
        iha = held(
            cast, requested(cast, new_iha(cast), sent_on=date(2026, 1, 2)), date(2026, 1, 23)
        )
    with time_machine.travel(datetime(2026, 2, 2, 14, 30, tzinfo=UTC), tick=False):
        response = post(
            api(cast.manager),
            iha,
            "override-breach",
            {"party": "HEALTH", "reason": "CLINICAL_CAPACITY", "note": "No clinic slots"},
        )
        assert response.status_code == 200
        response = agreed(api(cast.designated), iha)  # the override takes effect now
    reader = api(cast.performance_manager)
    detail = reader.get(f"/api/v1/assessments/{iha.pk}/").json()["breach"]
    listed = next(
        row["breach"]
        for row in reader.get("/api/v1/assessments/").json()["results"]
        if row["id"] == iha.pk
    )
    for breach in (response.json()["breach"], detail, listed):
        assert breach["overridden_by"] == {"username": "manager", "display_name": "Priya Shah"}
        assert datetime.fromisoformat(breach["overridden_at"]) == datetime(
            2026, 2, 2, 14, 30, tzinfo=UTC
        )


def test_override_author_without_a_full_name_is_shown_by_username(api, cast, committed):
    cast.designated.first_name = cast.designated.last_name = ""
    cast.designated.save()
    with committed():
        iha = held(cast, requested(cast, new_iha(cast)), date(2026, 1, 23))
    response = post(api(cast.designated), iha, "override-breach", {"party": "LA", "note": "Moved"})
    assert response.status_code == 200, response.json()
    response = agreed(api(cast.manager), iha)
    assert response.json()["breach"]["overridden_by"] == {
        "username": "designated",
        "display_name": "designated",
    }


def test_breach_not_overridden_has_no_author_or_time(api, cast, committed):
    with committed():
        iha = held(
            cast, requested(cast, new_iha(cast), sent_on=date(2026, 1, 2)), date(2026, 1, 23)
        )
    breach = api(cast.social_worker).get(f"/api/v1/assessments/{iha.pk}/").json()["breach"]
    assert (breach["overridden"], breach["overridden_by"], breach["overridden_at"]) == (
        False,
        None,
        None,
    )


def test_override_authors_are_not_fetched_one_query_per_assessment(api, cast, committed):
    def overridden_breaches(count: int) -> None:
        for _ in range(count):
            with committed():
                iha = held(
                    cast,
                    requested(cast, new_iha(cast), sent_on=date(2026, 1, 2)),
                    date(2026, 1, 23),
                )
            # A different author each time, so a per-row fetch would show in the count.
            services.breach_override(  # the manager's own side: takes effect at once
                assessment=iha,
                party="LA",
                reason="",
                note="Reviewed",
                overridden_by=UserFactory(role=Role.TEAM_MANAGER, organisation=cast.our_la),
            )

    reader = api(cast.performance_manager)

    def list_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = reader.get("/api/v1/assessments/")
        assert response.status_code == 200
        authors = {
            row["breach"]["overridden_by"]["username"]
            for row in response.json()["results"]
            if row["breach"] and row["breach"]["overridden"]
        }
        return len(captured.captured_queries), len(authors)

    overridden_breaches(1)
    few, few_authors = list_queries()
    overridden_breaches(4)
    many, many_authors = list_queries()
    assert (few_authors, many_authors) == (1, 5)
    assert many == few


def test_health_reason_recorded_after_a_breach_replaces_no_reason_given(api, cast, committed):
    with committed():
        iha = held(cast, requested(cast, new_iha(cast)), date(2026, 1, 23))
    before = api(cast.social_worker).get(f"/api/v1/assessments/{iha.pk}/").json()["breach"]
    assert (before["party"], before["reason_label"]) == ("HEALTH", "No reason given")
    with committed():
        response = post(
            api(cast.nurse_a), iha, "health-reason", {"reason": "CLINICAL_CAPACITY", "note": ""}
        )
    assert response.status_code == 200
    after = api(cast.social_worker).get(f"/api/v1/assessments/{iha.pk}/").json()["breach"]
    assert (after["party"], after["reason"], after["reason_label"]) == (
        "HEALTH",
        "CLINICAL_CAPACITY",
        "No appointment available in time",
    )


# Response shape and filters -------------------------------------------------------------


@pytest.fixture
def portfolio(cast, committed):
    """Three children of team A, each in a different state on 2 February 2026."""
    with committed():
        # Late request, held late: breached, charged to the LA. Provider A.
        late = held(
            cast, requested(cast, new_iha(cast), sent_on=date(2026, 1, 2)), date(2026, 1, 23)
        )
        # Entered on 5 January, nothing done yet: due 2 February, so at risk today.
        waiting = new_iha(cast, entry=date(2026, 1, 5))
        # Requested from provider B, held in time, report back: met, with a review due.
        met = requested(cast, new_iha(cast), provider=cast.provider_b)
        met = held(cast, met, date(2026, 1, 12))
        services.assessment_return_report(
            assessment=met, returned_on=date(2026, 1, 14), returned_by=cast.nurse_b
        )
    return {
        "late": late,
        # Held (late) all the same: the next review follows it.
        "late_review": Assessment.objects.get(child=late.child, kind="RHA"),
        "waiting": waiting,
        "met": met,
        "review": Assessment.objects.get(child=met.child, kind="RHA"),
    }


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_each_assessment_shows_its_deadlines_status_and_breach(api, cast, portfolio):
    rows = api(cast.performance_manager).get("/api/v1/assessments/").json()["results"]
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) == {a.pk for a in portfolio.values()}
    for row in rows:
        assert row["status"] in STATUSES
        assert row["clock_start"] <= row["request_due"] <= row["due_date"]
    late = by_id[portfolio["late"].pk]
    assert (late["clock_start"], late["request_due"], late["due_date"]) == (
        "2025-12-19",
        "2025-12-30",
        "2026-01-21",
    )
    assert late["status"] == "BREACHED"
    assert late["breach"]["party"] == "LA"
    assert late["breach"]["reason"] == "LATE_REQUEST"
    assert "working day 7" in late["breach"]["rule"]
    assert late["provider"] == "RYY"
    waiting = by_id[portfolio["waiting"].pk]
    assert (waiting["status"], waiting["breach"], waiting["provider"]) == ("AT_RISK", None, None)
    assert waiting["due_date"] == "2026-02-02"
    met = by_id[portfolio["met"].pk]
    assert (met["status"], met["breach"], met["report_breached"]) == ("MET", None, False)
    review = by_id[portfolio["review"].pk]
    assert (review["kind"], review["status"], review["due_date"]) == (
        "RHA",
        "PENDING",
        "2027-01-12",
    )


@pytest.mark.parametrize(
    "query,expected",
    [
        ("kind=IHA", {"late", "waiting", "met"}),
        ("kind=RHA", {"review", "late_review"}),
        ("status=BREACHED", {"late"}),
        ("status=AT_RISK", {"waiting"}),
        ("breached=true", {"late"}),
        ("breached=false", {"waiting", "met", "review", "late_review"}),
        ("provider=RYY", {"late"}),
        ("provider=NQV", {"met"}),
        ("due_before=2026-01-21", {"late", "met"}),
        ("due_before=2026-02-02", {"late", "met", "waiting"}),
        ("kind=IHA&provider=RYY&breached=true", {"late"}),
    ],
)
def test_assessment_list_filters(api, cast, portfolio, query, expected):
    response = api(cast.performance_manager).get(f"/api/v1/assessments/?{query}")
    assert _ids(response) == {portfolio[name].pk for name in expected}


def test_health_summary_shows_the_next_open_assessment_and_the_recompute_flag(api, cast, portfolio):
    child = portfolio["met"].child
    body = api(cast.social_worker).get(f"/api/v1/children/{child.pk}/health-summary/").json()
    assert body["child"] == child.pk
    assert [a["kind"] for a in body["assessments"]] == ["IHA", "RHA"]
    assert body["next_assessment"]["id"] == portfolio["review"].pk
    assert body["clocks_pending_recompute"] is False
