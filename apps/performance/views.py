"""Pages: the scorecard, a KPI's trend, the children behind a figure, the quarterly breach
report, and export jobs. Views validate the query, call a selector (or a service for an
export job) and render; bad input is a 400 page with a GOV.UK error summary."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.models import Organisation
from apps.performance import charts
from apps.performance.exports import ExportFile, build_export
from apps.performance.forms import BreachDrilldownForm, BreachForm, DrilldownForm, ScorecardForm
from apps.performance.models import ExportFormat, ExportJob, ExportKind, ExportStatus, Kpi
from apps.performance.params import check_authority, check_month
from apps.performance.rules import RAG_LABELS, shift_month
from apps.performance.selectors import (
    BREACH_COLUMNS,
    BREAKDOWNS,
    COLUMN_LABELS,
    DRILLDOWN_SETS,
    UASC_OPTIONS,
    breach_drilldown,
    breach_report,
    kpi_drilldown,
    kpi_trend,
    providers,
    reporting_authorities_for,
    scorecard,
    user_can_build_snapshots,
)
from apps.performance.selectors.breaches import BREACH_DRILLDOWN_FIELDS, QUARTERS, YEAR
from apps.performance.services import export_job_fetch, export_job_request
from apps.performance.tasks import enqueue_snapshot_build

PAGE_SIZE = 100
# Drill-down lists up to this many rows download at once; longer ones are prepared by a
# worker (an export job) so that a request never holds a web worker for minutes.
STREAM_LIMIT = 2000


def reporting_page(view: Callable) -> Callable:
    """Signed in, with a reporting role (else 404, as for a record one may not see); the
    view receives the LAs the user may report on."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        authorities = reporting_authorities_for(request.user)
        if not authorities:
            raise Http404
        return view(request, authorities, *args, **kwargs)

    return wrapper


def _url(name: str, query: dict, **kwargs) -> str:
    return f"{reverse(name, kwargs=kwargs or None)}?{urlencode(query)}"


def _attachment(built: ExportFile) -> HttpResponse:
    response = HttpResponse(built.content, content_type=built.content_type)
    response["Content-Disposition"] = f'attachment; filename="{built.filename}"'
    return response


def _requested_format(request: HttpRequest, form) -> str | None:
    """``?format=csv|xlsx`` asks for a file; anything else is an error on the form."""
    file_format = request.GET.get("format")
    if file_format and file_format not in (ExportFormat.CSV, ExportFormat.XLSX):
        form.add_error(None, "Choose a download format of csv or xlsx.")
        return None
    return file_format or None


def _invalid(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    return render(request, template, context, status=400)


# ---------------------------------------------------------------------------------------
# Scorecard


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
        return _attachment(
            build_export(
                kind=ExportKind.SCORECARD,
                file_format=file_format,
                user=request.user,
                params=query,
                today=today,
            )
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


def _figures_source(request: HttpRequest, computed_at, params) -> dict:
    """What the page says of its figures: when they were stored, or that they were computed
    for this request (with a button to store them, for a performance manager)."""
    return {
        "figures_computed_at": computed_at,
        "figures_month": params.month,
        "figures_la": params.local_authority,
        "can_build_snapshot": computed_at is None and user_can_build_snapshots(request.user),
        "snapshot_back": request.get_full_path(),
    }


@require_POST
@reporting_page
def snapshot_request(request: HttpRequest, authorities: list[Organisation]) -> HttpResponse:
    """A performance manager asks for a month's figures to be stored now (built by a
    worker; the nightly job builds the default months anyway)."""
    if not user_can_build_snapshots(request.user):
        raise Http404
    errors: dict[str, list[str]] = {}
    try:
        authority = check_authority(request.POST.get("la"), authorities)
    except ValueError as error:
        errors["Local authority"] = [str(error)]
    text = request.POST.get("month", "")
    try:
        # A month is required here: the pages' default month is theirs to choose.
        month = check_month(text or "none", timezone.localdate())
    except ValueError as error:
        errors["Month"] = [str(error)]
    if errors:
        return render(request, "performance/snapshot_invalid.html", {"errors": errors}, status=400)
    enqueue_snapshot_build(authority.pk, f"{month:%Y-%m}")
    back = request.POST.get("next", "")
    if not back.startswith("/performance/scorecard/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts=None
    ):
        back = _url("performance-scorecard", {"la": authority.code, "month": f"{month:%Y-%m}"})
    return redirect(back)


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
        return _attachment(
            build_export(
                kind=ExportKind.DRILLDOWN,
                file_format=file_format,
                user=request.user,
                params={**query, "kpi": kpi.code},
                today=today,
            )
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


# ---------------------------------------------------------------------------------------
# Quarterly breach report


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
        return _attachment(
            build_export(
                kind=ExportKind.BREACHES,
                file_format=file_format,
                user=request.user,
                params=query,
                today=today,
            )
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
        return _attachment(
            build_export(
                kind=ExportKind.BREACH_DRILLDOWN,
                file_format=file_format,
                user=request.user,
                params=query,
                today=today,
            )
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


# ---------------------------------------------------------------------------------------
# Export jobs


@require_POST
@reporting_page
def export_create(request: HttpRequest, authorities: list[Organisation]) -> HttpResponse:
    params = {
        key: value
        for key, value in request.POST.items()
        if key not in {"csrfmiddlewaretoken", "kind", "file_format"}
    }
    try:
        job = export_job_request(
            requested_by=request.user,
            kind=request.POST.get("kind", ""),
            file_format=request.POST.get("file_format", ""),
            params=params,
        )
    except ValidationError as error:
        return render(
            request,
            "performance/export_invalid.html",
            {
                "errors": error.message_dict
                if hasattr(error, "error_dict")
                else {"": error.messages}
            },
            status=400,
        )
    return redirect("performance-export", job_id=job.pk)


def _own_job(request: HttpRequest, job_id) -> ExportJob:
    # Someone else's export is a 404: its existence is not theirs to know.
    return get_object_or_404(
        ExportJob.objects.defer("content"), pk=job_id, requested_by=request.user
    )


@require_GET
@reporting_page
def export_status(request: HttpRequest, authorities: list[Organisation], job_id) -> HttpResponse:
    job = _own_job(request, job_id)
    return render(request, "performance/export.html", {"job": job, "statuses": ExportStatus})


@require_GET
@reporting_page
def export_progress(request: HttpRequest, authorities: list[Organisation], job_id) -> HttpResponse:
    """The progress panel alone, polled by htmx while the job runs."""
    job = _own_job(request, job_id)
    return render(
        request, "performance/_export_progress.html", {"job": job, "statuses": ExportStatus}
    )


@require_GET
@reporting_page
def export_download(request: HttpRequest, authorities: list[Organisation], job_id) -> HttpResponse:
    job = _own_job(request, job_id)
    try:
        download = export_job_fetch(job=job, user=request.user)
    except ValidationError:
        return redirect("performance-export", job_id=job.pk)
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    return response
