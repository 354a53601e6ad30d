from django import template
from django.utils.html import format_html

register = template.Library()

# Traffic-light tags for clock statuses (GOV.UK tag colours).
_STATUS = {
    "PENDING": ("Pending", "govuk-tag--grey"),
    "AT_RISK": ("Due soon", "govuk-tag--yellow"),
    "OVERDUE": ("Overdue", "govuk-tag--red"),
    "MET": ("Met", "govuk-tag--green"),
    "BREACHED": ("Breached", "govuk-tag--red"),
    "NOT_REQUIRED": ("Not required", "govuk-tag--grey"),
    "DECLINED": ("Declined", "govuk-tag--purple"),
}
_PARTY = {"LA": "Local authority", "HEALTH": "Health", "UNDETERMINED": "Undetermined"}


@register.simple_tag
def status_tag(status: str):
    label, css = _STATUS.get(status, (status, "govuk-tag--grey"))
    return format_html('<strong class="govuk-tag {}">{}</strong>', css, label)


@register.filter
def party_label(party: str) -> str:
    return _PARTY.get(party, party or "")


@register.filter
def reason_label(reason: str) -> str:
    """A breach reason code in words; blank is the reports' "no reason given"."""
    from apps.assessments.models.assessment import REASON_CHOICES

    return dict(REASON_CHOICES).get(reason, "No reason given") if reason else "No reason given"
