"""The quarterly breach report and the children behind its figures."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.accounts.models import Organisation
from apps.performance import charts
from apps.performance.forms import BreachDrilldownForm, BreachForm
from apps.performance.models import ExportFormat, ExportKind
from apps.performance.selectors import (
    BREACH_COLUMNS,
    COLUMN_LABELS,
    breach_drilldown,
    breach_report,
    providers,
)
from apps.performance.selectors.breaches import BREACH_DRILLDOWN_FIELDS, QUARTERS, YEAR
from apps.performance.views.base import (
    PAGE_SIZE,
    STREAM_LIMIT,
    _download,
    _invalid,
    _requested_format,
    _url,
    reporting_page,
)


@require_GET
@reporting_page
def breaches_page(request: HttpRequest, authorities: list[Organisation]) -> HttpResponse:
    today = timezone.localdate()
    form = BreachForm(request.GET, authorities=authorities, today=today, providers=providers())
    valid = form.is_valid()
    file_format = _requested_format(request, form)
    context = {"form": form}
    if not valid or form.errors:
        return _invalid(request, "performance/breaches.html", context)
    params = form.params()
    query = params.as_query()
    if file_format:
        return _download(
            request, kind=ExportKind.BREACHES, file_format=file_format, params=query, today=today
        )
    report = breach_report(
        local_authority=params.local_authority,
        year=params.year,
        provider=params.provider,
        today=today,
    )

    def section(kind: str, band: str, rows) -> dict:
        return {
            "kind": kind,
            "band": band,
            "title": "Initial health assessments"
            if kind == "IHA"
            else f"Review health assessments, aged {band}",
            "rows": [
                {
                    "row": row,
                    "links": {
                        column: _url(
                            "performance-breach-drilldown",
                            {
                                **query,
                                "kind": kind,
                                "band": band,
                                "quarter": row.period,
                                "column": column,
                            },
                        )
                        for column in BREACH_COLUMNS
                    },
                }
                for row in rows
            ],
        }

    sections = [section("IHA", "", report.iha)] + [
        section("RHA", band, rows) for band, rows in report.rha.items()
    ]
    chart_data = {
        "IHA": [(r.period, _party_counts(r)) for r in report.iha[:4]],
        "RHA": [
            (q, _party_counts(*(report.rha[band][i] for band in report.rha)))
            for i, q in enumerate(QUARTERS)
        ],
    }
    chart_list = [
        {
            "title": f"{label} breaches by party, {report.label}",
            "svg": charts.breaches_chart(
                chart_id=f"breaches-{kind.lower()}",
                title=f"{label} breaches by party per quarter, {report.label}",
                groups=chart_data[kind],
            ),
            "rows": chart_data[kind],
        }
        for kind, label in (("IHA", "IHA"), ("RHA", "RHA"))
    ]
    context.update(
        {
            "report": report,
            "sections": sections,
            "charts": chart_list,
            "query": urlencode(query),
            "party_labels": charts.PARTY_LABELS,
        }
    )
    return render(request, "performance/breaches.html", context)


def _party_counts(*rows) -> dict[str, int]:
    return {
        "LA": sum(r.breaches_la for r in rows),
        "HEALTH": sum(r.breaches_health for r in rows),
        "NOT_ATTRIBUTED": sum(r.not_attributed for r in rows),
        "DISPUTED": sum(r.disputed for r in rows),
    }


@require_GET
@reporting_page
def breach_drilldown_page(request: HttpRequest, authorities: list[Organisation]) -> HttpResponse:
    today = timezone.localdate()
    form = BreachDrilldownForm(
        request.GET, authorities=authorities, today=today, providers=providers()
    )
    valid = form.is_valid()
    file_format = _requested_format(request, form)
    context = {"form": form}
    if not valid or form.errors:
        return _invalid(request, "performance/breach_drilldown.html", context)
    params = form.params()
    data = form.cleaned_data
    rows, total = breach_drilldown(
        user=request.user,
        local_authority=params.local_authority,
        year=params.year,
        kind=data["kind"],
        band=data["band"],
        quarter=data["quarter"],
        column=data["column"],
        provider=params.provider,
        today=today,
    )
    query = {
        **params.as_query(),
        "kind": data["kind"],
        "band": data["band"],
        "quarter": data["quarter"],
        "column": data["column"],
    }
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    visible = page.paginator.count
    if file_format and visible <= STREAM_LIMIT:
        return _download(
            request,
            kind=ExportKind.BREACH_DRILLDOWN,
            file_format=file_format,
            params=query,
            today=today,
        )
    labels = {**COLUMN_LABELS, "party": "Charged to", "reason": "Reason"}
    context.update(
        {
            "params": params,
            "data": data,
            "column_label": BREACH_COLUMNS[data["column"]],
            "page": page,
            "visible": visible,
            "hidden": total - visible,
            "columns": [(c, labels.get(c, c)) for c in BREACH_DRILLDOWN_FIELDS],
            "too_large": bool(file_format),
            "stream_limit": STREAM_LIMIT,
            "export_formats": ExportFormat.choices,
            "export_params": query,
            "export_kind": ExportKind.BREACH_DRILLDOWN,
            "query_string": urlencode(query),
            "back": _url("performance-breaches", params.as_query()),
            "quarters": [*QUARTERS, YEAR],
        }
    )
    return render(request, "performance/breach_drilldown.html", context)
