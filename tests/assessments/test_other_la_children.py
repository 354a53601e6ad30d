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


def test_provider_workload_counts_other_las_children_separately(cast, placed_here):
    from apps.assessments.selectors import provider_workload
    from apps.assessments.services import assessment_request
    from tests.helpers import signed_in_client

    iha = Assessment.objects.get(child=placed_here, kind="IHA")
    with time_machine.travel(date(2026, 1, 5), tick=False):
        assessment_request(
            assessment=iha,
            sent_on=date(2026, 1, 5),
            provider=cast.provider_a,
            requested_by=cast.health_admin_a,
        )
        ours = child_create(
            created_by=cast.social_worker,
            first_name="Our",
            last_name="Child",
            date_of_birth=date(2012, 1, 1),
            sex="2",
        )
        period_of_care_start(
            child=ours,
            start_date=date(2025, 12, 19),
            legal_status="C2",
            started_by=cast.social_worker,
        )
        assessment_request(
            assessment=Assessment.objects.get(child=ours, kind="IHA"),
            sent_on=date(2026, 1, 2),
            provider=cast.provider_a,
            requested_by=cast.social_worker,
        )
    figures = provider_workload(
        provider_id=cast.provider_a.pk, start=date(2026, 1, 1), end=date(2026, 1, 31)
    )
    assert (figures["received_ours"], figures["received_other_la"]) == (1, 1)
    assert (figures["open_ours"], figures["open_other_la"]) == (1, 1)
    response = signed_in_client(cast.health_admin_a).get("/workload/?from=2026-01-01&to=2026-01-31")
    assert response.status_code == 200
    assert signed_in_client(cast.social_worker).get("/workload/").status_code == 404
