"""Issue 15's journey through the real pages: the health admin sets up a recurring IHA clinic,
books three requests into it at once, moves one at the carer's request, and prints the
letters; the clinician's day list shows the three children, and the clinician completes one
assessment from it."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pypdf
import pytest
import time_machine

from apps.accounts.models import Role
from apps.assessments.models import Appointment
from apps.clinics.models import Booking, ClinicSession
from tests.clinics.conftest import new_request
from tests.factories import UserFactory
from tests.helpers import choose, choose_label, enter_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int = 10):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, hour, tzinfo=LONDON), tick=True
    )


def test_clinic_setup_bulk_booking_reschedule_letters_and_day_list(page, cast, login, screenshot):
    with at(date(2026, 3, 2)):
        clinician = UserFactory(
            username="dr.ahmed",
            first_name="Sara",
            last_name="Ahmed",
            role=Role.LAC_NURSE,
            organisation=cast.provider_a,
        )
        names = [("Amira", "Khan"), ("Leo", "Price"), ("Noah", "Bell")]
        requests = [
            new_request(cast, entry=date(2026, 2, 16 + i), first_name=first, last_name=last)
            for i, (first, last) in enumerate(names)
        ]
        login(page, "healthadmin")
        page.get_by_role("link", name="Clinics", exact=True).click()
        page.get_by_role("link", name="Set up a clinic").first.click()
        choose(page, "kind", "IHA")
        enter_date(page, "#id_first_date", "2026-03-03")
        page.fill("#id_weeks", "4")
        page.fill("#id_start_time", "09:00")
        page.fill("#id_end_time", "13:00")
        page.fill("#id_venue_name", "Ashford Child Health Centre")
        page.fill("#id_venue_address", "1 Station Road, Ashford")
        page.fill("#id_venue_postcode", "TN23 1AA")
        choose_label(page, "clinician", "Sara Ahmed")
        choose(page, "clinician_role", "PAEDIATRICIAN")
        page.get_by_role("button", name="Set up clinic").click()
        page.wait_for_selector("text=Clinic set up.")
        assert ClinicSession.objects.filter(provider=cast.provider_a).count() == 4
        screenshot(page, "clinics-01-diary")

        page.get_by_role("link", name="Requests to book").first.click()
        for assessment in requests:
            page.check(f"#pick-{assessment.pk}")
        page.select_option("#session", index=1)
        page.get_by_role("button", name="Book selected").click()
        page.wait_for_selector("text=Booked 3 into")
        slots = page.get_by_test_id("slots").inner_text()
        # Earliest deadline first: Amira (entered 16 February) at 09:00.
        assert slots.index("Amira Khan") < slots.index("Leo Price") < slots.index("Noah Bell")
        screenshot(page, "clinics-02-session-after-bulk-booking")

        # The carer cannot come at 10:00: move Leo to the free 12:00 slot.
        page.goto(f"/assessments/{requests[1].pk}/")
        page.get_by_role("link", name="Move to another clinic slot").click()
        page.get_by_label("Tue 03 Mar 2026 12:00").check()
        choose(page, "reason", "CARER")
        page.fill("#id_note", "Carer at work until 11")
        page.get_by_role("button", name="Move appointment").click()
        page.wait_for_selector("text=Appointment moved.")
        outcomes = list(
            Appointment.objects.filter(assessment=requests[1])
            .order_by("id")
            .values_list("outcome", "cancelled_by")
        )
        assert outcomes == [("CANCELLED", "CARER"), ("BOOKED", "")]
        screenshot(page, "clinics-03-after-reschedule")

        response = page.request.get(f"/clinics/assessments/{requests[1].pk}/letter.pdf")
        assert response.status == 200
        text = "\n".join(
            p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.body())).pages
        )
        assert (
            "A health appointment for Leo Price" in text
            and "12:00" in text
            and "Sara Ahmed" in text
        )

        page.goto(f"/clinics/day/?clinician={clinician.pk}&date=2026-03-03")
        day = page.get_by_test_id("day-list").inner_text()
        assert all(f"{first} {last}" in day for first, last in names)
        screenshot(page, "clinics-04-day-list")

    with at(date(2026, 3, 3), hour=15):
        login(page, "dr.ahmed")
        page.goto("/clinics/day/?date=2026-03-03")
        # Issue 14: the outcome "Attended" sets the held date; the write-up follows.
        page.get_by_role("link", name="Record the outcome of Amira Khan's appointment").click()
        choose(page, "outcome", "ATTENDED")
        enter_date(page, "#id_recorded_on", "2026-03-03")
        page.get_by_role("button", name="Save").click()
        page.wait_for_selector("text=Appointment outcome recorded.")
        page.goto("/clinics/day/?date=2026-03-03")
        assert "Attended" in page.get_by_test_id("day-list").inner_text()
        screenshot(page, "clinics-05-day-list-after-completion")
    assert Booking.objects.filter(released_at__isnull=True).count() == 3
