"""The temporal rules enforced by the services that write the records (issue 13): the API
gives a 400 naming the field and the other date, the pages a GOV.UK error on the field."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from apps.assessments import services
from apps.assessments.models import Assessment
from apps.children import services as children_services
from apps.placements import services as placement_services
from tests.factories import ChildFactory
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 15)
ENTRY = date(2026, 11, 30)
ENTERED = "must be on or after the date the child entered care, 30 November 2026."


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def new_child(cast, **fields):
    return ChildFactory(
        **{
            "responsible_la": cast.our_la,
            "team": cast.team_a,
            "date_of_birth": date(2015, 6, 10),
            **fields,
        }
    )


def new_iha(cast, *, entry=ENTRY, **fields) -> Assessment:
    child = new_child(cast, **fields)
    period = children_services.period_of_care_start(
        child=child, start_date=entry, legal_status="C2", started_by=cast.social_worker
    )
    return Assessment.objects.get(period_of_care=period, kind="IHA")


def send(cast, iha, day):
    return services.assessment_request(
        assessment=iha, sent_on=day, provider=cast.provider_a, requested_by=cast.social_worker
    )


def test_the_issue_example_request_dated_1_november_for_entry_30_november_is_refused(api, cast):
    iha = new_iha(cast)
    response = api(cast.social_worker).post(
        f"/api/v1/assessments/{iha.pk}/request/",
        {"sent_on": "2026-11-01", "provider": cast.provider_a.code},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"sent_on": [f"The date the request was sent {ENTERED}"]}
    iha.refresh_from_db()
    assert iha.request_sent_on is None


def test_a_request_on_the_day_of_entry_is_accepted(api, cast):
    iha = new_iha(cast)
    response = api(cast.social_worker).post(
        f"/api/v1/assessments/{iha.pk}/request/",
        {"sent_on": "2026-11-30", "provider": cast.provider_a.code},
        format="json",
    )
    assert response.status_code == 200, response.json()
    iha.refresh_from_db()
    assert iha.request_sent_on == ENTRY


def test_the_request_page_shows_a_govuk_error_on_the_field(cast):
    iha = new_iha(cast)
    response = signed_in_client(cast.social_worker).post(
        f"/assessments/{iha.pk}/request/",
        {"sent_on": "2026-11-01", "provider": cast.provider_a.pk},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_sent_on"' in body
    assert f"The date the request was sent {ENTERED}" in body


def test_request_complete_before_it_was_sent_names_the_sent_date(cast):
    iha = new_iha(cast)
    send(cast, iha, date(2026, 12, 3))
    with pytest.raises(ValidationError) as error:
        services.assessment_request_complete(
            assessment=iha, complete_on=date(2026, 12, 2), recorded_by=cast.social_worker
        )
    assert "request_complete_on" in error.value.message_dict


def test_booking_before_entry_is_refused_naming_booked_on(cast):
    iha = new_iha(cast)
    send(cast, iha, ENTRY)
    with pytest.raises(ValidationError) as error:
        services.appointment_book(
            assessment=iha,
            appointment_date=date(2026, 12, 20),
            booked_on=date(2026, 11, 29),
            booked_by=cast.health_admin_a,
        )
    assert "booked_on" in error.value.message_dict


def test_held_before_the_request_is_complete_is_recorded(cast):
    iha = new_iha(cast)
    send(cast, iha, date(2026, 12, 1))
    services.assessment_complete(
        assessment=iha,
        held_on=date(2026, 12, 2),
        clinician_role="PAEDIATRICIAN",
        completed_by=cast.nurse_a,
    )
    iha.refresh_from_db()
    assert iha.held_on == date(2026, 12, 2)
    assert iha.request_complete_on is None


def test_dental_check_before_birth_names_the_date_of_birth(api, cast):
    child = new_child(cast)
    children_services.period_of_care_start(
        child=child, start_date=ENTRY, legal_status="C2", started_by=cast.social_worker
    )
    with pytest.raises(ValidationError) as error:
        services.dental_check_record(
            child=child, checked_on=date(2015, 6, 9), recorded_by=cast.nurse_a
        )
    assert error.value.message_dict == {
        "checked_on": [
            "The dental check date must be on or after the child's date of birth, 10 June 2015."
        ]
    }


def test_sdq_in_the_future_is_refused(cast):
    child = new_child(cast)
    with pytest.raises(ValidationError) as error:
        services.sdq_record(
            child=child,
            completed_on=date(2026, 12, 16),
            recorded_by=cast.nurse_a,
            informant="CARER",
            total_score=10,
        )
    assert "completed_on" in error.value.message_dict
    assert "15 December 2026" in error.value.message_dict["completed_on"][0]


def test_a_placement_before_entry_names_the_entry_date(cast):
    child = new_child(cast)
    children_services.period_of_care_start(
        child=child, start_date=ENTRY, legal_status="C2", started_by=cast.social_worker
    )
    with pytest.raises(ValidationError) as error:
        placement_services.placement_start(
            child=child,
            start_date=date(2026, 11, 29),
            place="U1",
            place_provider="PR1",
            area=cast.our_la,
            started_by=cast.social_worker,
        )
    assert error.value.message_dict == {"start_date": [f"The placement start date {ENTERED}"]}


def test_moving_entry_after_the_request_is_refused_and_rolled_back(cast):
    iha = new_iha(cast)
    send(cast, iha, date(2026, 12, 1))
    period = iha.period_of_care
    with pytest.raises(ValidationError) as error:
        children_services.period_of_care_update(
            period=period, updated_by=cast.social_worker, data={"start_date": date(2026, 12, 2)}
        )
    assert "start_date" in error.value.message_dict
    assert "2 December 2026" in error.value.message_dict["start_date"][0]
    period.refresh_from_db()
    assert period.start_date == ENTRY


def test_a_date_of_birth_that_puts_the_18th_birthday_before_an_event_is_refused(cast):
    iha = new_iha(cast)
    send(cast, iha, date(2026, 12, 1))
    child = iha.child
    with pytest.raises(ValidationError) as error:
        children_services.child_update(
            child=child, updated_by=cast.social_worker, data={"date_of_birth": date(2008, 11, 1)}
        )
    assert "date_of_birth" in error.value.message_dict
    assert "18th birthday, 1 November 2026" in error.value.message_dict["date_of_birth"][0]
    child.refresh_from_db()
    assert child.date_of_birth == date(2015, 6, 10)
