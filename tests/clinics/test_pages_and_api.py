"""The clinic pages and API (issue 15): who may use them, and what they do."""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.assessments.models import Appointment, Assessment
from apps.clinics import forecast, selectors, services
from apps.clinics.models import Booking, ClinicSession
from tests.clinics.conftest import TODAY, TUESDAY, make_clinic, new_request
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(cast):
    return signed_in_client(cast.health_admin_a)


@pytest.mark.parametrize(
    "url",
    ["/clinics/", "/clinics/new/", "/clinics/to-book/", "/clinics/day/", "/clinics/missed/"],
)
def test_only_the_providers_health_staff_use_the_clinic_pages(cast, url):
    assert signed_in_client(cast.health_admin_a).get(url).status_code == 200
    assert signed_in_client(cast.nurse_a).get(url).status_code == 200
    for user in (cast.social_worker, cast.designated, cast.performance_manager):
        assert signed_in_client(user).get(url).status_code == 404, user.username


def test_another_providers_clinic_is_a_404(cast, paediatrician):
    session = make_clinic(cast, paediatrician).sessions[0]
    assert signed_in_client(cast.nurse_b).get(f"/clinics/sessions/{session.pk}/").status_code == 404
    assert signed_in_client(cast.nurse_a).get(f"/clinics/sessions/{session.pk}/").status_code == 200


def test_setting_up_a_recurring_clinic_from_the_form(cast, paediatrician, admin_client):
    response = admin_client.post(
        "/clinics/new/",
        {
            "kind": "IHA",
            "first_date": "2026-03-03",
            "weeks": "4",
            "start_time": "09:00",
            "end_time": "12:00",
            "slot_minutes": "",
            "venue_name": "Ashford Child Health Centre",
            "venue_address": "1 Station Road",
            "venue_postcode": "TN23 1AA",
            "clinician": paediatrician.pk,
            "clinician_role": "PAEDIATRICIAN",
        },
    )
    assert response.status_code == 302
    sessions = ClinicSession.objects.filter(provider=cast.provider_a)
    assert sessions.count() == 4 and sessions.first().slots.count() == 3


def test_a_bad_clinic_form_names_the_field(cast, paediatrician, admin_client):
    response = admin_client.post(
        "/clinics/new/",
        {
            "kind": "IHA",
            "first_date": "2026-03-03",
            "weeks": "1",
            "start_time": "09:00",
            "end_time": "12:00",
            "venue_name": "V",
            "venue_address": "A",
            "venue_postcode": "TN23 1AA",
            "clinician": paediatrician.pk,
            "clinician_role": "LAC_NURSE",
        },
    )
    assert response.status_code == 400
    assert "registered medical practitioner" in response.content.decode()


def test_the_list_to_book_and_the_book_action(cast, paediatrician, admin_client):
    assessment = new_request(cast, first_name="Amira", last_name="Khan")
    slot = make_clinic(cast, paediatrician).sessions[0].slots.first()
    page = admin_client.get("/clinics/to-book/").content.decode()
    assert "Amira Khan" in page and f"/clinics/assessments/{assessment.pk}/book/" in page
    assert (
        "Book into a clinic slot"
        in admin_client.get(f"/assessments/{assessment.pk}/").content.decode()
    )
    response = admin_client.post(f"/clinics/assessments/{assessment.pk}/book/", {"slot": slot.pk})
    assert response.status_code == 302
    assert Booking.objects.get(slot=slot).appointment.assessment == assessment
    assert "Amira Khan" not in admin_client.get("/clinics/to-book/").content.decode()


def test_bulk_booking_from_the_list(cast, paediatrician, admin_client):
    session = make_clinic(cast, paediatrician).sessions[0]
    requests = [new_request(cast) for _ in range(3)]
    response = admin_client.post(
        "/clinics/bulk-book/", {"assessment": [a.pk for a in requests], "session": session.pk}
    )
    assert response.status_code == 302
    assert Booking.objects.filter(slot__session=session, released_at__isnull=True).count() == 3
    empty = admin_client.post("/clinics/bulk-book/", {"session": session.pk})
    assert empty.status_code == 400 and "Select at least one request" in empty.content.decode()


