"""Clinic sessions, booking, bulk booking, rescheduling and cancellation (issue 15)."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from apps.assessments.models import Appointment
from apps.clinics import services
from apps.clinics.models import Booking, Slot
from tests.clinics.conftest import TODAY, TUESDAY, make_clinic, new_request

pytestmark = pytest.mark.django_db


def test_a_recurring_monday_clinic_skips_easter_monday(cast, paediatrician):
    result = make_clinic(cast, paediatrician, day=date(2026, 3, 30), weeks=3)
    assert [s.date for s in result.sessions] == [date(2026, 3, 30), date(2026, 4, 13)]
    assert result.skipped == [date(2026, 4, 6)]
    assert len({s.series for s in result.sessions}) == 1
    first = result.sessions[0]
    assert list(first.slots.values_list("start_time", "minutes")) == [
        (time(9), 60),
        (time(10), 60),
        (time(11), 60),
    ]
    assert first.venue_postcode == "TN23 1AA"


def test_an_rha_clinic_has_45_minute_slots_by_default(cast, paediatrician):
    session = make_clinic(cast, paediatrician, kind="RHA", clinician_role="LAC_NURSE").sessions[0]
    assert session.slot_minutes == 45 and session.slots.count() == 4


def test_the_providers_policy_sets_the_slot_length(cast, paediatrician):
    from apps.clinics.models import ClinicPolicy

    ClinicPolicy.objects.create(provider=cast.provider_a, effective_from=TODAY, iha_slot_minutes=90)
    session = make_clinic(cast, paediatrician).sessions[0]
    assert list(session.slots.values_list("start_time", flat=True)) == [time(9), time(10, 30)]


def test_a_nurse_cannot_hold_an_iha_clinic(cast, paediatrician):
    with pytest.raises(ValidationError) as error:
        make_clinic(cast, paediatrician, clinician_role="LAC_NURSE")
    assert "registered medical practitioner" in error.value.message_dict["clinician_role"][0]


def test_the_clinician_must_work_for_the_provider(cast):
    with pytest.raises(ValidationError) as error:
        make_clinic(cast, cast.nurse_b)
    assert "clinician" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_clinic(cast, cast.health_admin_a)
    assert "clinician" in error.value.message_dict


def test_a_clinician_cannot_hold_two_clinics_at_once(cast, paediatrician):
    make_clinic(cast, paediatrician)
    with pytest.raises(ValidationError) as error:
        make_clinic(cast, paediatrician, start_time=time(11), end_time=time(13))
    assert "already has a clinic" in error.value.message_dict["start_time"][0]
    # Back to back is fine.
    make_clinic(cast, paediatrician, start_time=time(12), end_time=time(14))


def test_a_clinic_cannot_end_before_it_starts_or_be_in_the_past(cast, paediatrician):
    with pytest.raises(ValidationError) as error:
        make_clinic(cast, paediatrician, start_time=time(12), end_time=time(9))
    assert "end_time" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_clinic(cast, paediatrician, day=date(2026, 2, 24))
    assert "first_date" in error.value.message_dict


def test_booking_puts_date_time_venue_and_clinician_on_the_appointment(cast, paediatrician):
    assessment = new_request(cast)
    slot = make_clinic(cast, paediatrician).sessions[0].slots.get(start_time=time(10))
    booking = services.slot_book(slot=slot, assessment=assessment, booked_by=cast.health_admin_a)
    appointment = booking.appointment
    assert appointment.assessment == assessment
    assert appointment.appointment_date == TUESDAY
    assert appointment.outcome == "BOOKED"
    assert appointment.location == "10:00, Ashford Child Health Centre, TN23 1AA, with Sara Ahmed"


def test_a_booked_slot_cannot_be_booked_again(cast, paediatrician):
    slot = make_clinic(cast, paediatrician).sessions[0].slots.first()
    services.slot_book(slot=slot, assessment=new_request(cast), booked_by=cast.health_admin_a)
    with pytest.raises(ValidationError) as error:
        services.slot_book(slot=slot, assessment=new_request(cast), booked_by=cast.health_admin_a)
    assert "already booked" in error.value.message_dict["slot"][0]
    assert Booking.objects.filter(slot=slot).count() == 1


def test_the_database_refuses_a_second_live_booking_of_a_slot(cast, paediatrician):
    from django.db import IntegrityError, transaction

    slot = make_clinic(cast, paediatrician).sessions[0].slots.first()
    first = services.slot_book(
        slot=slot, assessment=new_request(cast), booked_by=cast.health_admin_a
    )
    other = Appointment.objects.create(
        assessment=new_request(cast), appointment_date=TUESDAY, booked_on=date(2026, 3, 2)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(slot=slot, appointment=other, booked_by=cast.health_admin_a)
    assert Booking.objects.get(slot=slot) == first


def test_an_iha_clinic_does_not_take_another_providers_request(cast, paediatrician):
    slot = make_clinic(cast, paediatrician).sessions[0].slots.first()
    assessment = new_request(cast, provider=cast.provider_b)
    with pytest.raises(ValidationError) as error:
        services.slot_book(slot=slot, assessment=assessment, booked_by=cast.health_admin_a)
    assert "another provider" in error.value.message_dict["slot"][0]


def test_an_rha_clinic_does_not_take_an_iha(cast, paediatrician):
    slot = (
        make_clinic(cast, paediatrician, kind="RHA", clinician_role="LAC_NURSE")
        .sessions[0]
        .slots.first()
    )
    with pytest.raises(ValidationError) as error:
        services.slot_book(slot=slot, assessment=new_request(cast), booked_by=cast.health_admin_a)
    assert "cannot take an IHA" in error.value.message_dict["slot"][0]


def test_bulk_booking_fills_the_slots_earliest_deadline_first(cast, paediatrician):
    session = make_clinic(cast, paediatrician).sessions[0]
    late = new_request(cast, entry=date(2026, 2, 25), sent_on=date(2026, 2, 26))
    early = new_request(cast, entry=date(2026, 2, 16), sent_on=date(2026, 2, 17))
    middle = new_request(cast)
    latest = new_request(cast, entry=date(2026, 2, 26), sent_on=date(2026, 2, 27))
    result = services.session_bulk_book(
        session=session, assessments=[late, latest, middle, early], booked_by=cast.health_admin_a
    )
    placed = {b.appointment.assessment_id: b.slot.start_time for b in result.booked}
    assert placed == {early.pk: time(9), middle.pk: time(10), late.pk: time(11)}
    assert [(a.pk, why) for a, why in result.not_booked] == [
        (latest.pk, "No free slot left in this clinic.")
    ]


def test_bulk_booking_reports_a_request_that_cannot_be_booked(cast, paediatrician):
    session = make_clinic(cast, paediatrician).sessions[0]
    fine = new_request(cast)
    elsewhere = new_request(cast, entry=date(2026, 2, 16), provider=cast.provider_b)
    result = services.session_bulk_book(
        session=session, assessments=[fine, elsewhere], booked_by=cast.health_admin_a
    )
    assert [b.appointment.assessment_id for b in result.booked] == [fine.pk]
    assert result.not_booked[0][0] == elsewhere and "another provider" in result.not_booked[0][1]


def _booked(cast, paediatrician):
    sessions = make_clinic(cast, paediatrician, weeks=2).sessions
    assessment = new_request(cast)
    booking = services.slot_book(
        slot=sessions[0].slots.first(), assessment=assessment, booked_by=cast.health_admin_a
    )
    return assessment, booking, sessions[1].slots.first()


@pytest.mark.parametrize(
    ("reason", "party", "breach_reason"),
    [
        ("CARER", "LA", "CARER_OR_YP_CANCELLED"),
        ("YOUNG_PERSON", "LA", "CARER_OR_YP_CANCELLED"),
        ("HEALTH", "HEALTH", "HEALTH_CANCELLED"),
    ],
)
def test_a_reschedule_asked_for_by_a_party_counts_against_it(
    cast, paediatrician, django_capture_on_commit_callbacks, reason, party, breach_reason
):
    with django_capture_on_commit_callbacks(execute=True):
        assessment, booking, new_slot = _booked(cast, paediatrician)
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.booking_reschedule(
            booking=booking, slot=new_slot, reason=reason, by=cast.health_admin_a, note="asked"
        )
    old = booking.appointment
    old.refresh_from_db()
    booking.refresh_from_db()
    assert (old.outcome, old.cancelled_by) == ("CANCELLED", reason)
    assert booking.release_reason == reason and booking.released_at is not None
    assert moved.appointment != old and moved.appointment.appointment_date == date(2026, 3, 10)
    assessment.refresh_from_db()
    assert (assessment.provisional_party, assessment.provisional_reason) == (party, breach_reason)


def test_an_admin_correction_counts_as_nothing_and_keeps_history(
    cast, paediatrician, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assessment, booking, new_slot = _booked(cast, paediatrician)
    assessment.refresh_from_db()
    before = (assessment.provisional_party, assessment.provisional_reason)
    with pytest.raises(ValidationError) as error:
        services.booking_reschedule(
            booking=booking, slot=new_slot, reason="ADMIN_CORRECTION", by=cast.health_admin_a
        )
    assert "note" in error.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.booking_reschedule(
            booking=booking,
            slot=new_slot,
            reason="ADMIN_CORRECTION",
            by=cast.health_admin_a,
            note="Picked the wrong week",
        )
    assert moved.appointment_id == booking.appointment_id
    appointment = Appointment.objects.get(pk=booking.appointment_id)
    assert appointment.outcome == "BOOKED" and appointment.appointment_date == date(2026, 3, 10)
    assert Appointment.objects.filter(assessment=assessment).count() == 1
    assert list(
        appointment.history.order_by("history_date").values_list("appointment_date", flat=True)
    ) == [TUESDAY, date(2026, 3, 10)]
    assert [
        b.release_reason for b in Booking.objects.filter(appointment=appointment).order_by("pk")
    ] == [
        "ADMIN_CORRECTION",
        "",
    ]
    assessment.refresh_from_db()
    assert (assessment.provisional_party, assessment.provisional_reason) == before
    assert assessment.provisional_reason == ""


def test_a_freed_slot_can_be_booked_again(cast, paediatrician):
    assessment, booking, new_slot = _booked(cast, paediatrician)
    services.booking_cancel(booking=booking, cancelled_by="CARER", by=cast.health_admin_a)
    again = services.slot_book(
        slot=booking.slot, assessment=new_request(cast), booked_by=cast.health_admin_a
    )
    assert again.slot == booking.slot


def test_cancelling_a_clinic_cancels_its_appointments_by_health(cast, paediatrician):
    session = make_clinic(cast, paediatrician).sessions[0]
    requests = [new_request(cast) for _ in range(2)]
    services.session_bulk_book(session=session, assessments=requests, booked_by=cast.health_admin_a)
    to_rebook = services.clinic_session_cancel(
        session=session, reason="Paediatrician off sick", by=cast.health_admin_a
    )
    assert {a.pk for a in to_rebook} == {a.pk for a in requests}
    outcomes = Appointment.objects.filter(assessment__in=requests).values_list(
        "outcome", "cancelled_by", "note"
    )
    assert set(outcomes) == {("CANCELLED", "HEALTH", "Clinic cancelled: Paediatrician off sick")}
    assert not Booking.objects.filter(slot__session=session, released_at__isnull=True).exists()
    session.refresh_from_db()
    assert session.cancelled_on == date(2026, 3, 2)
    with pytest.raises(ValidationError) as error:
        services.slot_book(
            slot=Slot.objects.filter(session=session).first(),
            assessment=requests[0],
            booked_by=cast.health_admin_a,
        )
    assert "cancelled" in error.value.message_dict["slot"][0]
    with pytest.raises(ValidationError):
        services.clinic_session_cancel(session=session, reason="again", by=cast.health_admin_a)


def test_a_clinic_cancellation_needs_a_reason(cast, paediatrician):
    session = make_clinic(cast, paediatrician).sessions[0]
    with pytest.raises(ValidationError) as error:
        services.clinic_session_cancel(session=session, reason=" ", by=cast.health_admin_a)
    assert "reason" in error.value.message_dict
