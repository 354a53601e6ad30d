"""The assessment page's clinic links (templates/clinics/_assessment_links.html) differ for
an appointment in a clinic slot (move, cancel, letter, invitation) and one booked without a
slot on the assessment page (it may be moved into a slot); this tells them apart."""

from django import template

from apps.clinics.models import Booking

register = template.Library()


@register.simple_tag
def clinic_booking(appointment) -> Booking | None:
    """The live clinic booking of a booked appointment, or None (one query, only when an
    appointment is booked)."""
    if appointment is None:
        return None
    return Booking.objects.filter(appointment=appointment, released_at__isnull=True).first()