def test_reschedule_and_cancel_pages(cast, paediatrician, admin_client):
    sessions = make_clinic(cast, paediatrician, weeks=2).sessions
    assessment = new_request(cast)
    services.slot_book(
        slot=sessions[0].slots.first(), assessment=assessment, booked_by=cast.health_admin_a
    )
    target = sessions[1].slots.first()
    bad = admin_client.post(
        f"/clinics/assessments/{assessment.pk}/reschedule/", {"slot": target.pk}
    )
    assert bad.status_code == 400 and "reason" in bad.content.decode()
    response = admin_client.post(
        f"/clinics/assessments/{assessment.pk}/reschedule/",
        {"slot": target.pk, "reason": "CARER", "note": "Holiday"},
    )
    assert response.status_code == 302
    assert list(
        Appointment.objects.filter(assessment=assessment).values_list("outcome", "cancelled_by")
    ) == [
        ("CANCELLED", "CARER"),
        ("BOOKED", ""),
    ]
    response = admin_client.post(
        f"/clinics/assessments/{assessment.pk}/cancel/", {"cancelled_by": "HEALTH"}
    )
    assert response.status_code == 302
    assert not Booking.objects.filter(
        appointment__assessment=assessment, released_at__isnull=True
    ).exists()


def test_cancelling_a_clinic_prompts_rebooking(cast, paediatrician, admin_client):
    session = make_clinic(cast, paediatrician).sessions[0]
    assessment = new_request(cast, first_name="Leo", last_name="Price")
    services.slot_book(
        slot=session.slots.first(), assessment=assessment, booked_by=cast.health_admin_a
    )
    response = admin_client.post(
        f"/clinics/sessions/{session.pk}/cancel/", {"reason": "Clinician ill"}, follow=True
    )
    page = response.content.decode()
    assert "Rebook 1 children: Leo Price" in page
    assert "Rebook: cancelled by health" in page


def test_the_week_diary_and_day_list_show_the_children(cast, paediatrician, admin_client):
    session = make_clinic(cast, paediatrician).sessions[0]
    services.slot_book(
        slot=session.slots.first(),
        assessment=new_request(cast, first_name="Amira", last_name="Khan"),
        booked_by=cast.health_admin_a,
    )
    admin_client.get("/clinics/")  # the first request of a session also writes the session
    with CaptureQueriesContext(connection) as few:
        diary = admin_client.get("/clinics/?week=2026-03-02").content.decode()
    assert ">AK<" in diary and diary.count("Free") >= 2
    make_clinic(cast, paediatrician, day=TUESDAY + timedelta(days=1))
    with CaptureQueriesContext(connection) as more:
        admin_client.get("/clinics/?week=2026-03-02")
    assert len(more) == len(few)
    day = admin_client.get(
        f"/clinics/day/?clinician={paediatrician.pk}&date=2026-03-03"
    ).content.decode()
    assert "Amira Khan" in day and "Record the outcome" in day


def test_the_missed_appointments_tracker(cast, paediatrician, admin_client):
    from apps.assessments.services import appointment_record_outcome

    assessment = new_request(cast, first_name="Noah", last_name="Bell")
    appointment = Appointment.objects.create(
        assessment=assessment, appointment_date=date(2026, 2, 26), booked_on=date(2026, 2, 24)
    )
    appointment_record_outcome(
        appointment=appointment,
        outcome="WAS_NOT_BROUGHT",
        recorded_by=cast.health_admin_a,
        recorded_on=TODAY,
    )
    rows = selectors.missed_appointments(cast.health_admin_a)
    assert [(r.appointment.assessment_id, r.follow_up_due, r.rebooked_for) for r in rows] == [
        (assessment.pk, date(2026, 3, 5), None)
    ]
    page = admin_client.get("/clinics/missed/").content.decode()
    assert "Noah Bell" in page and "5 Mar 2026" in page


