"""The rows behind a figure of the scorecard: the same measure as the count, selected row
by row, and only the children the viewer may see (children_visible_to)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import BooleanField, Case, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.utils import timezone

from apps.accounts.models import Organisation, User
from apps.children.selectors import children_visible_to
from apps.core.codes import ACCOMMODATED_LEGAL_STATUSES
from apps.performance.measures import MEASURES, Measure
from apps.performance.models import Kpi
from apps.performance.rules import SECTION_20, Window, kpi_window, reporting_date
from apps.performance.selectors.scorecard import (
    NOT_RECORDED,
    ReportSettings,
    base_queryset,
    group_expression,
    uasc_filter,
)

_CHILD_FIELDS = [
    ("la_child_id", "la_child_id"),
    ("first_name", "first_name"),
    ("last_name", "last_name"),
    ("date_of_birth", "date_of_birth"),
    ("team__name", "team_name"),
    ("is_uasc", "is_uasc"),
]
_MODEL_FIELDS = {
    "assessment": [
        ("kind", "kind"),
        ("clock_start", "clock_start"),
        ("request_due", "request_due"),
        ("request_complete_on", "request_complete_on"),
        ("due_date", "due_date"),
        ("held_on", "held_on"),
        ("declined_on", "declined_on"),
        ("provider__code", "provider_code"),
    ],
    "periodofcare": [
        ("start_date", "entered_care"),
        ("end_date", "left_care"),
        ("legal_status", "legal_status"),
    ],
    "child": [],
    "sdqrecord": [("completed_on", "completed_on"), ("total_score", "total_score")],
}
COLUMN_LABELS = {
    "child_id": "Record",
    "la_child_id": "LA reference",
    "first_name": "First name",
    "last_name": "Last name",
    "date_of_birth": "Date of birth",
    "team_name": "Team",
    "is_uasc": "UASC",
    "kind": "Assessment",
    "clock_start": "Clock start",
    "request_due": "Request due",
    "request_complete_on": "Request complete",
    "due_date": "Due",
    "held_on": "Held",
    "declined_on": "Declined",
    "provider_code": "Provider",
    "entered_care": "Entered care",
    "left_care": "Left care",
    "legal_status": "Legal status",
    "completed_on": "Completed",
    "total_score": "Total score",
    "met": "Met",
}


@dataclass
class Drilldown:
    kpi: Kpi
    window: Window
    measure: Measure
    rows: QuerySet  # values() dicts, only children the viewer may see
    columns: list[str]
    total: int  # rows behind the figure, whoever may see them


def _group_filter(measure: Measure, breakdown: str, key: str) -> tuple[dict, Q]:
    annotation = {"_g": group_expression(measure, breakdown)}
    if key == NOT_RECORDED:
        return annotation, Q(_g__isnull=True)
    if breakdown == "team":
        # A group that is no team's id lists nobody (rather than failing).
        return annotation, Q(_g=int(key)) if key.isdigit() else Q(pk__in=[])
    if breakdown in ("provider", "age_band"):
        return annotation, Q(_g=key)
    if breakdown == "legal_status":
        accommodated = Q(_g__in=[str(s) for s in ACCOMMODATED_LEGAL_STATUSES])
        return annotation, accommodated if key == SECTION_20 else Q(
            _g__isnull=False
        ) & ~accommodated
    raise ValueError(f"Unknown breakdown {breakdown!r}")


def kpi_drilldown(
    *,
    user: User,
    local_authority: Organisation,
    kpi: Kpi,
    month: date,
    uasc: str = "include",
    which: str = "denominator",
    breakdown: str | None = None,
    group: str | None = None,
    today: date | None = None,
) -> Drilldown | None:
    """The rows behind one figure of the scorecard, limited to the children ``user`` may
    see (children_visible_to). None for a KPI with no calculation."""
    calculation = MEASURES.get(kpi.code)
    if calculation is None:
        return None
    today = today or timezone.localdate()
    window = kpi_window(kpi.period_type, month, today)
    settings = ReportSettings(local_authority.pk)
    measure = calculation(settings.context(reporting_date(month, today)), window)
    queryset = base_queryset(measure, local_authority.pk).filter(
        measure.rows & uasc_filter(measure, uasc)
    )
    if breakdown and group:
        annotation, condition = _group_filter(measure, breakdown, group)
        queryset = queryset.annotate(**annotation).filter(condition)
    if measure.met is not None:
        if which == "numerator":
            queryset = queryset.filter(measure.met)
        elif which == "not_met":
            queryset = queryset.exclude(measure.met)
        queryset = queryset.annotate(
            met=ExpressionWrapper(
                Case(When(measure.met, then=Value(True)), default=Value(False)),
                output_field=BooleanField(),
            )
        )
    total = queryset.count()
    visible_ids = children_visible_to(user).values("pk")
    child = measure.child
    lookup = f"{child}id__in" if child else "pk__in"
    model_name = measure.model._meta.model_name
    # Aliases never clash with the model's own field names (values() would refuse them).
    fields = [
        ("child_id" if child else "id", "child_id"),
        *((f"{child}{name}", alias) for name, alias in _CHILD_FIELDS),
        *_MODEL_FIELDS[model_name],
    ]
    aliases = {alias: F(name) for name, alias in fields if name != alias}
    names = [alias for _, alias in fields]
    if measure.met is not None:
        names.append("met")
    rows = (
        queryset.filter(**{lookup: visible_ids})
        .annotate(**aliases)
        .values(*names)
        .order_by("last_name", "first_name", "child_id")
    )
    return Drilldown(kpi=kpi, window=window, measure=measure, rows=rows, columns=names, total=total)
