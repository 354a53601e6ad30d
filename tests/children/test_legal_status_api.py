"""GET/POST /api/v1/children/{id}/legal-status-changes/: the same service and the same
roles as the page (the child's team writes; whoever sees the child reads; others 404)."""

from datetime import date

import pytest

from apps.children.models import LegalStatusChange
from tests.factories import ChildFactory, PeriodOfCareFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "social_worker",
    "social_worker_team_b",
    "social_worker_other_la",
    "manager",
    "performance_manager",
    "nurse_b",
    "designated",
    "auditor",
    "admin",
    "outsider",
]
SEES = {"social_worker", "manager", "performance_manager", "designated", "auditor"}
WRITES = {"social_worker", "manager"}


@pytest.fixture
def period(cast):
    child = ChildFactory(
        responsible_la=cast.our_la, team=cast.team_a, date_of_birth=date(2020, 1, 1)
    )
    return PeriodOfCareFactory(child=child, start_date=date(2024, 5, 1), legal_status="C2")


def _url(period):
    return f"/api/v1/children/{period.child_id}/legal-status-changes/"


@pytest.mark.parametrize("role", ROLES)
def test_recording_a_change_of_legal_status(api, cast, period, role):
    response = api(getattr(cast, role)).post(
        _url(period), {"start_date": "2024-11-01", "legal_status": "E1"}, format="json"
    )
    expected = 201 if role in WRITES else 403 if role in SEES else 404
    assert response.status_code == expected, response.content
    assert LegalStatusChange.objects.filter(period_of_care=period).exists() == (expected == 201)
    if expected == 201:
        assert response.json()["legal_status"] == "E1"
        assert response.json()["start_date"] == "2024-11-01"


@pytest.mark.parametrize("role", ROLES)
def test_listing_the_changes(api, cast, period, role):
    LegalStatusChange.objects.create(
        child=period.child, period_of_care=period, start_date=date(2024, 11, 1), legal_status="E1"
    )
    response = api(getattr(cast, role)).get(_url(period))
    assert response.status_code == (200 if role in SEES else 404)
    if response.status_code == 200:
        assert [(c["start_date"], c["legal_status"]) for c in response.json()] == [
            ("2024-11-01", "E1")
        ]


def test_the_services_rules_apply_and_name_the_field(api, cast, period):
    client = api(cast.social_worker)
    on_entry = client.post(
        _url(period), {"start_date": "2024-05-01", "legal_status": "E1"}, format="json"
    )
    assert on_entry.status_code == 400 and "start_date" in on_entry.json()
    same = client.post(
        _url(period), {"start_date": "2024-06-01", "legal_status": "C2"}, format="json"
    )
    assert same.status_code == 400 and "legal_status" in same.json()


def test_a_child_not_in_care_has_no_period_to_change(api, cast, period):
    period.end_date, period.reason_end = date(2024, 9, 1), "E11"
    period.save()
    response = api(cast.social_worker).post(
        _url(period), {"start_date": "2024-08-01", "legal_status": "E1"}, format="json"
    )
    assert response.status_code == 400 and "start_date" in response.json()


def test_the_endpoint_is_in_the_schema(api, cast):
    schema = api(cast.social_worker).get("/api/schema/").content.decode()
    assert "/api/v1/children/{id}/legal-status-changes/" in schema
    assert "/api/v1/children/{id}/team/" in schema
    assert "/api/v1/children/{id}/assessment-before-records/" in schema
