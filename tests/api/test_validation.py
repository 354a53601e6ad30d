"""Bad input gets a 400 naming the field, never a 500 (DOMAIN.md 10)."""

from datetime import date

import pytest
import time_machine
from django.db import IntegrityError, transaction

from apps.placements.models import Placement
from tests.factories import ChildFactory, PeriodOfCareFactory, PlacementFactory

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 2)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(date(2025, 6, 2), tick=False):
        yield


def _create(api, cast, **overrides):
    body = {"first_name": "Amy", "last_name": "Lee", "date_of_birth": "2016-04-05", "sex": "2"}
    body.update(overrides)
    return api(cast.social_worker).post("/api/v1/children/", body, format="json")


@pytest.mark.parametrize(
    "nhs_number,message",
    [
        ("9434765918", "check digit"),
        ("943476591", "10 digits"),
        ("94347659191", "10 digits"),
        ("ABCDEFGHIJ", "10 digits"),
        ("4444444444", "same digit"),
        ("0000000000", "same digit"),
    ],
)
def test_invalid_nhs_number_is_refused_naming_the_field(api, cast, nhs_number, message):
    response = _create(api, cast, nhs_number=nhs_number)
    assert response.status_code == 400
    assert message in " ".join(response.json()["nhs_number"])


def test_nhs_number_with_spaces_is_stored_as_ten_digits(api, cast):
    response = _create(api, cast, nhs_number="943 476 5919")
    assert response.status_code == 201
    assert response.json()["nhs_number"] == "9434765919"


def test_duplicate_nhs_number_is_refused(api, cast):
    assert _create(api, cast, nhs_number="9434765919").status_code == 201
    response = _create(api, cast, nhs_number="9434765919")
    assert response.status_code == 400
    assert "already" in response.json()["nhs_number"][0]


@pytest.mark.parametrize(
    "field,value",
    [
        ("date_of_birth", "2025-06-03"),
        ("date_of_birth", "31/02/2020"),
        ("date_of_birth", "2021-02-29"),
        ("sex", "9"),
        ("ethnicity", "XXXX"),
        ("first_name", ""),
    ],
)
def test_impossible_values_are_refused_naming_the_field(api, cast, field, value):
    response = _create(api, cast, **{field: value})
    assert response.status_code == 400
    assert field in response.json()


def test_arrival_before_birth_is_refused(api, cast):
    response = _create(api, cast, is_uasc=True, uasc_arrival_date="2015-01-01")
    assert response.status_code == 400
    assert "uasc_arrival_date" in response.json()


