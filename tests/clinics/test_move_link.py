"""The assessment page's "move to another slot" link (issue 15): shown only where it works.
An appointment booked without a slot (on the assessment page) gets "Move this appointment
into a clinic slot", which works: the same reasons as a reschedule decide what it counts as."""

from datetime import date

import pytest
from django.urls import reverse

from apps.assessments.models import Appointment
from apps.assessments.services import appointment_book
from apps.clinics import services
from apps.clinics.models import Booking
from tests.clinics.conftest import TODAY, make_clinic, new_request
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(cast):
    return signed_in_client(cast.health_admin_a)


def _slotless(cast):
    assessment = new_request(cast)
    appointment_book(
        assessment=assessment,
        appointment_date=date(2026, 3, 6),
        booked_on=TODAY,
        booked_by=cast.health_admin_a,
        location="Home visit",
    )
    return assessment


def _detail(client, assessment) -> str:
    response = client.get(reverse("assessment-detail", args=[assessment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_slot_booking_shows_move_cancel_and_letters(cast, paediatrician, admin_client):
    session = make_clinic(cast, paediatrician).sessions[0]
    assessment = new_request(cast)
    services.slot_book(
        slot=session.slots.first(), assessment=assessment, booked_by=cast.health_admin_a
    )
    page = _detail(admin_client, assessment)
    assert "Move to another clinic slot" in page and "Invitation letter (PDF)" in page
    assert "into a clinic slot" not in page


def test_a_slotless_appointment_shows_only_links_that_work(cast, paediatrician, admin_client):
    make_clinic(cast, paediatrician)
    assessment = _slotless(cast)
    page = _detail(admin_client, assessment)
    assert "Move to another clinic slot" not in page
    assert "Invitation letter (PDF)" not in page and "Cancel the clinic appointment" not in page
    assert "Move this appointment into a clinic slot" in page
    # The link it shows works.
    form = admin_client.get(reverse("clinic-reschedule", args=[assessment.pk]))
    assert form.status_code == 200
    assert "not in a clinic slot" in form.content.decode()
    # The letter needs a slot: still a 404, and not linked.
    assert admin_client.get(reverse("clinic-letter", args=[assessment.pk])).status_code == 404


def test_an_admin_correction_puts_the_same_appointment_in_the_slot(
    cast, paediatrician, admin_client
):
    slot = make_clinic(cast, paediatrician).sessions[0].slots.first()
    assessment = _slotless(cast)
    url = reverse("clinic-reschedule", args=[assessment.pk])
    missing_note = admin_client.post(url, {"slot": slot.pk, "reason": "ADMIN_CORRECTION"})
    assert missing_note.status_code == 400
    assert "Say what was wrong with the slot first picked" in missing_note.content.decode()
    response = admin_client.post(
        url, {"slot": slot.pk, "reason": "ADMIN_CORRECTION", "note": "Booked in the diary"}
    )
    assert response.status_code == 302
    [appointment] = Appointment.objects.filter(assessment=assessment)
    assert (appointment.outcome, appointment.cancelled_by) == ("BOOKED", "")
    assert appointment.appointment_date == slot.session.date
    assert "Ashford Child Health Centre" in appointment.location
    assert Booking.objects.get(slot=slot, released_at__isnull=True).appointment == appointment
    assert "Move to another clinic slot" in _detail(admin_client, assessment)


def test_a_carer_move_into_a_slot_counts_as_the_carers_cancellation(
    cast, paediatrician, admin_client
):
    slot = make_clinic(cast, paediatrician).sessions[0].slots.first()
    assessment = _slotless(cast)
    response = admin_client.post(
        reverse("clinic-reschedule", args=[assessment.pk]),
        {"slot": slot.pk, "reason": "CARER", "note": "Cannot do Friday"},
    )
    assert response.status_code == 302
    assert list(
        Appointment.objects.filter(assessment=assessment)
        .order_by("id")
        .values_list("outcome", "cancelled_by")
    ) == [("CANCELLED", "CARER"), ("BOOKED", "")]


def test_the_api_moves_a_slotless_appointment_into_a_slot(cast, paediatrician, api):
    slot = make_clinic(cast, paediatrician).sessions[0].slots.first()
    assessment = _slotless(cast)
    response = api(cast.health_admin_a).post(
        f"/api/v1/clinics/assessments/{assessment.pk}/reschedule/",
        {"slot": slot.pk, "reason": "HEALTH"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["slot"] == slot.pk
    assert Appointment.objects.filter(
        assessment=assessment, outcome="CANCELLED", cancelled_by="HEALTH"
    ).exists()


def test_no_booked_appointment_no_move(cast, paediatrician, admin_client):
    make_clinic(cast, paediatrician)
    assessment = new_request(cast)
    page = _detail(admin_client, assessment)
    assert "Book into a clinic slot" in page and "Move" not in page.split("Next steps")[1][:2000]
    assert admin_client.get(reverse("clinic-reschedule", args=[assessment.pk])).status_code == 404
