"""Invitation letters, emails and reminders (issue 15). The SMTP path runs against a real
SMTP server (aiosmtpd) that the test starts on the loopback address; the test reads the
messages that arrived."""

import email
import io
import socket
from datetime import date, time

import pypdf
import pytest
import time_machine
from aiosmtpd.controller import Controller

from apps.clinics import services
from apps.clinics.letters import invitation_pdf
from apps.clinics.messaging import NotifySender, SmtpSender, sender
from apps.clinics.models import Booking, ClinicPolicy
from apps.clinics.tasks import send_due_reminders
from tests.clinics.conftest import TODAY, make_clinic, new_request
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages: list[tuple[list[str], email.message.Message]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    with socket.socket() as probe:  # a free loopback port for the server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": "127.0.0.1",
                "port": controller.port,
                "use_tls": False,
                "timeout": 5,
            },
        }
    }
    yield inbox
    controller.stop()


@pytest.fixture
def booking(cast, paediatrician):
    cast.social_worker.email = "sw@kent.example.gov.uk"
    cast.social_worker.save()
    ClinicPolicy.objects.create(
        provider=cast.provider_a, effective_from=TODAY, contact_phone="01233 000000"
    )
    assessment = new_request(
        cast, first_name="Amira", last_name="Khan", allocated_worker=cast.social_worker
    )
    slot = (
        make_clinic(cast, paediatrician, day=date(2026, 3, 10))
        .sessions[0]
        .slots.get(start_time=time(10))
    )
    return services.slot_book(slot=slot, assessment=assessment, booked_by=cast.health_admin_a)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_the_letter_is_a_tagged_pdf_naming_when_where_who_and_what_to_bring(booking):
    pdf = invitation_pdf(booking)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"] and root["/Lang"] == "en-GB"
    assert len(reader.pages) == 2  # the carer's letter and the social worker's copy
    text = _text(pdf)
    for expected in (
        "A health appointment for Amira Khan",
        "Tuesday 10 March 2026",
        "10:00",
        "Ashford Child Health Centre, 1 Station Road, Ashford, TN23 1AA",
        "Sara Ahmed",
        "red book",
        "If you need to rearrange",
        "01233 000000",
        "social worker",
    ):
        assert expected in text, expected


def test_the_letter_page_is_a_pdf_for_health_staff_only(cast, booking):
    url = f"/clinics/assessments/{booking.appointment.assessment_id}/letter.pdf"
    response = signed_in_client(cast.health_admin_a).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert signed_in_client(cast.social_worker).get(url).status_code == 404


def test_the_invitation_arrives_at_the_carer_and_the_social_worker_over_smtp(
    cast, booking, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_send_invitation(
            booking=booking, carer_email="carer@example.com", by=cast.health_admin_a
        )
    assert sorted(to for tos, _ in smtp_server.messages for to in tos) == [
        "carer@example.com",
        "sw@kent.example.gov.uk",
    ]
    by_to = {tos[0]: message for tos, message in smtp_server.messages}
    carer = by_to["carer@example.com"]
    assert carer["Subject"] == "health appointment on Tuesday 10 March 2026 at 10:00"
    body = carer.get_payload(decode=True).decode()
    assert "Amira's appointment" in body and "Khan" not in body
    assert "Place: Ashford Child Health Centre" in body and "You will see: Sara Ahmed" in body
    # No clinical content: no assessment kind, no health details.
    for word in ("IHA", "initial health assessment", "diagnos", "immunis", "SDQ"):
        assert word.lower() not in body.lower()
    copy = by_to["sw@kent.example.gov.uk"]
    assert copy["Subject"].startswith("Copy: ")
    attachments = [part for part in copy.walk() if part.get_filename() == "invitation-letter.pdf"]
    assert len(attachments) == 1 and "Amira Khan" in _text(attachments[0].get_payload(decode=True))
    booking.refresh_from_db()
    assert booking.invitation_sent_at is not None and booking.carer_email == "carer@example.com"


def test_a_repeated_invitation_message_sends_once(cast, booking, smtp_server):
    from apps.clinics.tasks import send_invitation

    Booking.objects.filter(pk=booking.pk).update(carer_email="carer@example.com")
    assert send_invitation(booking.pk) == 2
    assert send_invitation(booking.pk) == 0
    assert len(smtp_server.messages) == 2


def test_reminders_go_three_working_days_before_once(cast, booking, smtp_server):
    Booking.objects.filter(pk=booking.pk).update(carer_email="carer@example.com")
    # The appointment is Tuesday 10 March: the reminder day is Thursday 5 March.
    with time_machine.travel(date(2026, 3, 4), tick=False):
        assert send_due_reminders() == 0
    with time_machine.travel(date(2026, 3, 5), tick=False):
        assert send_due_reminders() == 2
        assert send_due_reminders() == 0
    with time_machine.travel(date(2026, 3, 6), tick=False):
        assert send_due_reminders() == 0
    subjects = sorted(m["Subject"] for _, m in smtp_server.messages)
    assert subjects == [
        "Copy: Reminder: health appointment on Tuesday 10 March 2026 at 10:00",
        "Reminder: health appointment on Tuesday 10 March 2026 at 10:00",
    ]


def test_a_missed_reminder_day_is_caught_up_but_not_on_the_day(cast, booking, smtp_server):
    with time_machine.travel(date(2026, 3, 10), tick=False):
        assert send_due_reminders() == 0
    with time_machine.travel(date(2026, 3, 9), tick=False):
        assert send_due_reminders() == 1  # the social worker only: no carer address


def test_a_cancelled_booking_gets_no_reminder(cast, booking, smtp_server):
    services.booking_cancel(booking=booking, cancelled_by="CARER", by=cast.health_admin_a)
    with time_machine.travel(date(2026, 3, 5), tick=False):
        assert send_due_reminders() == 0
    assert smtp_server.messages == []


def test_notify_is_the_sender_when_its_key_is_set(settings):
    assert isinstance(sender(), SmtpSender)
    # A syntactically valid key (the client checks its shape; nothing is sent here).
    settings.NOTIFY_API_KEY = (
        "test-"
        + "11111111-1111-1111-1111-111111111111"
        + "-"
        + "22222222-2222-2222-2222-222222222222"
    )
    assert isinstance(sender(), NotifySender)
