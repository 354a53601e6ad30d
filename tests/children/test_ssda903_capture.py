"""The SSDA903 items asked where they become known: the child (UPN, mother), the period of
care (category of need at its start), the placement (postcodes, Ofsted URN, same carers, why
the previous one ended) and the year's outcomes, through the API and the forms."""

from datetime import date

import pytest
import time_machine

from apps.children.models import AnnualOutcome, Child
from apps.placements.models import Placement
from tests.factories import ChildFactory, PeriodOfCareFactory, PlacementFactory
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(date(2026, 2, 2), tick=False):
        yield


def test_a_child_recorded_through_the_api_carries_upn_and_mother_status(api, cast):
    response = api(cast.social_worker).post(
        "/api/v1/children/",
        {
            "first_name": "Amy",
            "last_name": "Lee",
            "date_of_birth": "2010-04-05",
            "sex": "2",
            "team": cast.team_a.pk,
            "upn": "A12345678901B",
            "is_mother": False,
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["upn"], body["is_mother"], body["mother_child_dob"]) == (
        "A12345678901B",
        False,
        None,
    )


def test_a_upn_not_in_the_dfe_form_is_refused_naming_the_field(api, cast):
    response = api(cast.social_worker).post(
        "/api/v1/children/",
        {
            "first_name": "Amy",
            "last_name": "Lee",
            "date_of_birth": "2010-04-05",
            "sex": "2",
            "upn": "12345",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "upn" in response.json()


def test_the_period_of_care_takes_its_category_of_need_at_the_start(api, cast):
    child = ChildFactory(responsible_la=cast.our_la, team=cast.team_a)

    response = api(cast.social_worker).post(
        "/api/v1/periods-of-care/",
        {
            "child": child.pk,
            "start_date": "2025-09-01",
            "legal_status": "C2",
            "category_of_need": "N2",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert (response.json()["category_of_need"], response.json()["reason_new_episode"]) == (
        "N2",
        "S",
    )


def test_a_placement_carries_postcodes_urn_and_why_the_previous_one_ended(api, cast):
    first = PlacementFactory(
        period_of_care__child__responsible_la=cast.our_la,
        period_of_care__child__team=cast.team_a,
        period_of_care__start_date=date(2025, 9, 1),
    )

    response = api(cast.social_worker).post(
        "/api/v1/placements/",
        {
            "child": first.child_id,
            "start_date": "2026-01-10",
            "place": "K2",
            "place_provider": "PR4",
            "area": "886",
            "home_postcode": "me14 1xq",
            "placement_postcode": "CT1 1AA",
            "urn": "sc123456",
            "previous_reason_place_change": "CARPL",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["home_postcode"], body["placement_postcode"], body["urn"]) == (
        "ME14 1XQ",
        "CT1 1AA",
        "SC123456",
    )
    first.refresh_from_db()
    assert (first.end_date, first.reason_place_change) == (date(2026, 1, 10), "CARPL")


def test_the_years_outcomes_are_recorded_and_completed_later(api, cast):
    child = ChildFactory(responsible_la=cast.our_la, team=cast.team_a)
    client = api(cast.social_worker)
    url = f"/api/v1/children/{child.pk}/annual-outcomes/"

    first = client.post(url, {"year_ending": "2026-03-31", "convicted": False}, format="json")
    second = client.post(
        url, {"year_ending": "2026-03-31", "substance_misuse": True}, format="json"
    )

    assert (first.status_code, second.status_code) == (201, 201)
    outcome = AnnualOutcome.objects.get(child=child)
    assert (outcome.convicted, outcome.substance_misuse, outcome.version) == (False, True, 2)
    assert [o["year_ending"] for o in client.get(url).json()] == ["2026-03-31"]


@pytest.mark.parametrize(
    ("year_ending", "message"), [("2026-03-30", "31 March"), ("2028-03-31", "not started")]
)
def test_an_outcome_year_that_is_not_one_is_refused(api, cast, year_ending, message):
    child = ChildFactory(responsible_la=cast.our_la, team=cast.team_a)
    response = api(cast.social_worker).post(
        f"/api/v1/children/{child.pk}/annual-outcomes/",
        {"year_ending": year_ending, "convicted": False},
        format="json",
    )
    assert response.status_code == 400
    assert message in str(response.json()["year_ending"])


def test_only_the_childs_team_records_outcomes(api, cast):
    child = ChildFactory(responsible_la=cast.our_la, team=cast.team_a)
    response = api(cast.performance_manager).post(
        f"/api/v1/children/{child.pk}/annual-outcomes/",
        {"year_ending": "2026-03-31", "convicted": False},
        format="json",
    )
    assert response.status_code == 403
    assert not AnnualOutcome.objects.exists()


def test_the_new_child_form_asks_for_the_return_items(cast):
    response = signed_in_client(cast.social_worker).post(
        "/children/new/",
        {
            "first_name": "Bea",
            "last_name": "Hill",
            "date_of_birth": "2011-03-03",
            "sex": "2",
            "ethnicity": "WBRI",
            "entry_date": "2026-01-05",
            "legal_status": "C2",
            "place": "U1",
            "place_provider": "PR1",
            "area": cast.our_la.pk,
            "placement_postcode": "CT1 1AA",
            "home_postcode": "ME14 1XQ",
            "urn": "SC123456",
            "upn": "UN2",
            "is_mother": "0",
            "category_of_need": "N1",
        },
    )

    assert response.status_code == 302
    child = Child.objects.get(last_name="Hill")
    assert (child.upn, child.is_mother) == ("UN2", False)
    assert child.periods_of_care.get().category_of_need == "N1"
    placement = child.placements.get()
    assert (placement.placement_postcode, placement.home_postcode, placement.urn) == (
        "CT1 1AA",
        "ME14 1XQ",
        "SC123456",
    )


def test_the_placement_form_records_why_the_previous_placement_ended(cast):
    period = PeriodOfCareFactory(
        child=ChildFactory(responsible_la=cast.our_la, team=cast.team_a),
        start_date=date(2025, 9, 1),
    )
    first = PlacementFactory(period_of_care=period)

    response = signed_in_client(cast.social_worker).post(
        f"/children/{period.child_id}/placements/new/",
        {
            "start_date": "2026-01-10",
            "place": "U4",
            "place_provider": "PR1",
            "area": cast.our_la.pk,
            "placement_postcode": "CT1 1AA",
            "urn": "SC654321",
            "previous_reason_place_change": "ALLEG",
        },
    )

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.reason_place_change == "ALLEG"
    assert Placement.objects.get(child=period.child, end_date__isnull=True).urn == "SC654321"


def test_the_years_outcomes_are_recorded_on_a_page_linked_from_the_readiness_list(cast):
    child = ChildFactory(
        responsible_la=cast.our_la, team=cast.team_a, upn="UN1", date_of_birth=date(2012, 5, 1)
    )
    period = PeriodOfCareFactory(child=child, start_date=date(2024, 5, 3), category_of_need="N1")
    PlacementFactory(
        period_of_care=period,
        place="U1",
        home_postcode="ME14 1XQ",
        placement_postcode="CT1 1AA",
        urn="SC123456",
    )
    client = signed_in_client(cast.social_worker)
    # 2 February 2026: the 2025/26 return, for which the child is looked after throughout.
    page = client.get(f"/children/{child.pk}/").content.decode()
    assert f'href="/children/{child.pk}/annual-outcomes/new/"' in page

    response = client.post(
        f"/children/{child.pk}/annual-outcomes/new/",
        {
            "year_ending": "2026",
            "convicted": "0",
            "substance_misuse": "1",
            "intervention_received": "1",
        },
    )

    assert response.status_code == 302
    outcome = AnnualOutcome.objects.get(child=child)
    assert (outcome.year_ending, outcome.convicted, outcome.substance_misuse) == (
        date(2026, 3, 31),
        False,
        True,
    )
    assert (outcome.intervention_received, outcome.intervention_offered) == (True, None)


def test_another_team_may_not_record_the_outcomes(cast):
    child = ChildFactory(responsible_la=cast.our_la, team=cast.team_a)
    response = signed_in_client(cast.social_worker_team_b).get(
        f"/children/{child.pk}/annual-outcomes/new/"
    )
    assert response.status_code == 404
