"""The printable personal health history a care leaver takes with them (DOMAIN.md 4),
generated from the record. Plain language; the SDQ's licensed texts are never included."""

from html import escape
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from apps.assessments.models import (
    Assessment,
    DentalCheck,
    HealthHistory,
    HealthPlanAction,
    ImmunisationRecord,
)
from apps.children.models import Child


def _text(value) -> str:
    """Stored text for a Paragraph, which parses its input as ReportLab markup: escaped, so
    that a summary cannot fetch a URL through <img src>, add a link, or break the build with
    a stray '<' (issue 17, finding 5). Tables take plain strings and need no escaping."""
    return escape(str(value), quote=False)


def _date(day) -> str:
    return f"{day.day} {day:%B %Y}" if day else "Not recorded"


def health_history_pdf(child: Child) -> bytes:
    styles = getSampleStyleSheet()
    story = [
        Paragraph(f"Your health history: {_text(child.full_name)}", styles["Title"]),
        Paragraph(
            f"Date of birth: {_date(child.date_of_birth)}. NHS number: {_text(child.nhs_number or 'not known')}.",
            styles["Normal"],
        ),
        Spacer(1, 6 * mm),
    ]
    history = HealthHistory.objects.filter(child=child).order_by("-provided_on").first()
    if history:
        story += [
            Paragraph("Summary from your nurse", styles["Heading2"]),
            Paragraph(_text(history.summary).replace("\n", "<br/>"), styles["Normal"]),
        ]
    held = Assessment.objects.filter(child=child, held_on__isnull=False).order_by("held_on")
    rows = [["Health assessment", "Date", "Carried out by"]] + [
        [a.get_kind_display(), _date(a.held_on), a.get_clinician_role_display()] for a in held
    ]
    story += [Paragraph("Your health assessments", styles["Heading2"])]
    story += [_table(rows)] if len(rows) > 1 else [Paragraph("None recorded.", styles["Normal"])]
    immunisation = ImmunisationRecord.objects.filter(child=child).order_by("-checked_on").first()
    dental = DentalCheck.objects.filter(child=child).order_by("-checked_on").first()
    story += [
        Paragraph("Immunisations and teeth", styles["Heading2"]),
        Paragraph(
            f"Immunisations: {immunisation.get_status_display().lower() if immunisation else 'not recorded'}"
            f"{f' (checked {_date(immunisation.checked_on)})' if immunisation else ''}. "
            f"Last dental check: {_date(dental.checked_on) if dental else 'not recorded'}.",
            styles["Normal"],
        ),
    ]
    actions = HealthPlanAction.objects.filter(
        plan__assessment__child=child, completed_on__isnull=True
    ).order_by("due_date")
    if actions:
        story += [Paragraph("Things still to do from your health plan", styles["Heading2"])]
        story += [
            _table([["Need", "Action", "Who"]] + [[a.need, a.action, a.owner] for a in actions])
        ]
    story += [
        Spacer(1, 8 * mm),
        Paragraph(
            "Keep this with your important papers. Your GP can give you your full health record.",
            styles["Italic"],
        ),
    ]
    buffer = BytesIO()
    # Uncompressed and reproducible: the same record always gives the same file.
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Health history: {child.full_name}",
        invariant=True,
        pageCompression=0,
    )
    document.build(story)
    return buffer.getvalue()


def _table(rows: list[list[str]]) -> Table:
    table = Table(rows, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table
