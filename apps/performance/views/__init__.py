"""Pages: the scorecard, a KPI's trend, the children behind a figure, the quarterly breach
report, and export jobs. Views validate the query, call a selector (or a service for an
export job) and render; bad input is a 400 page with a GOV.UK error summary.

By meaning: the scorecard, a KPI and its children (``scorecard``), the stored figures
(``snapshots``), the quarterly breach report (``breaches``), the export jobs
(``export_jobs``); the reporting-page guard and shared helpers in ``base``."""

from apps.performance.views.base import PAGE_SIZE, STREAM_LIMIT, reporting_page
from apps.performance.views.breaches import breach_drilldown_page, breaches_page
from apps.performance.views.export_jobs import (
    export_create,
    export_download,
    export_progress,
    export_status,
)
from apps.performance.views.scorecard import drilldown_page, kpi_page, scorecard_page
from apps.performance.views.snapshots import snapshot_request

__all__ = [
    "PAGE_SIZE",
    "STREAM_LIMIT",
    "breach_drilldown_page",
    "breaches_page",
    "drilldown_page",
    "export_create",
    "export_download",
    "export_progress",
    "export_status",
    "kpi_page",
    "reporting_page",
    "scorecard_page",
    "snapshot_request",
]
