"""Invitation and reminder emails (issue 15). GOV.UK Notify is the sender where
NOTIFY_API_KEY is set, the Django email backend (SMTP by environment, console in
development) otherwise. No clinical content in an email: it says when and where, what to
bring and how to rearrange; the letter itself is attached only to the copy the social
worker receives over SMTP (Notify templates carry no attachment here)."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage

from apps.clinics.letters import invitation_pdf, letter_details
from apps.clinics.models import Booking


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str
    attach_letter: bool = False


def _body(booking: Booking, *, reminder: bool, for_social_worker: bool) -> tuple[str, str]:
    letter = letter_details(booking)
    opening = "A reminder of" if reminder else "We have arranged"
    subject = (
        f"{'Reminder: ' if reminder else ''}health appointment on {letter.date} at {letter.time}"
    )
    who = f"{letter.child_first_name}'s" if not for_social_worker else f"{letter.child_name}'s"
    body = (
        f"{opening} {who} appointment with the looked-after children's health team.\n\n"
        f"Date: {letter.date}\nTime: {letter.time}\nPlace: {letter.venue}\nYou will see: {letter.clinician}\n\n"
        f"What to bring: {letter.what_to_bring}\n\n"
        f"If you need to rearrange: {letter.how_to_rearrange}\n\n{letter.provider}\n"
    )
    return subject, body


def messages_for(booking: Booking, *, reminder: bool) -> list[Message]:
    found = []
    if booking.carer_email:
        subject, body = _body(booking, reminder=reminder, for_social_worker=False)
        found.append(Message(booking.carer_email, subject, body))
    worker = booking.appointment.assessment.child.allocated_worker
    if worker is not None and worker.email:
        subject, body = _body(booking, reminder=reminder, for_social_worker=True)
        found.append(Message(worker.email, f"Copy: {subject}", body, attach_letter=not reminder))
    return found


class SmtpSender:
    def send(self, booking: Booking, messages: list[Message], *, reminder: bool) -> int:
        pdf = None
        for message in messages:
            email = EmailMessage(subject=message.subject, body=message.body, to=[message.to])
            if message.attach_letter:
                pdf = pdf or invitation_pdf(booking)
                email.attach("invitation-letter.pdf", pdf, "application/pdf")
            email.send()
        return len(messages)


class NotifySender:
    """GOV.UK Notify: one email template each for the invitation and the reminder, with
    `subject` and `body` as personalisation."""

    def __init__(self, api_key: str) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(api_key)

    def send(self, booking: Booking, messages: list[Message], *, reminder: bool) -> int:
        template = (
            settings.NOTIFY_REMINDER_TEMPLATE_ID
            if reminder
            else settings.NOTIFY_INVITATION_TEMPLATE_ID
        )
        for message in messages:
            self.client.send_email_notification(
                email_address=message.to,
                template_id=template,
                personalisation={"subject": message.subject, "body": message.body},
                reference=f"booking-{booking.pk}-{'reminder' if reminder else 'invitation'}",
            )
        return len(messages)


def sender():
    key = getattr(settings, "NOTIFY_API_KEY", "")
    return NotifySender(key) if key else SmtpSender()


def send_booking_emails(booking_id: int, *, reminder: bool) -> int:
    booking = Booking.objects.select_related(
        "slot__session__provider",
        "slot__session__clinician",
        "appointment__assessment__child__allocated_worker",
    ).get(pk=booking_id)
    messages = messages_for(booking, reminder=reminder)
    return sender().send(booking, messages, reminder=reminder) if messages else 0