def _twelve_due_in_week_3(cast, paediatrician):
    # Week 3 runs from Monday 16 March; entries on 16-20 February give IHA deadlines 16-20 March.
    requests = [
        new_request(
            cast, entry=date(2026, 2, 16) + timedelta(days=i % 5), sent_on=date(2026, 2, 23)
        )
        for i in range(12)
    ]
    sessions = make_clinic(
        cast, paediatrician, day=date(2026, 3, 17), start_time=time(9), end_time=time(17)
    ).sessions
    assert sessions[0].slots.count() == 8
    return requests


def test_forecast_12_ihas_due_in_week_3_against_8_slots_lists_4_children(cast, paediatrician):
    requests = _twelve_due_in_week_3(cast, paediatrician)
    [result] = selectors.capacity(cast.health_admin_a, providers=[cast.provider_a], today=TODAY)
    week3 = result.weeks[2]
    assert (week3.iha_due, week3.supply.iha, week3.shortfall) == (12, 8, 4)
    latest = sorted(requests, key=lambda a: (a.due_date, a.pk))[-4:]
    assert {d.key for d in week3.breaches} == {a.pk for a in latest}
    assert [a.pk for _, _, a in result.breach_rows] == [d.key for d in week3.breaches]
    assert all(not w.breaches for w in result.weeks if w.week != 3)
    # The 12 entries of the last year forecast about one new IHA every four weeks, from week
    # 5 on (an entry from today has its deadline four weeks later); with no slots, they lose.
    assert [w.forecast_iha for w in result.weeks] == forecast.forecast_per_week(12, 12)
    assert [w.forecast_breaches for w in result.weeks] == [w.forecast_iha for w in result.weeks]
    assert sum(w.forecast_iha for w in result.weeks[:4]) == 0


def test_forecast_queries_do_not_grow_with_children(cast, paediatrician):
    _twelve_due_in_week_3(cast, paediatrician)
    with CaptureQueriesContext(connection) as few:
        selectors.capacity(cast.health_admin_a, providers=[cast.provider_a], today=TODAY)
    for _ in range(10):
        new_request(cast, entry=date(2026, 2, 17))
    with CaptureQueriesContext(connection) as more:
        selectors.capacity(
            cast.health_admin_a, providers=[cast.provider_a, cast.provider_b], today=TODAY
        )
    assert len(more) == len(few) <= 6


def test_the_forecast_counts_an_iha_not_yet_requested_for_the_serving_provider(cast, paediatrician):
    from apps.children import services as children_services
    from tests.factories import ChildFactory

    child = ChildFactory(responsible_la=cast.our_la, team=cast.team_a)
    children_services.period_of_care_start(
        child=child, start_date=date(2026, 2, 16), legal_status="C2", started_by=cast.social_worker
    )
    [result] = selectors.capacity(cast.health_admin_a, providers=[cast.provider_a], today=TODAY)
    week3 = result.weeks[2]
    assert week3.iha_due == 1 and week3.shortfall == 1
    # Not yet referred, so the provider's staff cannot see who it is.
    assert [a for _, _, a in result.breach_rows] == [None]


def test_capacity_page_csv_and_home_line(cast, paediatrician, admin_client):
    _twelve_due_in_week_3(cast, paediatrician)
    page = admin_client.get("/clinics/capacity/").content.decode()
    assert "Predicted breaches unless more slots are added" in page
    csv_text = admin_client.get(
        f"/clinics/capacity.csv?provider={cast.provider_a.pk}"
    ).content.decode()
    lines = csv_text.splitlines()
    assert lines[0].startswith("provider,week,week_starts") and len(lines) == 13
    assert lines[3].split(",")[1:] == ["3", "2026-03-16", "12", "0", "0", "8", "0", "0", "4"]
    assert (
        "Clinic capacity is short" in admin_client.get("/clinics/capacity/line/").content.decode()
    )
    assert 'hx-get="/clinics/capacity/line/"' in admin_client.get("/").content.decode()
    assert signed_in_client(cast.social_worker).get("/clinics/capacity/").status_code == 404
    # The designated nurse reads the forecast of the providers serving the commissioner's area.
    designated = signed_in_client(cast.designated)
    assert "Clinic capacity is short" in designated.get("/clinics/capacity/line/").content.decode()
    assert designated.get("/clinics/capacity/").status_code == 200
    assert "capacity/line" not in signed_in_client(cast.social_worker).get("/").content.decode()


