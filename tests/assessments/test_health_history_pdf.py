"""The care leaver's printable health history (DOMAIN.md 4)."""

from datetime import date

import pytest
import time_machine

from apps.assessments.models import Assessment
from apps.assessments.services import assessment_complete, assessment_request, health_history_record
from apps.children.services import child_create, period_of_care_start
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaver(cast):
    with time_machine.travel(date(2026, 3, 2), tick=False):
        child = child_create(
            created_by=cast.social_worker,
            first_name="Lena",
            last_name="Leaver",
            date_of_birth=date(2008, 6, 1),
            sex="2",
            nhs_number="9434765919",
        )
        period_of_care_start(
            child=child,
            start_date=date(2026, 1, 5),
            legal_status="C2",
            started_by=cast.social_worker,
        )
        iha = Assessment.objects.get(child=child, kind="IHA")
        assessment_request(
            assessment=iha,
            sent_on=date(2026, 1, 6),
            provider=cast.provider_a,
            requested_by=cast.social_worker,
        )
        assessment_complete(
            assessment=iha,
            held_on=date(2026, 1, 20),
            clinician_role="PAEDIATRICIAN",
            completed_by=cast.nurse_a,
            immunisation_status="UP_TO_DATE",
            health_plan_summary="Plan",
            health_plan_actions=[{"need": "Eye test", "action": "Book optician", "owner": "Lena"}],
        )
        health_history_record(
            child=child,
            provided_on=date(2026, 3, 1),
            summary="Asthma, well controlled.",
            written_by=cast.nurse_a,
        )
    return child


def test_the_pdf_is_generated_from_the_record(cast, leaver):
    response = signed_in_client(cast.nurse_a).get(f"/children/{leaver.pk}/health-history.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF")
    for text in (
        b"Lena Leaver",
        b"9434765919",
        b"Asthma, well controlled.",
        b"20 January 2026",
        b"up to date",
        b"Book optician",
    ):
        assert text in body


@pytest.mark.parametrize(
    "role,status",
    [("social_worker", 200), ("nurse_a", 200), ("nurse_b", 404), ("social_worker_team_b", 404)],
)
def test_who_may_download_it(cast, leaver, role, status):
    assert (
        signed_in_client(getattr(cast, role))
        .get(f"/children/{leaver.pk}/health-history.pdf")
        .status_code
        == status
    )
