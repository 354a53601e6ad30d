"""The quarterly breach report in the published Kent format (DOMAIN.md 5 and 8).

Per quarter of a financial year (April to March) and for the year: the assessments
requiring completion, those within timescale, compliance %, the breaches charged to the LA
and to health, and of health's those with no reason given; RHAs split 0-5 / 5-18 by age
on the due date.

Definitions:
- An IHA or RHA belongs to the quarter its DUE DATE falls in (the day it breaches or not);
  only clocks due on or before the reporting date count, so the current year fills in as
  it goes and a clock still open is never called a breach early.
- Requiring: not "not required", and not declined when the LA's policy excludes declined
  assessments (Default).
- Within timescale: held on or before the due date.
- A breach is charged to the effective party: a manager's override if any, else the
  automatic attribution (``override_party or breach_party``), likewise the reason.
- "No reason given": a breach charged to health with no reason (DOMAIN.md 5). These are
  part of the health column and shown beside it, as in the Kent tables.
- A breach with no party yet (UNDETERMINED, or not yet swept) is counted as "not yet
  attributed".
- A breach one agency has proposed to charge to the other, not yet agreed (the proposal
  waits for an answer or was disputed: apps.assessments.rules.proposals), is counted as
  "disputed", not in either agency's column. Rows always balance:
  within + LA + health + disputed + not attributed = requiring.

ONE aggregate query, grouped by kind, age band and quarter.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from apps.accounts.models import Organisation, OrganisationKind, User
from apps.assessments.models import Assessment, BreachProposal
from apps.assessments.rules.proposals import OPEN_STATES
from apps.children.selectors import visible_child_ids
from apps.performance.measures import age_expression
from apps.performance.rules import (
    Window,
    financial_year_window,
    quarter_window,
    reporting_date,
    whole_percent,
)
from apps.performance.selectors.counting import reporting_queries
from apps.policy.rules import Party
from apps.policy.selectors import policy_lookup

QUARTERS = ["Q1", "Q2", "Q3", "Q4"]
YEAR = "Year"
RHA_BANDS = ["0-5", "5-18"]
BREACH_COLUMNS = {
    "requiring": "Requiring assessment",
    "within": "Within timescale",
    "breaches_la": "Breaches: LA",
    "breaches_health": "Breaches: health",
    "no_reason": "Health: no reason given",
    "disputed": "Disputed",
    "not_attributed": "Not yet attributed",
}

BREACH_DRILLDOWN_FIELDS = [
    "child_id",
    "la_child_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "team_name",
    "kind",
    "clock_start",
    "request_due",
    "request_complete_on",
    "due_date",
    "held_on",
    "provider_code",
    "party",
    "reason",
]


@dataclass(frozen=True)
class BreachRow:
    period: str
    requiring: int
    within: int
    breaches_la: int
    breaches_health: int
    no_reason: int
    not_attributed: int
    disputed: int = 0

    @property
    def compliance_pct(self) -> int | None:
        return whole_percent(self.within, self.requiring)

    @property
    def breaches(self) -> int:
        return self.requiring - self.within


@dataclass(frozen=True)
class BreachReport:
    local_authority: Organisation
    year: int
    provider: Organisation | None
    as_at: date
    iha: list[BreachRow]
    rha: dict[str, list[BreachRow]]

    @property
    def label(self) -> str:
        return f"April {self.year} to March {self.year + 1}"


def providers() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.PROVIDER).order_by("name")


def _effective(field: str) -> Case:
    """The override when there is one, else the automatic value."""
    return Case(
        When(~Q(**{f"override_{field}": ""}), then=F(f"override_{field}")),
        default=F(f"breach_{field}"),
        output_field=CharField(),
    )


def _reporting_window(year: int, today: date) -> Window:
    window = financial_year_window(year)
    return window.clipped(reporting_date(window.end, today))


def _assessments(
    *, local_authority: Organisation, year: int, provider: Organisation | None, today: date
) -> QuerySet[Assessment]:
    window = _reporting_window(year, today)
    policy = policy_lookup([local_authority.pk])(local_authority.pk, window.end)
    queryset = Assessment.objects.filter(
        child__responsible_la=local_authority,
        kind__in=["IHA", "RHA"],
        due_date__gte=window.start,
        due_date__lte=window.end,
        not_required_reason="",
    )
    if policy.declined_excluded_from_kpi:
        queryset = queryset.filter(declined_on__isnull=True)
    if provider is not None:
        queryset = queryset.filter(provider=provider)
    quarter_cases = [
        When(due_date__lte=quarter_window(year, q).end, then=Value(q)) for q in (1, 2, 3)
    ]
    return queryset.annotate(
        age_at_due=age_expression("child__date_of_birth", "due_date")
    ).annotate(
        party=_effective("party"),
        reason=_effective("reason"),
        in_dispute=Exists(
            BreachProposal.objects.filter(assessment=OuterRef("pk"), state__in=OPEN_STATES)
        ),
        band=Case(
            When(kind="IHA", then=Value("")),
            When(age_at_due__lt=5, then=Value("0-5")),
            default=Value("5-18"),
            output_field=CharField(),
        ),
        quarter=Case(*quarter_cases, default=Value(4), output_field=IntegerField()),
    )


_WITHIN = Q(held_on__isnull=False, held_on__lte=F("due_date"))
_COLUMN_FILTERS = {
    "requiring": Q(),
    "within": _WITHIN,
    "breaches_la": ~_WITHIN & Q(party=Party.LA, in_dispute=False),
    "breaches_health": ~_WITHIN & Q(party=Party.HEALTH, in_dispute=False),
    "no_reason": ~_WITHIN & Q(party=Party.HEALTH, reason="", in_dispute=False),
    "disputed": ~_WITHIN & Q(in_dispute=True),
    "not_attributed": ~_WITHIN & ~Q(party__in=[Party.LA, Party.HEALTH]) & Q(in_dispute=False),
}


def breach_report(
    *,
    local_authority: Organisation,
    year: int,
    provider: Organisation | None = None,
    today: date | None = None,
) -> BreachReport:
    today = today or timezone.localdate()
    with reporting_queries():
        return _breach_report(local_authority, year, provider, today)


def _breach_report(local_authority, year, provider, today) -> BreachReport:
    queryset = (
        _assessments(local_authority=local_authority, year=year, provider=provider, today=today)
        .values("kind", "band", "quarter")
        .annotate(
            **{
                column: Count("pk", filter=condition) if condition else Count("pk")
                for column, condition in _COLUMN_FILTERS.items()
            }
        )
        .order_by()
    )
    cells: dict[tuple[str, str, int], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(BREACH_COLUMNS, 0)
    )
    for row in queryset:
        cell = cells[(row["kind"], row["band"], int(row["quarter"]))]
        for column in BREACH_COLUMNS:
            cell[column] += row[column]

    def rows_for(kind: str, band: str) -> list[BreachRow]:
        rows = [BreachRow(QUARTERS[q - 1], **cells[(kind, band, q)]) for q in (1, 2, 3, 4)]
        totals = {
            column: sum(cells[(kind, band, q)][column] for q in (1, 2, 3, 4))
            for column in BREACH_COLUMNS
        }
        return [*rows, BreachRow(YEAR, **totals)]

    return BreachReport(
        local_authority=local_authority,
        year=year,
        provider=provider,
        as_at=_reporting_window(year, today).end,
        iha=rows_for("IHA", ""),
        rha={band: rows_for("RHA", band) for band in RHA_BANDS},
    )


def breach_drilldown(
    *,
    user: User,
    local_authority: Organisation,
    year: int,
    kind: str,
    band: str,
    quarter: str,
    column: str,
    provider: Organisation | None = None,
    today: date | None = None,
) -> tuple[QuerySet, int]:
    """The assessments behind one cell of the report, limited to the children ``user`` may
    see, and the cell's full count."""
    today = today or timezone.localdate()
    queryset = (
        _assessments(local_authority=local_authority, year=year, provider=provider, today=today)
        .filter(kind=kind, band=band if kind == "RHA" else "")
        .filter(_COLUMN_FILTERS[column])
    )
    if quarter != YEAR:
        queryset = queryset.filter(quarter=QUARTERS.index(quarter) + 1)
    total = queryset.count()
    rows = (
        queryset.filter(child__in=visible_child_ids(user))
        .annotate(
            la_child_id=F("child__la_child_id"),
            first_name=F("child__first_name"),
            last_name=F("child__last_name"),
            date_of_birth=F("child__date_of_birth"),
            team_name=F("child__team__name"),
            provider_code=F("provider__code"),
        )
        .values(*BREACH_DRILLDOWN_FIELDS)
        .order_by("due_date", "last_name", "child_id")
    )
    return rows, total
