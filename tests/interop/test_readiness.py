"""SSDA903 readiness, live: on the child's page, in the API and on the performance manager's
page, from the child's records."""

from datetime import date

import pytest

from apps.assessments.models import SdqRecord
from apps.children.models import AnnualOutcome
from tests.factories import ChildFactory, PeriodOfCareFactory, PlacementFactory
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db


def _gappy_child(cast):
    """In care since 3 May 2025 in a placement (U1) with no URN and only a postcode
    district; no UPN; a girl whose mother status is not recorded."""
    child = ChildFactory(
        responsible_la=cast.our_la, team=cast.team_a, la_child_id="GAP1", sex="2", upn=""
    )
    period = PeriodOfCareFactory(child=child, start_date=date(2025, 5, 3), category_of_need="N1")
    PlacementFactory(period_of_care=period, place="U1", home_postcode="ME14 1XQ", urn="")
    return child


def _ready_child(cast):
    child = ChildFactory(
        responsible_la=cast.our_la,
        team=cast.team_a,
        la_child_id="OK1",
        upn="UN1",
        date_of_birth=date(2012, 2, 1),
    )
    period = PeriodOfCareFactory(child=child, start_date=date(2024, 5, 3), category_of_need="N1")
    PlacementFactory(
        period_of_care=period,
        place="U1",
        home_postcode="ME14 1XQ",
        placement_postcode="CT1 1AA",
        urn="SC123456",
    )
    AnnualOutcome.objects.create(
        child=child, year_ending=date(2026, 3, 31), convicted=False, substance_misuse=False
    )
    SdqRecord.objects.create(
        child=child, completed_on=date(2025, 10, 1), informant="CARER", total_score=11
    )
    return child


def test_the_api_says_what_the_return_needs_in_words_with_the_field(cast, api):
    child = _gappy_child(cast)

    response = api(cast.social_worker).get(
        f"/api/v1/children/{child.pk}/ssda903-readiness/?year=2026"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["year"], body["in_return"], body["ready"]) == ("2025/26", True, False)
    placement = child.placements.get()
    assert [(p["rules"], p["field"], p["record_id"]) for p in body["problems"]] == [
        (["442"], "child.upn", None),
        (["393", "607"], "child.is_mother", None),
        (["169", "179", "392a", "392c"], "placement.placement_postcode", placement.pk),
        (["218"], "placement.urn", placement.pk),
    ]
    assert body["problems"][3]["message"] == (
        "Placement from 3 May 2025 has no Ofsted URN: required for placement type U1 "
        "(XXXXXXX when the provider has none)."
    )


def test_a_complete_record_is_ready_including_the_oc2_items(cast, api):
    child = _ready_child(cast)

    body = (
        api(cast.social_worker)
        .get(f"/api/v1/children/{child.pk}/ssda903-readiness/?year=2026")
        .json()
    )

    assert (body["in_return"], body["ready"], body["problems"]) == (True, True, [])


def test_without_the_years_outcomes_the_oc2_items_are_asked_for(cast, api):
    child = _ready_child(cast)
    AnnualOutcome.objects.filter(child=child).delete()

    body = (
        api(cast.social_worker)
        .get(f"/api/v1/children/{child.pk}/ssda903-readiness/?year=2025/26")
        .json()
    )

    assert [(p["rules"], p["field"]) for p in body["problems"]] == [
        (["191"], "annual_outcome.substance_misuse"),
        (["543"], "annual_outcome.convicted"),
    ]


def test_a_child_not_in_the_years_return_has_nothing_to_fix(cast, api):
    child = _gappy_child(cast)

    body = (
        api(cast.social_worker)
        .get(f"/api/v1/children/{child.pk}/ssda903-readiness/?year=2025")
        .json()
    )

    assert (body["in_return"], body["ready"], body["problems"]) == (False, True, [])


def test_a_bad_year_is_a_400_naming_the_parameter(cast, api):
    child = _gappy_child(cast)
    response = api(cast.social_worker).get(
        f"/api/v1/children/{child.pk}/ssda903-readiness/?year=soon"
    )
    assert response.status_code == 400
    assert "year" in response.json()


def test_a_child_one_may_not_see_is_404(cast, api):
    child = _gappy_child(cast)
    response = api(cast.social_worker_other_la).get(
        f"/api/v1/children/{child.pk}/ssda903-readiness/?year=2026"
    )
    assert response.status_code == 404


def test_the_child_page_lists_what_the_return_needs(cast, time_machine):
    time_machine.move_to(date(2026, 2, 1))
    child = _gappy_child(cast)

    page = signed_in_client(cast.social_worker).get(f"/children/{child.pk}/").content.decode()

    assert "SSDA903 return 2025/26" in page
    assert "Placement from 3 May 2025 has no Ofsted URN" in page
    assert 'data-field="child.upn"' in page


def test_the_performance_page_counts_the_children_not_ready_and_lists_them(cast, time_machine):
    time_machine.move_to(date(2026, 2, 1))
    gappy = _gappy_child(cast)
    _ready_child(cast)
    AnnualOutcome.objects.update(year_ending=date(2026, 3, 31))

    client = signed_in_client(cast.performance_manager)
    page = client.get("/performance/ssda903-readiness/?year=2026").content.decode()

    assert "Children not ready for the 2025/26 return: 1" in page
    assert "Of 2 children in the return" in page
    assert f'href="/children/{gappy.pk}/">GAP1' in page
    assert ">OK1<" not in page
    only_442 = client.get("/performance/ssda903-readiness/?year=2026&rule=442").content.decode()
    assert "GAP1" in only_442


def test_the_performance_page_is_404_for_a_social_worker(cast):
    response = signed_in_client(cast.social_worker).get("/performance/ssda903-readiness/")
    assert response.status_code == 404
