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


@register.filter
def error_target(field) -> str:
    """The id an error summary link goes to: the field's first input. The first radio and
    the day of a date input carry the field's own id (templates/gds/layout/radio_item.html,
    apps.core.forms.DateInput), as in govuk-frontend."""
    return field.auto_id


@register.inclusion_tag("govuk/service_navigation_items.html", takes_context=True)
def service_navigation(context):
    """The signed-in user's menu (apps.core.navigation), the current page marked."""
    from django.urls import reverse

    from apps.core.navigation import current_item, menu_for

    request = context.get("request")
    if request is None:
        return {"items": []}
    items = menu_for(getattr(request.user, "role", None))
    current = current_item(items, request.path)
    return {
        "items": [
            {
                "label": item.label,
                "href": reverse(item.url_name),
                "current": item == current,
                "active": item == current and request.path != reverse(item.url_name),
            }
            for item in items
        ]
    }


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """This page's query string with another page number (pagination links)."""
    query = context["request"].GET.copy()
    query["page"] = number
    return f"?{query.urlencode()}"


@register.simple_tag
def page_items(page) -> list[int | None]:
    """The numbered links of a page's pagination: the first and last pages, this page and
    its neighbours, and None for each gap (an ellipsis). From Django's elided range, so a
    list of 100,000 rows (4,000 pages) costs six items, not a loop over every page."""
    paginator = page.paginator
    return [
        None if number == paginator.ELLIPSIS else number
        for number in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    ]


@register.simple_tag
def session_idle_seconds() -> int:
    """The idle limit the timeout warning counts down to (SESSION_IDLE_TIMEOUT)."""
    from django.conf import settings

    return int(settings.SESSION_IDLE_TIMEOUT.total_seconds())


@register.filter
def in_sentence(label) -> str:
    """A sentence-case label used inside a sentence: its first letter lower-cased, unless
    its first word is an abbreviation ("Paediatrician" -> "paediatrician", "LAC nurse" and
    "LA request sent after its deadline" unchanged). Django's ``lower`` would turn them into
    "lac nurse" and "la request ..."."""
    text = str(label or "")
    first = text.split(" ", 1)[0]
    if not text or (len(first) > 1 and first.isupper()):
        return text
    return text[0].lower() + text[1:]
