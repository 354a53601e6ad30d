"""Issue 14 end to end through the pages: health admin records the child attended (the held
date) and sees it "awaiting report"; the nurse finds it under "awaiting write-up", writes it
up over two sittings (the draft kept), signs off and returns the report; the social worker
opens the PDF (its text checked), marks it read, and completes the health plan action they
own. Screenshots of the write-up and of the PDF's first page go to /work/artifacts/loop/.
Then the manager's home counts an overdue action and links to the list, and the nurse
corrects an action with a reason."""

import io
from datetime import date, datetime
from pathlib import Path
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
ARTIFACTS = Path("/work/artifacts/loop")


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _pdf_first_page_png(content: bytes, name: str) -> Path | None:
    """The PDF's first page as a PNG for review (pypdfium2, a dev dependency); None when
    it is not installed (the text checks still run)."""
    try:
        import pypdfium2
    except ImportError:
        return None
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(content)
    path = ARTIFACTS / f"{name}.png"
    document[0].render(scale=1.5).to_pil().save(path)
    document.close()
    return path


def _booked_iha(cast) -> Assessment:
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
    assessment_services.appointment_book(
        assessment=iha,
        appointment_date=HELD,
        booked_on=date(2026, 1, 5),
        booked_by=cast.health_admin_a,
    )
    return Assessment.objects.get(pk=iha.pk)


def _worklist_row(page, child: str) -> str:
    return page.locator("#worklist tr", has_text=child).first.inner_text()


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
        iha = _booked_iha(cast)
        base = f"/assessments/{iha.pk}/write-up"
        # Health admin records the attendance of yesterday's appointment.
        login(page, "healthadmin")
        page.goto("/")
        assert "Record attendance" in _worklist_row(page, "Ella Stone")
        page.goto(f"/assessments/{iha.pk}/")
        page.get_by_role("link", name="Record what happened at the appointment").click()
        choose(page, "outcome", "ATTENDED")
        page.locator("main button[type=submit]").first.click()
        page.wait_for_selector("text=Appointment outcome recorded")
        iha.refresh_from_db()
        assert iha.held_on == HELD  # the attendance date, not the day it was recorded
        page.goto("/")
        row = _worklist_row(page, "Ella Stone")
        assert "Awaiting report" in row and "Book an appointment" not in row
        _shot(page, "01-admin-worklist-awaiting-report")

        login(page, "nurse.a")
        page.goto("/")
        assert "Write up the assessment" in _worklist_row(page, "Ella Stone")
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
        _shot(page, "02-write-up-second-sitting")
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
        _shot(page, "03-write-up-signed-off")
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
        rendered = _pdf_first_page_png(response.body(), "04-report-pdf-page-1")
        text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
        assert "Ella Stone" in text and "Dr Priya Shah" in text and "GMC 7654321" in text
        assert "Register with a dentist and book a check" in text
        assert rendered is None or rendered.stat().st_size > 10_000
        page.get_by_role("button", name="Mark as read").click()
        page.wait_for_selector("text=Marked as read")
        assert "Initial health assessment report read" in page.content()
        page.goto("/assessments/write-ups/")
        page.get_by_test_id("my-actions").get_by_role("link").first.click()
        choose(page, "status", "DONE")
        page.locator("main").get_by_role("button", name="Save").click()
        page.wait_for_selector("text=Action recorded")
        assert page.get_by_test_id("my-actions").count() == 0
        _shot(page, "05-social-worker-action-done")
    iha.refresh_from_db()
    assert (iha.held_on, iha.clinician_role, iha.report_returned_on) == (
        HELD,
        "PAEDIATRICIAN",
        date(2026, 1, 15),
    )


def test_manager_sees_overdue_actions_and_the_nurse_corrects_one(page, cast, login):
    from apps.writeups import services as writeup_services

    with time_machine.travel(datetime(2026, 1, 15, 10, tzinfo=LONDON), tick=True):
        iha = _booked_iha(cast)
        assessment_services.appointment_record_outcome(
            appointment=iha.appointments.get(),
            outcome="ATTENDED",
            recorded_by=cast.health_admin_a,
            recorded_on=HELD,
        )
        iha.refresh_from_db()
        writeup_services.plan_action_add(
            assessment=iha,
            need="Dental registration",
            action="Register with a dentist",
            owner_kind="CARER",
            owner_name="Ms Carer",
            due_date=date(2026, 1, 14),
            created_by=cast.nurse_a,
        )
        login(page, "manager")
        page.goto("/")
        _shot(page, "06a-manager-home-overdue-count")
        page.get_by_test_id("home-overdue-actions").get_by_role("link").click()
        page.wait_for_selector("h1:has-text('Overdue health plan actions')")
        assert "Register with a dentist" in page.get_by_test_id("overdue-actions-list").inner_text()
        _shot(page, "06-manager-overdue-actions")

        login(page, "nurse.a")
        page.goto(f"/children/{iha.child_id}/")
        page.get_by_test_id("plan-actions").get_by_role("link", name="Correct").click()
        enter_date(page, "#id_due_date", "2026-02-20")
        page.fill("#id_reason", "Due date mistyped")
        _shot(page, "07-nurse-corrects-action")
        page.get_by_role("button", name="Save the correction").click()
        page.wait_for_selector("text=Correction saved")
        assert "Health plan action corrected" in page.content()
        assert "Reason: Due date mistyped" in page.content()
