"""The invitation letter (issue 15): to the carer, with a copy to the social worker, from the
provider's template text (its clinic policy). A tagged PDF (PDF/UA-1: structure tree,
language, title) made by WeasyPrint from an HTML template, printable for post. It names the
date, time, venue, clinician, what to bring and how to rearrange; no clinical content."""

from dataclasses import dataclass

from django.template.loader import render_to_string

from apps.clinics.models import Booking


@dataclass(frozen=True)
class LetterDetails:
    child_first_name: str
    child_name: str
    carer_name: str
    salutation: str
    social_worker: str
    date: str
    time: str
    venue: str
    clinician: str
    what_to_bring: str
    how_to_rearrange: str
    contact: str
    provider: str


def letter_details(booking: Booking) -> LetterDetails:
    from apps.clinics.services import policy_for

    slot = booking.slot
    session = slot.session
    child = booking.appointment.assessment.child
    placement = child.placements.filter(end_date__isnull=True).order_by("-start_date").first()
    # The letter is written today: the template text and contact in force today.
    policy = policy_for(session.provider)
    worker = child.allocated_worker
    contact = " or ".join(c for c in (policy.contact_phone, policy.contact_email) if c)
    return LetterDetails(
        child_first_name=child.first_name,
        child_name=child.full_name,
        carer_name=(
            placement.carer_name if placement and placement.carer_name else "the child's carer"
        ),
        salutation=placement.carer_name if placement and placement.carer_name else "carer",
        social_worker=(worker.get_full_name() or worker.username)
        if worker
        else "the child's social worker",
        date=f"{session.date:%A} {session.date.day} {session.date:%B %Y}",
        time=f"{slot.start_time:%H:%M}",
        venue=session.venue,
        clinician=session.clinician.get_full_name() or session.clinician.username,
        what_to_bring=policy.what_to_bring,
        how_to_rearrange=policy.how_to_rearrange + (f" Contact: {contact}." if contact else ""),
        contact=contact,
        provider=session.provider.name,
    )


def invitation_html(booking: Booking) -> str:
    return render_to_string("clinics/letter.html", {"letter": letter_details(booking)})


def invitation_pdf(booking: Booking) -> bytes:
    from weasyprint import HTML

    return HTML(string=invitation_html(booking)).write_pdf(pdf_variant="pdf/ua-1")
