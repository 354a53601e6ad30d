"""Reads for the performance pages, API and exports (split by report)."""

from apps.performance.selectors.access import (
    REPORTING_ROLES,
    reporting_authorities_for,
    user_can_build_snapshots,
    user_can_view_performance,
)
from apps.performance.selectors.breaches import (
    BREACH_COLUMNS,
    BREACH_DRILLDOWN_FIELDS,
    RHA_BANDS,
    BreachReport,
    BreachRow,
    breach_drilldown,
    breach_report,
    providers,
)
from apps.performance.selectors.drilldown import COLUMN_LABELS, Drilldown, kpi_drilldown
from apps.performance.selectors.scorecard import (
    BREAKDOWNS,
    DRILLDOWN_SETS,
    UASC_OPTIONS,
    Figure,
    Scorecard,
    ScorecardRow,
    Trend,
    TrendPoint,
    active_kpis,
    kpi_trend,
    scorecard,
    target_resolver,
)

__all__ = [
    "BREACH_COLUMNS",
    "BREACH_DRILLDOWN_FIELDS",
    "BREAKDOWNS",
    "COLUMN_LABELS",
    "DRILLDOWN_SETS",
    "REPORTING_ROLES",
    "RHA_BANDS",
    "UASC_OPTIONS",
    "BreachReport",
    "BreachRow",
    "Drilldown",
    "Figure",
    "Scorecard",
    "ScorecardRow",
    "Trend",
    "TrendPoint",
    "active_kpis",
    "breach_drilldown",
    "breach_report",
    "kpi_drilldown",
    "kpi_trend",
    "providers",
    "reporting_authorities_for",
    "scorecard",
    "target_resolver",
    "user_can_build_snapshots",
    "user_can_view_performance",
]
