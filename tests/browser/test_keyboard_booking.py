"""Issue 16: a booking made with the keyboard alone (Tab, Shift+Tab, Space, Enter, arrows and
typing; no clicks), both ways a health admin books: the plain booking form (a date and a
place) and a slot in a clinic (apps/clinics), each reached from the assessment's page."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.assessments.models import Appointment
from apps.clinics.models import Booking
from tests.browser.axe import assert_no_violations
from tests.browser.test_keyboard_reflow_timeout import _focused, _tab_to, _type_date
from tests.clinics.conftest import make_clinic, new_request
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONDON = ZoneInfo("Europe/London")
MONDAY = date(2026, 3, 2)


def _at_monday():
    return time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=LONDON), tick=True)


def _focused_text(page) -> str:
    return page.evaluate("(document.activeElement.textContent || '').trim()")


def _tab_to_text(page, text: str, limit: int = 150) -> None:
    """Tab until the focused link or button says ``text``."""
    for _ in range(limit):
        if _focused_text(page) == text:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {text!r}")


def _no_clicks(page) -> None:
    """Any mouse click in the page fails the test: the keyboard is the only input."""
    page.evaluate(
        "() => document.addEventListener('mousedown', () => { window.__clicked = true; }, true)"
    )


def _assert_no_clicks(page) -> None:
    assert not page.evaluate("() => window.__clicked === true")


def test_the_booking_form_is_completed_with_the_keyboard_alone(page, cast, login):
    with _at_monday():
        assessment = new_request(cast, first_name="Kit", last_name="Keys")
        login(page, "healthadmin")
        page.goto(f"/assessments/{assessment.pk}/")
        _no_clicks(page)
        _tab_to_text(page, "Book an appointment")
        page.keyboard.press("Enter")
        page.wait_for_selector("h1:has-text('Book an appointment')")
        _no_clicks(page)
        _type_date(page, "appointment_date", date(2026, 3, 12))
        # Date booked is filled in with today; go past it and back with Shift+Tab to check it.
        _tab_to(page, "id_location")
        page.keyboard.press("Shift+Tab")
        assert _focused(page)["id"] == "id_booked_on_2"
        assert page.input_value("#id_booked_on_2") == "2026"
        page.keyboard.press("Tab")
        page.keyboard.type("Ashford Child Health Centre")
        for _ in range(20):
            if _focused(page)["tag"] == "BUTTON":
                break
            page.keyboard.press("Tab")
        assert _focused_text(page) == "Save"
        page.keyboard.press("Enter")
        page.wait_for_selector("text=Appointment booked.")
        _assert_no_clicks(page)
        appointment = Appointment.objects.get(assessment=assessment)
        assert appointment.appointment_date == date(2026, 3, 12)
        assert appointment.booked_on == MONDAY
        assert appointment.location == "Ashford Child Health Centre"


def test_an_empty_booking_form_sent_with_enter_puts_focus_on_the_errors(page, cast, login):
    with _at_monday():
        assessment = new_request(cast)
        login(page, "healthadmin")
        page.goto(f"/assessments/{assessment.pk}/book/")
        _tab_to(page, "id_appointment_date")
        page.keyboard.press("Enter")  # Enter in a field sends the form
        # govuk-frontend's error summary takes the focus once its module has started.
        # An auto-waiting assertion: a string predicate would be eval, which the CSP refuses.
        expect(page.locator(".govuk-error-summary")).to_be_focused(timeout=5000)
        # Tab goes to the first error's link; Enter takes the focus to its field.
        page.keyboard.press("Tab")
        assert _focused_text(page) == "Enter appointment date"
        page.keyboard.press("Enter")
        assert _focused(page)["id"] == "id_appointment_date"
        assert_no_violations(page)


def test_a_clinic_slot_is_booked_with_the_keyboard_alone(page, cast, login):
    with _at_monday():
        clinician = UserFactory(
            username="dr.keys",
            first_name="Sara",
            last_name="Ahmed",
            role=Role.LAC_NURSE,
            organisation=cast.provider_a,
        )
        make_clinic(cast, clinician)  # Tuesday 3 March, 09:00 to 12:00
        assessment = new_request(cast, first_name="Noah", last_name="Bell")
        login(page, "healthadmin")
        page.goto(f"/assessments/{assessment.pk}/")
        _no_clicks(page)
        _tab_to_text(page, "Book into a clinic slot")
        page.keyboard.press("Enter")
        page.wait_for_selector("h1:has-text('into a clinic')")
        _no_clicks(page)
        # Into the slot radios: Space picks the first, the arrow keys move on to the second.
        _tab_to(page, "id_slot")
        page.keyboard.press("Space")
        page.keyboard.press("ArrowDown")
        chosen = page.evaluate("document.querySelector('input[name=slot]:checked').value")
        second = page.evaluate("document.querySelectorAll('input[name=slot]')[1].value")
        assert chosen == second
        for _ in range(20):
            if _focused(page)["tag"] == "BUTTON":
                break
            page.keyboard.press("Tab")
        assert _focused_text(page) == "Book"
        page.keyboard.press("Enter")
        page.wait_for_selector("text=Appointment booked.")
        _assert_no_clicks(page)
        booking = Booking.objects.get(appointment__assessment=assessment, released_at__isnull=True)
        assert str(booking.slot_id) == chosen
        assert_no_violations(page)
