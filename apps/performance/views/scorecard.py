"""The scorecard, a KPI's trend, and the children behind a figure."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.accounts.models import Organisation
from apps.performance import charts
from apps.performance.forms import DrilldownForm, ScorecardForm
from apps.performance.models import ExportFormat, ExportKind, Kpi
from apps.performance.rules import RAG_LABELS, shift_month
from apps.performance.selectors import (
    BREAKDOWNS,
    COLUMN_LABELS,
    DRILLDOWN_SETS,
    UASC_OPTIONS,
    kpi_drilldown,
    kpi_trend,
    scorecard,
)
from apps.performance.views.base import (
    PAGE_SIZE,
    STREAM_LIMIT,
    _download,
    _invalid,
    _requested_format,
    _url,
    reporting_page,
)
from apps.performance.views.snapshots import _figures_source


@require_GET
@reporting_page
def scorecard_page(request: HttpRequest, authorities: list[Organisation]) -> HttpResponse:
    today = timezone.localdate()
    form = ScorecardForm(request.GET, authorities=authorities, today=today)
    valid = form.is_valid()
    file_format = _requested_format(request, form)
    context = {
        "form": form,
        "authorities": authorities,
        "uasc_options": UASC_OPTIONS,
        "breakdowns": BREAKDOWNS,
    }
    if not valid or form.errors:
        return _invalid(request, "performance/scorecard.html", context)
    params = form.params()
    query = params.as_query()
    if file_format:
        return _download(
            request, kind=ExportKind.SCORECARD, file_format=file_format, params=query, today=today
        )
    card = scorecard(
        local_authority=params.local_authority,
        month=params.month,
        uasc=params.uasc,
        breakdown=params.breakdown,
        today=today,
    )
    base = {k: v for k, v in query.items() if k != "breakdown"}
    previous = {**base, "month": f"{shift_month(params.month, -1):%Y-%m}"}
    year_ago = {**base, "month": f"{shift_month(params.month, -12):%Y-%m}"}
    rows = []
    for row in card.rows:
        code = row.kpi.code
        links = {
            "detail": _url("performance-kpi", base, code=code),
            "numerator": _url("performance-drilldown", {**base, "set": "numerator"}, code=code),
            "denominator": _url("performance-drilldown", {**base, "set": "denominator"}, code=code),
            "not_met": _url("performance-drilldown", {**base, "set": "not_met"}, code=code),
            "previous": _url("performance-drilldown", previous, code=code),
            "year_ago": _url("performance-drilldown", year_ago, code=code),
        }
        groups = [
            (
                group,
                {
                    which: _url(
                        "performance-drilldown",
                        {**query, "set": which, "group": group.key},
                        code=code,
                    )
                    for which in ("numerator", "denominator")
                },
            )
            for group in row.breakdown
        ]
        rows.append({"row": row, "links": links, "groups": groups})
    context.update(
        {
            "card": card,
            "rows": rows,
            "query": urlencode(query),
            "show_uasc_effect": form.cleaned_data.get("show_uasc_effect"),
            "rag_labels": RAG_LABELS,
            **_figures_source(request, card.computed_at, params),
        }
    )
    return render(request, "performance/scorecard.html", context)


@require_GET
@reporting_page
def kpi_page(request: HttpRequest, authorities: list[Organisation], code: str) -> HttpResponse:
    kpi = get_object_or_404(Kpi, code=code, is_active=True)
    today = timezone.localdate()
    form = ScorecardForm(request.GET, authorities=authorities, today=today)
    context = {"form": form, "kpi": kpi}
    if not form.is_valid():
        return _invalid(request, "performance/kpi.html", context)
    params = form.params()
    points = kpi_trend(
        local_authority=params.local_authority,
        kpi=kpi,
        month=params.month,
        uasc=params.uasc,
        today=today,
    )
    context.update(_figures_source(request, points.computed_at, params))
    current = points[-1]
    query = {k: v for k, v in params.as_query().items() if k != "breakdown"}
    chart = charts.trend_chart(
        chart_id=f"trend-{kpi.code.lower()}",
        title=f"{kpi.name}: 12 months to {params.month:%B %Y}",
        unit=kpi.unit,
        polarity=kpi.polarity,
        labels=[f"{p.month:%b %y}" for p in points],
        values=[p.figure.result for p in points],
        target=current.target,
        floor=current.floor,
    )
    trend = [
        {
            "point": p,
            "link": _url(
                "performance-drilldown", {**query, "month": f"{p.month:%Y-%m}"}, code=kpi.code
            ),
        }
        for p in points
    ]
    context.update(
        {
            "params": params,
            "current": current,
            "trend": trend,
            "chart": chart,
            "query": urlencode(query),
            "has_calculation": kpi.code in _calculated_codes(),
        }
    )
    return render(request, "performance/kpi.html", context)


def _calculated_codes() -> set[str]:
    from apps.performance.measures import MEASURES

    return {code for code, calculation in MEASURES.items() if calculation is not None}


@require_GET
@reporting_page
def drilldown_page(
    request: HttpRequest, authorities: list[Organisation], code: str
) -> HttpResponse:
    kpi = get_object_or_404(Kpi, code=code, is_active=True)
    today = timezone.localdate()
    form = DrilldownForm(request.GET, authorities=authorities, today=today)
    valid = form.is_valid()
    file_format = _requested_format(request, form)
    context = {"form": form, "kpi": kpi, "sets": DRILLDOWN_SETS}
    if not valid or form.errors:
        return _invalid(request, "performance/drilldown.html", context)
    params = form.params()
    data = form.cleaned_data
    drilldown = kpi_drilldown(
        user=request.user,
        local_authority=params.local_authority,
        kpi=kpi,
        month=params.month,
        uasc=params.uasc,
        which=data["set"],
        breakdown=params.breakdown,
        group=data.get("group") or None,
        today=today,
    )
    query = {**params.as_query(), "set": data["set"]}
    if data.get("group"):
        query["group"] = data["group"]
    context.update({"params": params, "drilldown": drilldown, "query": query})
    if drilldown is None:
        return render(request, "performance/drilldown.html", context)
    page = Paginator(drilldown.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    visible = page.paginator.count
    if file_format and visible <= STREAM_LIMIT:
        return _download(
            request,
            kind=ExportKind.DRILLDOWN,
            file_format=file_format,
            params={**query, "kpi": kpi.code},
            today=today,
        )
    context.update(
        {
            "page": page,
            "visible": visible,
            "hidden": drilldown.total - visible,
            "columns": [(c, COLUMN_LABELS.get(c, c)) for c in drilldown.columns],
            "too_large": bool(file_format),
            "stream_limit": STREAM_LIMIT,
            "export_formats": ExportFormat.choices,
            "export_params": {**query, "kpi": kpi.code},
            "export_kind": ExportKind.DRILLDOWN,
            "query_string": urlencode(query),
        }
    )
    return render(request, "performance/drilldown.html", context)
