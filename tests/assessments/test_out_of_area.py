"""Our children placed outside our area (DOMAIN.md 6): a referral to the receiving area's
provider is due 5 working days after the placement starts; the clocks keep running."""

from datetime import date

import pytest
import time_machine

from apps.assessments.models import Assessment, OutOfAreaReferral
from apps.assessments.services import assessment_request
from apps.children.services import child_create, period_of_care_start
from apps.placements.services import placement_start
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(date(2026, 1, 30), tick=False):
        yield


def _child_placed(cast, area):
    child = child_create(
        created_by=cast.social_worker,
        first_name="Omar",
        last_name="Away",
        date_of_birth=date(2014, 1, 1),
        sex="1",
    )
    period_of_care_start(
        child=child, start_date=date(2025, 12, 19), legal_status="C2", started_by=cast.social_worker
    )
    placement = placement_start(
        child=child,
        start_date=date(2025, 12, 19),
        place="U6",
        place_provider="PR4",
        area=area,
        started_by=cast.social_worker,
    )
    return child, placement


def _placed_and_requested(cast, area):
    """A child placed in ``area`` whose IHA has been requested from provider A."""
    child, placement = _child_placed(cast, area)
    iha = Assessment.objects.get(child=child, kind="IHA")
    assessment_request(
        assessment=iha,
        sent_on=date(2025, 12, 22),
        provider=cast.provider_a,
        requested_by=cast.social_worker,
    )
    return child, OutOfAreaReferral.objects.filter(placement=placement).first(), iha


def test_a_placement_outside_our_area_makes_a_referral_due_on_working_day_5(cast):
    child, placement = _child_placed(cast, cast.other_la)
    referral = OutOfAreaReferral.objects.get(placement=placement)
    assert referral.due_on == date(2025, 12, 30)  # 25, 26 December are bank holidays
    assert referral.child == child


def test_a_placement_in_our_own_area_makes_no_referral(cast):
    _child, placement = _child_placed(cast, cast.our_la)
    assert not OutOfAreaReferral.objects.filter(placement=placement).exists()


def test_a_move_from_out_of_area_to_another_out_of_area_placement_makes_a_second_referral(cast):
    child, _first = _child_placed(cast, cast.other_la)
    placement_start(
        child=child,
        start_date=date(2026, 1, 12),
        place="U4",
        place_provider="PR4",
        area=cast.other_la,
        started_by=cast.social_worker,
    )
    assert [r.due_on for r in OutOfAreaReferral.objects.filter(child=child)] == [
        date(2025, 12, 30),
        date(2026, 1, 19),
    ]


def test_provider_staff_record_the_referral_quality_assurance_and_escalation(cast, api):
    child, referral, iha = _placed_and_requested(cast, cast.other_la)
    client = api(cast.nurse_a)
    url = f"/api/v1/out-of-area-referrals/{referral.pk}"
    response = client.post(
        f"{url}/refer/", {"referred_on": "2026-01-02", "receiving_provider": "NQV"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "BREACHED"  # referred after 30 December
    response = client.post(
        f"{url}/quality-assurance/", {"outcome": "RETURNED", "on": "2026-01-06"}, format="json"
    )
    assert response.json()["qa_outcome"] == "RETURNED"
    response = client.post(
        f"{url}/escalate/",
        {"on": "2026-01-07", "note": "Receiving provider has not booked"},
        format="json",
    )
    assert response.json()["escalated_on"] == "2026-01-07"
    # The IHA clock kept running regardless.
    iha.refresh_from_db()
    assert iha.due_date == date(2026, 1, 21)


@pytest.mark.parametrize(
    "role,status",
    [
        ("nurse_a", 200),
        ("health_admin_a", 200),
        ("social_worker", 403),
        ("nurse_b", 404),
        ("designated", 403),
    ],
)
def test_who_may_record_a_referral(cast, api, role, status):
    _child_placed(cast, cast.our_la)
    _other_child, referral, _iha = _placed_and_requested(cast, cast.other_la)
    response = api(getattr(cast, role)).post(
        f"/api/v1/out-of-area-referrals/{referral.pk}/refer/",
        {"referred_on": "2026-01-02", "receiving_provider_name": "Other trust"},
        format="json",
    )
    assert response.status_code == status


def test_bad_referral_input_names_the_field(cast, api):
    child, referral, iha = _placed_and_requested(cast, cast.other_la)
    url = f"/api/v1/out-of-area-referrals/{referral.pk}/refer/"
    response = api(cast.nurse_a).post(url, {"referred_on": "2026-01-02"}, format="json")
    assert response.status_code == 400 and "receiving_provider_name" in response.json()
    response = api(cast.nurse_a).post(
        url, {"referred_on": "2025-12-01", "receiving_provider_name": "X"}, format="json"
    )
    assert response.status_code == 400 and "referred_on" in response.json()


def test_the_child_page_offers_the_referral_to_provider_staff(cast):
    child, referral, iha = _placed_and_requested(cast, cast.other_la)
    body = signed_in_client(cast.nurse_a).get(f"/children/{child.pk}/").content.decode()
    assert f"/referrals/{referral.pk}/record/" in body
    body = signed_in_client(cast.social_worker).get(f"/children/{child.pk}/").content.decode()
    assert "Out-of-area referrals" in body and f"/referrals/{referral.pk}/record/" not in body
    response = signed_in_client(cast.nurse_a).post(
        f"/referrals/{referral.pk}/record/",
        {"referred_on": "2026-01-02", "receiving_provider_name": "Sussex Community NHS Trust"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.referred_on == date(2026, 1, 2)
