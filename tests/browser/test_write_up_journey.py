"""Issue 14 end to end through the pages: the nurse finds the held assessment under
"awaiting write-up", writes it up over two sittings (the draft kept), signs off and returns
the report; the social worker opens the PDF (its text checked), marks it read, and completes
the health plan action they own."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from apps.assessments import services as assessment_services
from apps.assessments.models import Assessment
from apps.children import services as children_services
from apps.writeups.rules.sections import sections_for
from tests.factories import ChildFactory
from tests.helpers import choose, enter_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONDON = ZoneInfo("Europe/London")
HELD = date(2026, 1, 14)


def _held_iha(cast) -> Assessment:
    child = ChildFactory(
        responsible_la=cast.our_la,
        team=cast.team_a,
        first_name="Ella",
        last_name="Stone",
        date_of_birth=date(2012, 5, 1),
        sex="2",
    )
    period = children_services.period_of_care_start(
        child=child, start_date=date(2025, 12, 19), legal_status="C2", started_by=cast.social_worker
    )
    iha = Assessment.objects.get(period_of_care=period, kind="IHA")
    assessment_services.assessment_request(
        assessment=iha,
        sent_on=date(2025, 12, 22),
        provider=cast.provider_a,
        requested_by=cast.social_worker,
        consent_obtained_on=date(2025, 12, 22),
        request_complete_on=date(2025, 12, 22),
    )
    iha.refresh_from_db()
    assessment_services.assessment_complete(
        assessment=iha, held_on=HELD, clinician_role="PAEDIATRICIAN", completed_by=cast.nurse_a
    )
    return iha


def _save(page, state: str = "", reason: str = "") -> None:
    if state:
        choose(page, "state", state)
    if reason:
        page.fill("#id_reason", reason)
    page.get_by_role("button", name="Save draft and return to the list").click()
    page.wait_for_selector("h1:has-text('Write up the')")


def _sign_off(page) -> None:
    page.fill("#id_name", "Dr Priya Shah")
    choose(page, "role", "PAEDIATRICIAN")
    page.fill("#id_registration", "GMC 7654321")
    page.get_by_role("button", name="Sign off the write-up").click()


def test_write_up_over_two_sittings_sign_off_return_read_and_action(page, cast, login, screenshot):
    with time_machine.travel(datetime(2026, 1, 15, 10, tzinfo=LONDON), tick=True):
        iha = _held_iha(cast)
        base = f"/assessments/{iha.pk}/write-up"
        login(page, "nurse.a")
        page.goto("/assessments/write-ups/")
        page.get_by_test_id("awaiting-write-up").get_by_role("link", name="Ella Stone").click()
        page.get_by_role("link", name="Growth").click()
        page.fill("#id_height_cm", "158.5")
        page.fill("#id_weight_kg", "47.2")
        _save(page)  # a draft, no state chosen yet
        page.get_by_role("link", name="Vision").click()
        choose(page, "outcome", "no_concerns")
        _save(page, "completed")

        # The second sitting: a new session; the draft is still there.
        login(page, "nurse.a")
        page.goto(f"{base}/")
        assert "You have completed 1 of 15 sections" in page.content()
        assert page.locator("#status-growth").inner_text() == "In progress"
        page.get_by_role("link", name="Growth").click()
        assert page.input_value("#id_height_cm") == "158.5"
        assert "centile" in page.get_by_test_id("growth").inner_text()
        _save(page, "completed")
        for section in sections_for(13):
            if section.key in {"growth", "vision", "summary", "referrals"}:
                continue
            page.goto(f"{base}/sections/{section.key}/")
            _save(page, "not_assessed", "Seen by the school nurse last month")
        page.goto(f"{base}/sections/summary/")
        page.fill("#id_findings", "Healthy; needs a dentist near the placement.")
        _save(page, "completed")
        _sign_off(page)
        page.wait_for_selector("text=The write-up cannot be signed off yet")
        assert "Referrals made: complete the section" in page.content()
        page.goto(f"{base}/sections/referrals/")
        choose(page, "none_made", "no")
        _save(page, "completed")

        page.get_by_role("link", name="Add an action to the health plan").click()
        page.fill("#id_need", "No dentist near the placement")
        page.fill("#id_action", "Register with a dentist and book a check")
        choose(page, "owner_kind", "SOCIAL_WORKER")
        value = page.locator(
            "#id_owner_user option", has_text="(Social worker)"
        ).first.get_attribute("value")
        choose(page, "owner_user", value)
        enter_date(page, "#id_due_date", "2026-02-10")
        page.get_by_role("button", name="Add action").click()
        _sign_off(page)
        page.wait_for_selector("text=Signed off. The report is ready")
        screenshot(page, "writeup-signed-off")
        page.get_by_role("link", name="Back to Ella Stone").click()
        page.get_by_role("button", name="Return the report").click()
        page.wait_for_selector("text=Report returned to the social worker")

        login(page, "sw")
        page.goto("/assessments/write-ups/")
        assert "Register with a dentist" in page.get_by_test_id("my-actions").inner_text()
        page.get_by_test_id("unread-reports").get_by_role("link", name="Ella Stone").click()
        link = page.get_by_test_id("reports").get_by_role("link", name="Open the report (PDF)")
        response = page.request.get(link.first.get_attribute("href"))
        assert response.headers["content-type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(response.body()))
        text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
        assert "Ella Stone" in text and "Dr Priya Shah" in text and "GMC 7654321" in text
        assert "Register with a dentist and book a check" in text
        page.get_by_role("button", name="Mark as read").click()
        page.wait_for_selector("text=Marked as read")
        assert "Initial health assessment report read" in page.content()
        page.goto("/assessments/write-ups/")
        page.get_by_test_id("my-actions").get_by_role("link").first.click()
        choose(page, "status", "DONE")
        page.locator("main").get_by_role("button", name="Save").click()
        page.wait_for_selector("text=Action recorded")
        assert page.get_by_test_id("my-actions").count() == 0
