"""A placement's area and the ONS postcode directory: the DfE's validator finds the
placement's local authority (SSDA903 PL_LA) from the placement postcode, so the area is found
from it when not given, and a given area the postcode contradicts is refused, naming both."""

from datetime import date

import pytest
import time_machine

from apps.placements.models import Placement
from tests.factories import PlacementFactory

pytestmark = pytest.mark.django_db

CANTERBURY, CHATHAM = "CT1 1AA", "ME4 4TR"  # Kent, Medway


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(date(2026, 3, 2), tick=False):
        yield


@pytest.fixture
def current(cast):
    return PlacementFactory(
        period_of_care__child__responsible_la=cast.our_la,
        period_of_care__child__team=cast.team_a,
        period_of_care__start_date=date(2025, 9, 1),
        start_date=date(2025, 9, 1),
        area=cast.our_la,
    )


def _start(api, cast, current, **values):
    body = {
        "child": current.child_id,
        "start_date": "2026-01-10",
        "place": "K2",
        "place_provider": "PR4",
        "urn": "SC123456",
        **values,
    }
    return api(cast.social_worker).post("/api/v1/placements/", body, format="json")


def test_with_no_area_the_area_is_found_from_the_placement_postcode(api, cast, current):
    response = _start(api, cast, current, placement_postcode=CHATHAM)
    assert response.status_code == 201, response.json()
    assert response.json()["area"] == "887"
    assert response.json()["out_of_area"] is True
    assert Placement.objects.get(pk=response.json()["id"]).area == cast.other_la


def test_a_postcode_in_our_own_area_is_in_area(api, cast, current):
    response = _start(api, cast, current, placement_postcode="ct1 1aa")
    assert response.status_code == 201, response.json()
    assert (response.json()["area"], response.json()["out_of_area"]) == ("886", False)


def test_an_area_the_postcode_contradicts_is_refused_naming_both(api, cast, current):
    response = _start(api, cast, current, area="886", placement_postcode=CHATHAM)
    assert response.status_code == 400
    assert response.json()["area"] == [
        "The placement postcode ME4 4TR is in Medway Council, not Kent County Council: choose "
        "Medway Council, or check the postcode."
    ]
    assert Placement.objects.filter(child_id=current.child_id).count() == 1


def test_the_area_given_stands_when_the_postcode_agrees_or_is_not_listed(api, cast, current):
    assert _start(api, cast, current, area="886", placement_postcode=CANTERBURY).status_code == 201
    later = _start(
        api, cast, current, area="886", placement_postcode="CT1 0AA", start_date="2026-02-01"
    )
    assert later.status_code == 201, later.json()


def test_a_postcode_in_an_area_not_set_up_here_needs_the_area(api, cast, current):
    response = _start(api, cast, current, placement_postcode="EH1 1YZ")  # Edinburgh
    assert response.status_code == 400
    assert response.json()["area"] == [
        "The placement postcode is in Scotland, which is not set up here: choose the local "
        "authority area where the child lives."
    ]


def test_no_area_and_no_postcode_asks_for_the_area(api, cast, current):
    response = _start(api, cast, current)
    assert response.status_code == 400
    assert response.json()["area"] == ["Choose the local authority area where the child lives."]


def test_correcting_the_postcode_to_another_area_is_refused_until_the_area_is_corrected(
    api, cast, current
):
    client = api(cast.social_worker)
    url = f"/api/v1/placements/{current.pk}/"
    refused = client.patch(
        url, {"placement_postcode": CHATHAM, "reason": "Postcode typed wrong"}, format="json"
    )
    assert refused.status_code == 400
    assert "is in Medway Council, not Kent County Council" in refused.json()["area"][0]
    both = client.patch(
        url,
        {"placement_postcode": CHATHAM, "area": "887", "reason": "Moved to Medway"},
        format="json",
    )
    assert both.status_code == 200, both.json()
    assert both.json()["area"] == "887"
