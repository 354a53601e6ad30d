"""CSV and XLSX files of the scorecard, the quarterly breach report and the drill-down lists,
built from the same selectors as the pages."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook

from apps.core.spreadsheets import neutralise_formula
from apps.performance.rules import RAG_LABELS
from apps.performance.selectors import (
    BREACH_DRILLDOWN_FIELDS,
    COLUMN_LABELS,
    BreachReport,
    Figure,
    Scorecard,
)

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: Iterable[list]


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return neutralise_formula(value)


def write_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([v.isoformat() if isinstance(v, date) else _cell(v) for v in row])
    # A byte-order mark so that Excel opens the UTF-8 file with names intact.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(tables: list[Table]) -> bytes:
    workbook = Workbook(write_only=True)
    for table in tables:
        sheet = workbook.create_sheet(title=table.title[:31])
        sheet.append(table.headers)
        for row in table.rows:
            sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write(tables: list[Table], file_format: str) -> bytes:
    if file_format == "csv":
        # One CSV holds one table; the reports that have several put them in one table
        # with a column saying which (see breach_table).
        return write_csv(tables[0])
    return write_xlsx(tables)


# ---------------------------------------------------------------------------------------
# Tables


def _figure_cells(figure: Figure) -> list:
    return [figure.numerator, figure.denominator, figure.result]


def scorecard_table(card: Scorecard) -> Table:
    headers = [
        "Local authority",
        "Month",
        "UASC",
        "KPI code",
        "KPI",
        "Group",
        "Polarity",
        "Period",
        "From",
        "To",
        "Numerator",
        "Denominator",
        "Result",
        "Unit",
        "RAG",
        "Target",
        "Floor",
        "Previous month",
        "Same month last year",
        "Direction of travel",
        "Including UASC",
        "Excluding UASC",
        "Effect of excluding UASC",
    ]

    def rows() -> Iterator[list]:
        common = [card.local_authority.code, f"{card.month:%Y-%m}", card.uasc]
        for row in card.rows:
            kpi = row.kpi
            head = [kpi.code, kpi.name]
            tail = [kpi.polarity, kpi.period_type, row.window.start, row.window.end]
            uasc = row.uasc
            yield [
                *common,
                *head,
                "All",
                *tail,
                *_figure_cells(row.current),
                kpi.unit,
                RAG_LABELS.get(row.rag, "") if row.rag else "",
                row.target,
                row.floor,
                row.previous.result,
                row.year_ago.result,
                row.direction.value if row.direction else "",
                uasc.including.result if uasc else None,
                uasc.excluding.result if uasc else None,
                uasc.difference if uasc else None,
            ]
            for group in row.breakdown:
                yield [
                    *common,
                    *head,
                    group.label,
                    *tail,
                    *_figure_cells(group.figure),
                    kpi.unit,
                    RAG_LABELS.get(group.rag, "") if group.rag else "",
                    row.target,
                    row.floor,
                    *([None] * 6),
                ]

    return Table("Scorecard", headers, rows())


def breach_table(report: BreachReport) -> Table:
    headers = [
        "Local authority",
        "Financial year",
        "Provider",
        "Assessment",
        "Age band",
        "Period",
        "Requiring",
        "Within timescale",
        "Compliance %",
        "Breaches LA",
        "Breaches health",
        "No reason given",
        "Not yet attributed",
        "Disputed",
    ]

    def rows() -> Iterator[list]:
        common = [
            report.local_authority.code,
            f"{report.year}-{(report.year + 1) % 100:02d}",
            report.provider.code if report.provider else "All",
        ]
        sections = [("IHA", "", report.iha)] + [
            ("RHA", band, rows) for band, rows in report.rha.items()
        ]
        for kind, band, section in sections:
            for row in section:
                yield [
                    *common,
                    kind,
                    band,
                    row.period,
                    row.requiring,
                    row.within,
                    row.compliance_pct,
                    row.breaches_la,
                    row.breaches_health,
                    row.no_reason,
                    row.not_attributed,
                    row.disputed,
                ]

    return Table("Breaches", headers, rows())


def drilldown_table(title: str, columns: list[str], rows: Iterable[dict]) -> Table:
    labels = {**COLUMN_LABELS, "party": "Charged to", "reason": "Reason"}
    return Table(
        title,
        [labels.get(c, c) for c in columns],
        ([row.get(c) for c in columns] for row in rows),
    )


# ---------------------------------------------------------------------------------------
# Building a file from a page's parameters (directly, or in an export job)


@dataclass
class ExportFile:
    filename: str
    content_type: str
    content: bytes
    row_count: int


def _counted(rows: Iterable, total: int, progress) -> Iterator:
    """Pass rows through, reporting progress every 500 rows (the job's progress bar)."""
    for done, row in enumerate(rows, start=1):
        yield row
        if progress is not None and done % 500 == 0 and total:
            progress(min(99, done * 100 // total))


def validated_form(kind: str, user, params: dict, today: date):
    """The page's form for an export kind, bound to ``params`` and checked with the user's
    own reporting scope (raises ValidationError naming the field)."""
    from django.core.exceptions import ValidationError

    from apps.performance.forms import BreachDrilldownForm, BreachForm, DrilldownForm, ScorecardForm
    from apps.performance.selectors import providers, reporting_authorities_for

    authorities = reporting_authorities_for(user)
    if not authorities:
        raise ValidationError({"kind": "You cannot export performance reports."})
    form_class = {
        "SCORECARD": ScorecardForm,
        "BREACHES": BreachForm,
        "DRILLDOWN": DrilldownForm,
        "BREACH_DRILLDOWN": BreachDrilldownForm,
    }[kind]
    extra = {"providers": providers()} if form_class in (BreachForm, BreachDrilldownForm) else {}
    form = form_class(params, authorities=authorities, today=today, **extra)
    if not form.is_valid():
        raise ValidationError({field: errors for field, errors in form.errors.items()})
    if kind == "DRILLDOWN":
        from apps.performance.models import Kpi

        kpi = Kpi.objects.filter(code=params.get("kpi", ""), is_active=True).first()
        if kpi is None:
            raise ValidationError({"kpi": "There is no KPI with this code."})
        form.kpi = kpi
    return form


# The export kinds an app above this one builds (issue 12: registered, not imported). One
# child's whole record for the DPO (SUBJECT_ACCESS) is built by the audit app, which decides
# who may ask; it shares the job, progress and fetch-once download of every export.
_BUILDERS: dict[str, Callable[..., ExportFile]] = {}


def register_builder(kind: str, builder: Callable[..., ExportFile]) -> None:
    """``builder(user=, params=, progress=)`` builds the file of the export jobs of ``kind``."""
    _BUILDERS[kind] = builder


def build_export(
    *, kind: str, file_format: str, user, params: dict, today: date, progress=None
) -> ExportFile:
    from apps.performance.selectors import breach_drilldown, breach_report, kpi_drilldown, scorecard

    if kind in _BUILDERS:
        return _BUILDERS[kind](user=user, params=params, progress=progress)
    form = validated_form(kind, user, params, today)
    data = form.cleaned_data
    content_type = CONTENT_TYPES[file_format]
    if kind == "SCORECARD":
        p = form.params()
        card = scorecard(
            local_authority=p.local_authority,
            month=p.month,
            uasc=p.uasc,
            breakdown=p.breakdown,
            today=today,
        )
        table = scorecard_table(card)
        content = write([table], file_format)
        name = f"scorecard-{p.local_authority.code}-{p.month:%Y-%m}"
        return ExportFile(f"{name}.{file_format}", content_type, content, len(card.rows))
    if kind == "BREACHES":
        p = form.params()
        report = breach_report(
            local_authority=p.local_authority, year=p.year, provider=p.provider, today=today
        )
        content = write([breach_table(report)], file_format)
        name = f"breaches-{p.local_authority.code}-{p.year}"
        if p.provider:
            name += f"-{p.provider.code}"
        return ExportFile(f"{name}.{file_format}", content_type, content, 15)
    if kind == "DRILLDOWN":
        p = form.params()
        drilldown = kpi_drilldown(
            user=user,
            local_authority=p.local_authority,
            kpi=form.kpi,
            month=p.month,
            uasc=p.uasc,
            which=data["set"],
            breakdown=p.breakdown,
            group=data.get("group") or None,
            today=today,
        )
        if drilldown is None:
            rows, columns, count = [], ["child_id"], 0
        else:
            count = drilldown.rows.count()
            rows = _counted(drilldown.rows.iterator(chunk_size=2000), count, progress)
            columns = drilldown.columns
        title = f"{form.kpi.code} {p.month:%Y-%m}"
        content = write([drilldown_table(title, columns, rows)], file_format)
        name = f"{form.kpi.code.lower()}-{p.local_authority.code}-{p.month:%Y-%m}-{data['set']}"
        return ExportFile(f"{name}.{file_format}", content_type, content, count)
    p = form.params()
    rows, _total = breach_drilldown(
        user=user,
        local_authority=p.local_authority,
        year=p.year,
        kind=data["kind"],
        band=data["band"],
        quarter=data["quarter"],
        column=data["column"],
        provider=p.provider,
        today=today,
    )
    count = rows.count()
    columns = BREACH_DRILLDOWN_FIELDS
    title = f"{data['kind']} {data['quarter']} {p.year}"
    content = write(
        [
            drilldown_table(
                title, columns, _counted(rows.iterator(chunk_size=2000), count, progress)
            )
        ],
        file_format,
    )
    name = f"breaches-{p.local_authority.code}-{p.year}-{data['kind'].lower()}-{data['quarter'].lower()}-{data['column']}"
    return ExportFile(f"{name}.{file_format}", content_type, content, count)