def test_capacity_api(cast, paediatrician, api):
    _twelve_due_in_week_3(cast, paediatrician)
    client = api(cast.health_admin_a)
    response = client.get(f"/api/v1/capacity/?provider={cast.provider_a.pk}&weeks=4")
    assert response.status_code == 200
    [provider] = response.json()
    assert len(provider["weeks"]) == 4
    week3 = provider["weeks"][2]
    assert (week3["iha_due"], week3["free_iha_slots"], week3["shortfall"]) == (12, 8, 4)
    assert len(week3["predicted_breaches"]) == 4 and week3["predicted_breaches"][0]["child"]
    assert client.get("/api/v1/capacity/?weeks=99").status_code == 400
    bad = client.get(f"/api/v1/capacity/?provider={cast.provider_b.pk}")
    assert bad.status_code == 400 and "provider" in bad.json()
    assert api(cast.social_worker).get("/api/v1/capacity/").json() == []


def test_clinic_api_create_bulk_book_and_reschedule(cast, paediatrician, api):
    client = api(cast.health_admin_a)
    response = client.post(
        "/api/v1/clinics/sessions/",
        {
            "kind": "IHA",
            "first_date": "2026-03-03",
            "weeks": 2,
            "start_time": "09:00",
            "end_time": "12:00",
            "venue_name": "Ashford",
            "venue_address": "1 Station Road",
            "venue_postcode": "TN23 1AA",
            "clinician": paediatrician.pk,
            "clinician_role": "PAEDIATRICIAN",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    first, second = response.json()
    requests = [new_request(cast) for _ in range(2)]
    booked = client.post(
        f"/api/v1/clinics/sessions/{first['id']}/bulk-book/",
        {"assessments": [a.pk for a in requests]},
        format="json",
    )
    assert booked.status_code == 200 and len(booked.json()["booked"]) == 2
    free = client.get(f"/api/v1/clinics/slots/?free=true&session={second['id']}").json()
    assert free["count"] == 3
    moved = client.post(
        f"/api/v1/clinics/assessments/{requests[0].pk}/reschedule/",
        {"slot": free["results"][0]["id"], "reason": "ADMIN_CORRECTION", "note": "Wrong week"},
        format="json",
    )
    assert moved.status_code == 200 and moved.json()["appointment_date"] == "2026-03-10"
    bad = client.post(
        f"/api/v1/clinics/assessments/{requests[1].pk}/reschedule/",
        {"slot": 0, "reason": "CARER"},
        format="json",
    )
    assert bad.status_code == 400 and "slot" in bad.json()
    single = new_request(cast)
    book = client.post(
        f"/api/v1/clinics/assessments/{single.pk}/book/",
        {"slot": free["results"][1]["id"]},
        format="json",
    )
    assert book.status_code == 201
    again = client.post(
        f"/api/v1/clinics/assessments/{new_request(cast).pk}/book/",
        {"slot": free["results"][1]["id"]},
        format="json",
    )
    assert again.status_code == 400 and "slot" in again.json()
    cancel = client.post(
        f"/api/v1/clinics/sessions/{second['id']}/cancel/", {"reason": "Ill"}, format="json"
    )
    assert cancel.status_code == 200 and cancel.json()["cancelled_on"] == "2026-03-02"
    # Other organisations see none of it.
    assert api(cast.nurse_b).get("/api/v1/clinics/sessions/").json()["count"] == 0
    assert (
        api(cast.social_worker)
        .post(f"/api/v1/clinics/assessments/{single.pk}/book/", {"slot": 1}, format="json")
        .status_code
        == 404
    )
    assert Assessment.objects.count() >= 4
