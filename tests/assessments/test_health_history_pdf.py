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


def test_stored_text_is_printed_as_text_not_parsed_as_markup(cast, leaver, monkeypatch):
    """Issue 17, finding 5: a summary with <img src=...> made the server fetch the URL (SSRF)
    and an <a href> made a link in the PDF; a name with a stray '<' was a 500."""
    from apps.assessments.models import HealthHistory

    fetched = []
    import reportlab.lib.utils

    monkeypatch.setattr(
        reportlab.lib.utils, "open_for_read", lambda *args, **kwargs: fetched.append(args)
    )
    HealthHistory.objects.filter(child=leaver).update(
        summary='<img src="http://127.0.0.1:9/probe.png"/> <a href="https://phish.example">Click</a>'
    )
    type(leaver).objects.filter(pk=leaver.pk).update(first_name="Ann<a")
    response = signed_in_client(cast.nurse_a).get(f"/children/{leaver.pk}/health-history.pdf")
    assert response.status_code == 200
    body = response.content
    assert fetched == [], "nothing is fetched while rendering"
    assert b"/URI" not in body and b"/Link" not in body, "no link annotation in the PDF"
    # What was stored is printed as it was typed (the PDF draws it in runs: join them).
    import re

    text = b"".join(re.findall(rb"\((.*?)\) Tj", body))
    assert b"Your health history: Ann<a Leaver" in text
    assert b'<img src="http://127.0.0.1:9/probe.png"/> <a href="https://phish.example">' in text


def test_a_reference_with_header_characters_still_downloads(cast, leaver):
    type(leaver).objects.filter(pk=leaver.pk).update(la_child_id='A"1\r\nX')
    response = signed_in_client(cast.nurse_a).get(f"/children/{leaver.pk}/health-history.pdf")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="health-history-A1X.pdf"'