def test_garbage_json_is_a_400_not_a_500(api, cast):
    client = api(cast.social_worker)
    response = client.post("/api/v1/children/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_entry_to_care_before_birth_is_refused(api, cast):
    child = ChildFactory(
        responsible_la=cast.our_la, team=cast.team_a, date_of_birth=date(2020, 1, 1)
    )
    response = api(cast.social_worker).post(
        "/api/v1/periods-of-care/",
        {"child": child.pk, "start_date": "2019-12-31", "legal_status": "C1"},
        format="json",
    )
    assert response.status_code == 400
    assert "date of birth" in response.json()["start_date"][0]


def test_entry_to_care_in_the_future_is_refused(api, cast):
    child = ChildFactory(responsible_la=cast.our_la, team=cast.team_a)
    response = api(cast.social_worker).post(
        "/api/v1/periods-of-care/",
        {"child": child.pk, "start_date": "2025-06-03", "legal_status": "C1"},
        format="json",
    )
    assert response.status_code == 400
    assert "future" in response.json()["start_date"][0]


def test_second_open_period_of_care_is_refused(api, cast):
    child = ChildFactory(responsible_la=cast.our_la, team=cast.team_a)
    PeriodOfCareFactory(child=child, start_date=date(2025, 1, 6))
    response = api(cast.social_worker).post(
        "/api/v1/periods-of-care/",
        {"child": child.pk, "start_date": "2025-03-03", "legal_status": "C1"},
        format="json",
    )
    assert response.status_code == 400
    assert "open period of care" in response.json()["start_date"][0]


def test_period_ending_before_it_starts_is_refused(api, cast):
    period = PeriodOfCareFactory(child__responsible_la=cast.our_la, child__team=cast.team_a)
    response = api(cast.social_worker).post(
        f"/api/v1/periods-of-care/{period.pk}/end/",
        {"end_date": "2024-12-31", "reason_end": "E4A"},
        format="json",
    )
    assert response.status_code == 400
    assert "end_date" in response.json()


def test_ending_care_ends_the_open_placement_the_same_day(api, cast):
    placement = PlacementFactory(
        period_of_care__child__responsible_la=cast.our_la, period_of_care__child__team=cast.team_a
    )
    response = api(cast.social_worker).post(
        f"/api/v1/periods-of-care/{placement.period_of_care_id}/end/",
        {"end_date": "2025-04-30", "reason_end": "E13"},
        format="json",
    )
    assert response.status_code == 200
    placement.refresh_from_db()
    assert placement.end_date == date(2025, 4, 30)


def test_new_placement_ends_the_current_one_on_its_start_date(api, cast):
    placement = PlacementFactory(
        period_of_care__child__responsible_la=cast.our_la, period_of_care__child__team=cast.team_a
    )
    response = api(cast.social_worker).post(
        "/api/v1/placements/",
        {
            "child": placement.child_id,
            "start_date": "2025-03-10",
            "place": "K2",
            "place_provider": "PR4",
            "area": "886",
        },
        format="json",
    )
    assert response.status_code == 201
    placement.refresh_from_db()
    assert placement.end_date == date(2025, 3, 10)
    assert Placement.objects.filter(child=placement.child, end_date__isnull=True).count() == 1


def test_placement_starting_before_the_current_one_is_refused(api, cast):
    placement = PlacementFactory(
        period_of_care__child__responsible_la=cast.our_la,
        period_of_care__child__team=cast.team_a,
        start_date=date(2025, 2, 1),
    )
    response = api(cast.social_worker).post(
        "/api/v1/placements/",
        {
            "child": placement.child_id,
            "start_date": "2025-01-20",
            "place": "U6",
            "place_provider": "PR1",
            "area": "886",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "start_date" in response.json()
    assert Placement.objects.filter(child=placement.child, end_date__isnull=True).count() == 1


def test_placement_without_care_is_refused(api, cast):
    child = ChildFactory(responsible_la=cast.our_la, team=cast.team_a)
    response = api(cast.social_worker).post(
        "/api/v1/placements/",
        {
            "child": child.pk,
            "start_date": "2025-01-20",
            "place": "U6",
            "place_provider": "PR1",
            "area": "886",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "entry to care" in response.json()["start_date"][0]


@pytest.mark.parametrize(
    "field,value",
    [
        ("place", "Q9"),
        ("place_provider", "PR9"),
        ("area", "RYY"),
        ("postcode_district", "not a district"),
    ],
)
def test_placement_codes_are_checked(api, cast, field, value):
    period = PeriodOfCareFactory(child__responsible_la=cast.our_la, child__team=cast.team_a)
    body = {
        "child": period.child_id,
        "start_date": "2025-01-20",
        "place": "U6",
        "place_provider": "PR1",
        "area": "886",
    }
    body[field] = value
    response = api(cast.social_worker).post("/api/v1/placements/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_the_database_refuses_a_second_open_placement(cast):
    placement = PlacementFactory(
        period_of_care__child__responsible_la=cast.our_la, period_of_care__child__team=cast.team_a
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PlacementFactory(period_of_care=placement.period_of_care, start_date=date(2025, 2, 1))


def test_the_database_refuses_a_placement_ending_before_it_starts(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        PlacementFactory(
            period_of_care__child__responsible_la=cast.our_la,
            start_date=date(2025, 2, 1),
            end_date=date(2025, 1, 31),
        )


def test_stale_edit_gets_409_and_changes_nothing(api, cast):
    child = ChildFactory(responsible_la=cast.our_la, team=cast.team_a, first_name="Before")
    client = api(cast.social_worker)
    first = client.patch(
        f"/api/v1/children/{child.pk}/",
        {"first_name": "One", "version": 1, "reason": "Typing error"},
        format="json",
    )
    assert first.status_code == 200
    assert first.json()["version"] == 2
    second = client.patch(
        f"/api/v1/children/{child.pk}/",
        {"first_name": "Two", "version": 1, "reason": "Typing error"},
        format="json",
    )
    assert second.status_code == 409
    child.refresh_from_db()
    assert child.first_name == "One"


def test_team_of_another_organisation_is_refused(api, cast):
    response = _create(api, cast, team=cast.other_team.pk)
    assert response.status_code == 400
    assert "team" in response.json()
