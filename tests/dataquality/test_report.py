"""The data-quality report (issue 13): rows already held that break the temporal rules,
listed by child with the rule in words and counts per rule; nothing rewritten."""

from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from apps.assessments.models import Assessment
from apps.children import services as children_services
from tests.factories import ChildFactory
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db

ENTRY = date(2026, 11, 30)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(date(2026, 12, 15), tick=False):
        yield


def as_imported(queryset, **values) -> None:
    """A row as an SSDA903 import or an older version left it, past the database's rules."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        queryset.update(**values)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


@pytest.fixture
def broken(cast) -> Assessment:
    child = ChildFactory(
        responsible_la=cast.our_la,
        team=cast.team_a,
        date_of_birth=date(2015, 6, 10),
        la_child_id="BROKEN1",
        first_name="Ann",
        last_name="Early",
    )
    period = children_services.period_of_care_start(
        child=child, start_date=ENTRY, legal_status="C2", started_by=cast.social_worker
    )
    iha = Assessment.objects.get(period_of_care=period, kind="IHA")
    as_imported(Assessment.objects.filter(pk=iha.pk), request_sent_on=date(2026, 11, 1))
    # A second child whose dates agree is checked and not listed.
    fine = ChildFactory(responsible_la=cast.our_la, team=cast.team_a, la_child_id="FINE1")
    children_services.period_of_care_start(
        child=fine, start_date=ENTRY, legal_status="C2", started_by=cast.social_worker
    )
    return iha


def test_the_command_lists_the_child_the_rule_in_words_and_the_counts(broken):
    out = StringIO()
    call_command("date_quality_report", stdout=out)
    text = out.getvalue()
    assert "BROKEN1 Ann Early" in text
    assert (
        "IHA: The date the request was sent must be on or after the date the child entered "
        "care, 30 November 2026." in text
    )
    assert "FINE1" not in text
    assert "Children checked: 2; with contradictory dates: 1; contradictions: 1" in text
    assert "     1  An assessment event before the start of its period of care" in text
    broken.refresh_from_db()
    assert broken.request_sent_on == date(2026, 11, 1)  # nothing rewritten


def test_the_command_on_clean_data_counts_zero(cast):
    out = StringIO()
    call_command("date_quality_report", "--counts-only", stdout=out)
    assert "contradictions: 0" in out.getvalue()


@pytest.mark.parametrize("role", ["performance_manager", "admin"])
def test_the_page_lists_the_child_for_the_performance_manager_and_admin(cast, broken, role):
    response = signed_in_client(getattr(cast, role)).get("/data-quality/dates/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "BROKEN1" in body and "FINE1" not in body
    assert "30 November 2026" in body
    assert "1 of 2 children, 1 contradiction" in body


@pytest.mark.parametrize(
    "role", ["social_worker", "manager", "nurse_a", "designated", "auditor", "health_admin_a"]
)
def test_the_page_is_403_for_other_roles(cast, broken, role):
    response = signed_in_client(getattr(cast, role)).get("/data-quality/dates/")
    assert response.status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get("/data-quality/dates/")
    assert response.status_code == 302
