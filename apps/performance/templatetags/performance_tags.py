"""Formatting of figures, RAG tags and direction of travel for the performance pages."""

from decimal import Decimal

from django import template
from django.utils.html import format_html

from apps.performance.rules import RAG_LABELS, Direction, Rag, Unit

register = template.Library()

# GOV.UK tag colours: green, yellow for amber, red.
_RAG_CLASSES = {
    Rag.GREEN: "govuk-tag--green",
    Rag.AMBER: "govuk-tag--yellow",
    Rag.RED: "govuk-tag--red",
}
_DIRECTION = {
    Direction.IMPROVING: ("↑", "Improving"),
    Direction.WORSENING: ("↓", "Worsening"),
    Direction.SAME: ("→", "Same"),
}


@register.simple_tag
def rag_tag(rag):
    if not rag:
        return format_html('<span class="govuk-body-s">{}</span>', "No RAG")
    rag = Rag(rag)
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', _RAG_CLASSES[rag], RAG_LABELS[rag]
    )


@register.filter
def number(value) -> str:
    """A target, floor or count without needless decimals: 90.00 -> 90, 62.40 -> 62.4."""
    if value is None:
        return "–"
    if isinstance(value, Decimal):
        normalised = value.normalize()
        return (
            format(normalised, "f") if normalised == normalised.to_integral() else str(normalised)
        )
    return str(value)


@register.filter
def result(value, unit: str = Unit.PERCENT) -> str:
    # "" is what the template engine gives for a figure of a KPI that has none (adoption).
    if value is None or value == "":
        return "No data"
    text = f"{Decimal(value):.1f}"
    if unit == Unit.PERCENT:
        return f"{text}%"
    if unit == Unit.DAYS:
        return f"{text} days"
    return text


@register.filter
def signed(value) -> str:
    if value is None or value == "":
        return "–"
    return f"{value:+.1f}"


@register.simple_tag
def direction_tag(direction):
    if not direction:
        return format_html('<span class="govuk-body-s">{}</span>', "Not comparable")
    arrow, words = _DIRECTION[Direction(direction)]
    return format_html('<span aria-hidden="true">{}</span> {}', arrow, words)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None
