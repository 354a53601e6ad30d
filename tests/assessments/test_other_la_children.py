"""Children placed in our area by other LAs (DOMAIN.md 6): the originating LA stays
responsible; our health admin may request their assessments on its behalf; our providers
carry them out; they are not in our LA's worklists or KPIs."""

from datetime import date

import pytest
import time_machine

from apps.assessments.models import Assessment
from apps.children.services import child_create, child_update, period_of_care_start
from apps.placements.services import placement_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed_here(cast):
    with time_machine.travel(date(2026, 1, 5), tick=False):
        child = child_create(
            created_by=cast.social_worker_other_la,
            first_name="Ola",
            last_name="Placed",
            date_of_birth=date(2012, 1, 1),
            sex="1",
        )
        period_of_care_start(
            child=child,
            start_date=date(2025, 12, 19),
            legal_status="C2",
            started_by=cast.social_worker_other_la,
        )
        placement_start(
            child=child,
            start_date=date(2025, 12, 19),
            place="U6",
            place_provider="PR2",
            area=cast.our_la,
            started_by=cast.social_worker_other_la,
        )
        child_update(
            child=child,
            updated_by=cast.social_worker_other_la,
            data={"ola_notified_on": date(2025, 12, 22)},
        )
    return child


def test_our_health_admin_requests_on_the_originating_las_behalf(cast, api, placed_here):
    iha = Assessment.objects.get(child=placed_here, kind="IHA")
    with time_machine.travel(date(2026, 1, 5), tick=False):
        response = api(cast.health_admin_a).post(
            f"/api/v1/assessments/{iha.pk}/request/",
            {"sent_on": "2026-01-05", "provider": "RYY"},
            format="json",
        )
    assert response.status_code == 200
    assert response.json()["provider"] == "RYY"
    # The originating LA stays responsible: our LA's performance manager does not see the child.
    assert (
        api(cast.performance_manager).get(f"/api/v1/children/{placed_here.pk}/").status_code == 404
    )
    assert (
        api(cast.social_worker_other_la)
        .get(f"/api/v1/children/{placed_here.pk}/")
        .json()["responsible_la"]
        == "887"
    )


def test_another_providers_admin_cannot_request_for_the_child(cast, api, placed_here):
    iha = Assessment.objects.get(child=placed_here, kind="IHA")
    response = api(cast.nurse_b).post(
        f"/api/v1/assessments/{iha.pk}/request/",
        {"sent_on": "2026-01-05", "provider": "NQV"},
        format="json",
    )
    assert response.status_code == 404


def test_a_nurse_of_our_provider_sees_the_child_but_does_not_send_requests(cast, api, placed_here):
    iha = Assessment.objects.get(child=placed_here, kind="IHA")
    assert api(cast.nurse_a).get(f"/api/v1/children/{placed_here.pk}/").status_code == 200
    response = api(cast.nurse_a).post(
        f"/api/v1/assessments/{iha.pk}/request/",
        {"sent_on": "2026-01-05", "provider": "RYY"},
        format="json",
    )
    assert response.status_code == 403
