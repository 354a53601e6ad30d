"""The care leaver's personal health history (DOMAIN.md 4) from the same data as the
write-ups: the immunisations and the last dental check as recorded, the latest signed
write-up's GP, allergies and medicines, the health plan's open actions phrased for the
young person, and the issuing clinician with a contact. A tagged PDF/UA-1, like the report.

It sits beside apps/assessments/health_history_pdf.py (ReportLab, untagged, written from the
free-text HealthHistory record) rather than replacing it; see the issue 14 note."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from apps.assessments.models import DentalCheck, ImmunisationRecord
from apps.children.models import Child
from apps.writeups.models import PlanAction, WriteUp
from apps.writeups.presenters import write_up_view
from apps.writeups.rules.actions import ActionStatus, OwnerKind

_WHO = {
    OwnerKind.YOUNG_PERSON: "You",
    OwnerKind.CARER: "Your carer",
    OwnerKind.SOCIAL_WORKER: "Your social worker",
    OwnerKind.GP: "Your GP",
}


@dataclass(frozen=True)
class YoungPersonAction:
    who: str
    what: str
    by: str


def for_the_young_person(action: PlanAction) -> YoungPersonAction:
    """An action in the second person: "Your GP: arrange the HPV catch-up, by 1 March"."""
    who = _WHO.get(OwnerKind(action.owner_kind)) or action.owner_name or "A named service"
    if action.owner_kind == OwnerKind.NAMED_SERVICE and action.owner_name:
        who = action.owner_name
    return YoungPersonAction(who, action.action, action.due_date.strftime("%-d %B %Y"))


def health_history_context(child: Child) -> dict:
    latest = (
        WriteUp.objects.filter(assessment__child=child, signed_off_at__isnull=False)
        .select_related("assessment__child", "assessment__provider", "signed_off_by")
        .order_by("-assessment__held_on", "-id")
        .first()
    )
    view = write_up_view(latest) if latest else None
    answers = {}
    if view:
        for section in view["sections"]:
            answers[section.key] = section
    open_actions = PlanAction.objects.filter(
        assessment__child=child, status=ActionStatus.OPEN
    ).order_by("due_date", "id")
    return {
        "child": child,
        "latest": latest,
        "view": view,
        "answers": answers,
        # As recorded on the child's record, so the history never contradicts it.
        "immunisation": ImmunisationRecord.objects.filter(child=child)
        .order_by("-checked_on", "-id")
        .first(),
        "dental": DentalCheck.objects.filter(child=child).order_by("-checked_on").first(),
        "actions": [for_the_young_person(a) for a in open_actions],
        "issued": timezone.now(),
    }


def care_leaver_health_history_pdf(child: Child) -> bytes:
    context = health_history_context(child)
    context["created"] = context["issued"].isoformat(timespec="seconds")
    html = render_to_string("writeups/health_history_pdf.html", context)
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
