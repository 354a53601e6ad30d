"""Background work of the clinic diary: the invitation emails after a booking, and the daily
reminders (Default 3 working days before the appointment). Each task takes ids and claims
its work with a conditional UPDATE, so a retried or duplicated message sends nothing twice."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from apps.clinics import rules
from apps.clinics.messaging import send_booking_emails
from apps.clinics.models import Booking
from apps.core.selectors import working_day_calendar


@shared_task(acks_late=True)
def send_invitation(booking_id: int) -> int:
    claimed = Booking.objects.filter(
        pk=booking_id, released_at__isnull=True, invitation_sent_at__isnull=True
    ).update(invitation_sent_at=timezone.now())
    return send_booking_emails(booking_id, reminder=False) if claimed else 0


@shared_task(acks_late=True)
def send_due_reminders() -> int:
    """Every live booking whose reminder day has come and whose appointment is still to
    happen gets one reminder (a day the beat missed is caught up the next day)."""
    from apps.clinics.services import PolicyBook

    today = timezone.localdate()
    calendar = working_day_calendar()
    sent = 0
    pending = Booking.objects.filter(
        released_at__isnull=True,
        reminder_sent_at__isnull=True,
        appointment__outcome="BOOKED",
        slot__session__date__gt=today,
        slot__session__date__lte=today + timedelta(days=21),
    ).select_related("slot__session__provider")
    candidates = list(pending)
    # The policy in force on the appointment's date decides how early its reminder goes.
    policies = PolicyBook({b.slot.session.provider_id for b in candidates})
    for booking in candidates:
        session = booking.slot.session
        days = policies.on(session.provider_id, session.date).reminder_working_days
        if not rules.reminder_due(session.date, today, calendar, days):
            continue
        claimed = Booking.objects.filter(pk=booking.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=timezone.now()
        )
        if claimed:
            sent += send_booking_emails(booking.pk, reminder=True)
    return sent
