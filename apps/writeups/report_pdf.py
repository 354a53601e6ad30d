"""The report PDF, from the signed write-up: HTML through WeasyPrint as PDF/UA-1 (tagged,
with a title, language and reading order), with the real creation date in its metadata."""

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from apps.writeups.presenters import write_up_view


def write_up_pdf(write_up) -> bytes:
    created = write_up.signed_off_at or timezone.now()
    html = render_to_string(
        "writeups/report_pdf.html",
        {"view": write_up_view(write_up), "created": created.isoformat(timespec="seconds")},
    )
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
