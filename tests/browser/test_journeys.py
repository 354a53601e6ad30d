"""The three journeys end to end through the real pages: a social worker records an entry to
care and sends the request; the health admin books; the nurse completes and returns the
report; the manager sees the result; and a breach appears after time passes, with its party."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from apps.assessments.models import Assessment
from apps.children.models import Child
from apps.writeups import services as writeup_services
from apps.writeups.rules.sections import sections_for
from tests.helpers import choose, fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int = 10):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, hour, tzinfo=LONDON), tick=True
    )


def _fill_new_child(page, first: str, last: str, entry: str) -> None:
    page.get_by_role("link", name="Children", exact=True).click()
    page.get_by_role("link", name="Record a child entering care").click()
    page.fill("#id_first_name", first)
    page.fill("#id_last_name", last)
    fill_date(page, "#id_date_of_birth", "2016-04-05")
    choose(page, "sex", "2")
    page.fill("#id_nhs_number", "943 476 5919" if first == "Amy" else "")
    fill_date(page, "#id_entry_date", entry)
    choose(page, "legal_status", "C1")
    choose(page, "place", "U6")
    choose(page, "place_provider", "PR1")
    page.fill("#id_postcode_district", "ME14")
    page.fill("#id_carer_name", "Mr and Mrs Hill")
    page.get_by_role("button", name="Save").click()


def test_entry_request_booking_completion_and_report_end_to_end(page, cast, login, screenshot):
    with at(date(2025, 12, 22)):
        login(page, "sw")
        screenshot(page, "01-social-worker-worklist")
        _fill_new_child(page, "Amy", "Lee", "2025-12-19")
        page.wait_for_selector("h1:has-text('Amy Lee')")
        clocks = page.get_by_test_id("clocks")
        # The IHA appears at once with its deadlines (DOMAIN.md 1: working days 5 and 20).
        assert "21 Jan 2026" in clocks.inner_text()
        assert "request due 30 Dec 2025" in clocks.inner_text()
        screenshot(page, "02-child-page-after-entry")

        page.get_by_test_id("clocks").get_by_role("link", name="Initial health assessment").click()
        page.get_by_role("link", name="Send the request").click()
        fill_date(page, "#id_sent_on", "2025-12-22")
        page.select_option("#id_provider", label="Provider A")
        fill_date(page, "#id_consent_obtained_on", "2025-12-22")
        fill_date(page, "#id_request_complete_on", "2025-12-22")
        page.get_by_role("button", name="Save").click()
        page.wait_for_selector("text=Request sent. The provider has been told.")
        screenshot(page, "03-request-sent")

    child = Child.objects.get(first_name="Amy", last_name="Lee")
    iha = Assessment.objects.get(child=child, kind="IHA")
    assert iha.request_sent_on == date(2025, 12, 22)
    assert iha.provider == cast.provider_a

    with at(date(2026, 1, 5)):
        login(page, "healthadmin")
        worklist = page.get_by_test_id("worklist")
        assert "Amy Lee" in worklist.inner_text()
        screenshot(page, "04-health-admin-worklist")
        worklist.get_by_role("link", name="Book an appointment").click()
        page.get_by_role("link", name="Book an appointment").click()
        fill_date(page, "#id_appointment_date", "2026-01-12")
        fill_date(page, "#id_booked_on", "2026-01-05")
        page.fill("#id_location", "Maidstone clinic")
        page.get_by_role("button", name="Save").click()
        page.wait_for_selector("text=Appointment booked.")

    with at(date(2026, 1, 12), hour=15):
        login(page, "nurse.a")
        # Issue 14: attendance sets the held date; the assessment then awaits its write-up.
        page.get_by_test_id("worklist").get_by_role("link", name="Record attendance").click()
        page.get_by_role("link", name="Record what happened at the appointment").first.click()
        choose(page, "outcome", "ATTENDED")
        fill_date(page, "#id_recorded_on", "2026-01-12")
        screenshot(page, "05-record-attendance")
        page.get_by_role("button", name="Save").click()
        page.wait_for_selector("text=Appointment outcome recorded.")
        page.goto("/")
        assert "Write up the assessment" in page.get_by_test_id("worklist").inner_text()
        # The write-up itself is walked in the browser by tests/browser/test_write_up_*; here
        # its sections are saved and signed off through the services, as the nurse would.
        iha.refresh_from_db()
        for section in sections_for(9):
            data = {"state": "not_assessed", "reason": "Seen by the GP this month"}
            if section.key == "summary":
                data = {"state": "completed", "findings": "Healthy; dental registration needed."}
            writeup_services.write_up_save_section(
                assessment=iha, section=section.key, data=data, saved_by=cast.nurse_a
            )
        writeup_services.write_up_sign_off(
            assessment=iha,
            signed_by=cast.nurse_a,
            name="Dr A Paediatrician",
            role="PAEDIATRICIAN",
            registration="GMC 1234567",
        )
        page.goto(f"/assessments/{iha.pk}/")
        page.get_by_role("link", name="Record the report as returned").click()
        fill_date(page, "#id_returned_on", "2026-01-12")
        page.get_by_role("button", name="Save").click()
        page.wait_for_selector("text=Report recorded as returned")
        screenshot(page, "06-assessment-met")

    with at(date(2026, 1, 13)):
        login(page, "manager")
        page.goto(f"/children/{child.pk}/")
        table = page.get_by_test_id("assessments").inner_text()
        assert "Met" in table
        timeline = page.get_by_test_id("timeline").inner_text()
        assert "Initial health assessment report returned" in timeline
        assert "Initial health assessment held" in timeline
        screenshot(page, "07-manager-child-page")

    iha.refresh_from_db()
    assert (iha.status, iha.held_on, iha.report_returned_on) == (
        "MET",
        date(2026, 1, 12),
        date(2026, 1, 12),
    )


def test_breach_appears_after_time_passes_with_its_party(page, cast, login, screenshot):
    with at(date(2025, 12, 22)):
        login(page, "sw")
        _fill_new_child(page, "Ben", "Late", "2025-12-19")
        page.wait_for_selector("h1:has-text('Ben Late')")
    child = Child.objects.get(first_name="Ben")
    iha = Assessment.objects.get(child=child, kind="IHA")

    # The request goes on working day 7 (2 January 2026): two days late.
    with at(date(2026, 1, 2)):
        login(page, "sw")
        page.goto(f"/assessments/{iha.pk}/request/")
        fill_date(page, "#id_sent_on", "2026-01-02")
        page.select_option("#id_provider", label="Provider A")
        fill_date(page, "#id_request_complete_on", "2026-01-02")
        page.get_by_role("button", name="Save").click()
        page.wait_for_selector("text=Request sent.")

    # Time passes beyond the due date (21 January) with no assessment; the nightly sweep runs.
    with at(date(2026, 1, 23), hour=1):
        call_command("sweep_clocks")
    with at(date(2026, 1, 23)):
        login(page, "manager")
        page.get_by_role("link", name="Breaches", exact=True).click()
        breaches = page.get_by_test_id("breaches").inner_text()
        assert "Ben Late" in breaches
        assert "Local authority" in breaches
        assert "working day 7" in breaches and "deadline was working day 5" in breaches
        screenshot(page, "08-breach-list")
        page.goto(f"/assessments/{iha.pk}/")
        assert "Breach charged to local authority" in page.get_by_test_id("breach").inner_text()
        screenshot(page, "09-breach-detail")
    iha.refresh_from_db()
    assert (iha.status, iha.breach_party, iha.breach_reason) == ("OVERDUE", "LA", "LATE_REQUEST")


def test_out_of_area_referral_through_the_pages(page, cast, login, screenshot):
    with at(date(2025, 12, 22)):
        login(page, "sw")
        _fill_new_child(page, "Olive", "Away", "2025-12-19")
        page.wait_for_selector("h1:has-text('Olive Away')")
        child = Child.objects.get(first_name="Olive")
        page.goto(f"/children/{child.pk}/placements/new/")
        fill_date(page, "#id_start_date", "2025-12-22")
        choose(page, "place", "U4")
        choose(page, "place_provider", "PR4")
        page.select_option("#id_area", label="Medway Council")
        page.get_by_role("button", name="Save").click()
        page.wait_for_selector("text=Placement recorded.")
        assert "Out of area" in page.content()
        iha = Assessment.objects.get(child=child, kind="IHA")
        page.goto(f"/assessments/{iha.pk}/request/")
        fill_date(page, "#id_sent_on", "2025-12-22")
        page.select_option("#id_provider", label="Provider A")
        page.get_by_role("button", name="Save").click()
        page.wait_for_selector("text=Request sent.")
    with at(date(2025, 12, 23)):
        login(page, "nurse.a")
        page.goto(f"/children/{child.pk}/")
        referrals = page.get_by_test_id("referrals")
        assert "31 Dec 2025" in referrals.inner_text()  # working day 5 after 22 December
        referrals.get_by_role("link", name="Record the referral").click()
        fill_date(page, "#id_referred_on", "2025-12-23")
        page.fill("#id_receiving_provider_name", "Medway Community Healthcare LAC team")
        page.get_by_role("button", name="Save").click()
        page.wait_for_selector("text=Referral recorded.")
        assert (
            "Medway Community Healthcare LAC team" in page.get_by_test_id("referrals").inner_text()
        )
        screenshot(page, "10-out-of-area-referral")
