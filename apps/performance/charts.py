"""Charts as inline SVG drawn on the server: no JavaScript chart library and nothing from a
CDN. Each chart has a title and description for screen readers, and the page puts its
data table beside it (the table is the accessible form of the chart).

Colours only ever repeat what the words and the table say. Presentation attributes are
used rather than ``style`` so a strict Content-Security-Policy needs no exception.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from math import ceil, log10

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.performance.rules import Polarity, Unit

# GOV.UK Frontend tag background tints, so zones match the RAG tags in the tables.
ZONE_GREEN = "#cce2d8"
ZONE_AMBER = "#fff7bf"
ZONE_RED = "#f4cdc6"
LINE = "#0b0c0c"
TARGET = "#1d70b8"
PARTY_COLOURS = {
    "LA": "#1d70b8",
    "HEALTH": "#f47738",
    "DISPUTED": "#912b88",
    "NOT_ATTRIBUTED": "#505a5f",
}
PARTY_LABELS = {
    "LA": "Local authority",
    "HEALTH": "Health",
    "NOT_ATTRIBUTED": "Not yet attributed",
    "DISPUTED": "Disputed",
}

WIDTH, HEIGHT = 640, 280
# The GOV.UK Frontend type, as in the page around the chart.
FONT = "GDS Transport, arial, sans-serif"
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 16, 48


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** int(log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


class _Plot:
    def __init__(self, top: float) -> None:
        self.top = top
        self.inner_width = WIDTH - LEFT - RIGHT
        self.inner_height = HEIGHT - TOP - BOTTOM

    def y(self, value: float) -> float:
        clipped = max(0.0, min(float(value), self.top))
        return TOP + self.inner_height * (1 - clipped / self.top)


def _svg(title: str, description: str, chart_id: str, body: list[str]) -> SafeString:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'class="app-chart" font-family="{FONT}" font-size="12">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        *body,
        "</svg>",
    ]
    return mark_safe("\n".join(parts))  # noqa: S308 - every dynamic text above is escaped


def _y_axis(plot: _Plot, unit: str) -> list[str]:
    out = []
    for tick in range(5):
        value = plot.top * tick / 4
        y = plot.y(value)
        label = _fmt(value) + ("%" if unit == Unit.PERCENT else "")
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#b1b4b6" stroke-width="0.5"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(label)}</text>'
        )
    return out


def _zones(plot: _Plot, polarity: str, target: Decimal, floor: Decimal | None) -> list[str]:
    """Bands of the y axis coloured by the RAG a value there would get."""
    t = float(target)
    f = float(floor) if floor is not None else None
    bands: list[tuple[float, float, str]] = []  # (low, high, colour)
    if polarity == Polarity.HIGHER:
        bands.append((t, plot.top, ZONE_GREEN))
        bands.append((f if f is not None else 0.0, t, ZONE_AMBER))
        if f is not None:
            bands.append((0.0, f, ZONE_RED))
    elif polarity == Polarity.LOWER:
        bands.append((0.0, t, ZONE_GREEN))
        bands.append((t, f if f is not None else plot.top, ZONE_AMBER))
        if f is not None:
            bands.append((f, plot.top, ZONE_RED))
    else:
        tolerance = abs(t - f) if f is not None else 0.0
        bands.append((0.0, plot.top, ZONE_RED))
        bands.append((t - tolerance, t + tolerance, ZONE_AMBER))
        bands.append((t - tolerance / 2, t + tolerance / 2, ZONE_GREEN))
    out = []
    for low, high, colour in bands:
        y_high, y_low = plot.y(high), plot.y(low)
        if y_low - y_high <= 0:
            continue
        out.append(
            f'<rect x="{LEFT}" y="{y_high:.1f}" width="{plot.inner_width}" '
            f'height="{y_low - y_high:.1f}" fill="{colour}"/>'
        )
    return out


def trend_chart(
    *,
    chart_id: str,
    title: str,
    unit: str,
    polarity: str,
    labels: Sequence[str],
    values: Sequence[Decimal | None],
    target: Decimal | None,
    floor: Decimal | None,
) -> SafeString:
    """A line of the monthly results over RAG zones, with the target as a dashed line."""
    known = [float(v) for v in values if v is not None]
    if unit == Unit.PERCENT:
        top = 100.0
    else:
        extremes = known + [float(x) for x in (target, floor) if x is not None]
        top = _nice_ceiling(max(extremes, default=1.0) * 1.15)
    plot = _Plot(top)
    body = []
    if target is not None:
        body += _zones(plot, polarity, target, floor)
    body += _y_axis(plot, unit)
    step = plot.inner_width / max(1, len(labels))
    xs = [LEFT + step * (i + 0.5) for i in range(len(labels))]
    for x, label in zip(xs, labels, strict=True):
        body.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">{escape(label)}</text>'
        )
    if target is not None:
        y = plot.y(float(target))
        body.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{TARGET}" stroke-width="2" stroke-dasharray="6 4"/>'
            f'<text x="{WIDTH - RIGHT - 4}" y="{y - 6:.1f}" text-anchor="end" fill="{TARGET}">'
            f"Target {escape(_fmt(float(target)))}</text>"
        )
    # The line breaks where a month has no figure rather than joining across the gap.
    segment: list[str] = []
    segments = []
    for x, value in zip(xs, values, strict=True):
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{x:.1f},{plot.y(float(value)):.1f}")
    if segment:
        segments.append(segment)
    for points in segments:
        body.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{LINE}" stroke-width="2"/>'
        )
    for x, value, label in zip(xs, values, labels, strict=True):
        if value is not None:
            body.append(
                f'<circle cx="{x:.1f}" cy="{plot.y(float(value)):.1f}" r="4" fill="{LINE}">'
                f"<title>{escape(label)}: {escape(_fmt(float(value)))}</title></circle>"
            )
    body.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{HEIGHT - BOTTOM}" y2="{HEIGHT - BOTTOM}" stroke="{LINE}"/>'
    )
    shown = [
        f"{label} {_fmt(float(v))}"
        for label, v in zip(labels, values, strict=True)
        if v is not None
    ]
    description = (
        f"Monthly results: {', '.join(shown) or 'no data'}."
        + (f" Target {_fmt(float(target))}." if target is not None else "")
        + (f" Floor {_fmt(float(floor))}." if floor is not None else "")
    )
    return _svg(title, description, chart_id, body)


def breaches_chart(
    *, chart_id: str, title: str, groups: Sequence[tuple[str, dict[str, int]]]
) -> SafeString:
    """Stacked bars of breaches by party: one bar per (label, counts by party)."""
    totals = [sum(counts.values()) for _, counts in groups]
    # Counts: a top that is a multiple of 4 keeps the four gridlines on whole numbers.
    top = max(4, ceil(_nice_ceiling(max(totals, default=0) * 1.1) / 4) * 4)
    plot = _Plot(float(top))
    body = _y_axis(plot, "")
    step = plot.inner_width / max(1, len(groups))
    bar = step * 0.6
    for index, (label, counts) in enumerate(groups):
        x = LEFT + step * index + (step - bar) / 2
        base = 0
        for party in PARTY_COLOURS:
            count = counts.get(party, 0)
            if not count:
                continue
            y_top, y_bottom = plot.y(base + count), plot.y(base)
            body.append(
                f'<rect x="{x:.1f}" y="{y_top:.1f}" width="{bar:.1f}" height="{y_bottom - y_top:.1f}" '
                f'fill="{PARTY_COLOURS[party]}"><title>{escape(label)}: {count} '
                f"{escape(PARTY_LABELS[party])}</title></rect>"
            )
            base += count
        body.append(
            f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">{escape(label)}</text>'
        )
    legend_x = LEFT
    for party, colour in PARTY_COLOURS.items():
        body.append(
            f'<rect x="{legend_x}" y="{HEIGHT - 16}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{legend_x + 16}" y="{HEIGHT - 6}">{escape(PARTY_LABELS[party])}</text>'
        )
        legend_x += 150
    body.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{HEIGHT - BOTTOM}" y2="{HEIGHT - BOTTOM}" stroke="{LINE}"/>'
    )
    description = "; ".join(
        f"{label}: " + ", ".join(f"{PARTY_LABELS[p]} {counts.get(p, 0)}" for p in PARTY_COLOURS)
        for label, counts in groups
    )
    return _svg(title, f"Breaches by party. {description}.", chart_id, body)
