"""URLs of this app: pages at the top level, API under api/v1/ (included from config/urls.py)."""

from django.urls import path
from django.views.generic import RedirectView

from apps.performance import api, readiness_views, views

urlpatterns = [
    path(
        "performance/",
        RedirectView.as_view(pattern_name="performance-scorecard", query_string=True),
        name="performance",
    ),
    path("performance/scorecard/", views.scorecard_page, name="performance-scorecard"),
    path("performance/scorecard/snapshot/", views.snapshot_request, name="performance-snapshot"),
    path("performance/scorecard/<str:code>/", views.kpi_page, name="performance-kpi"),
    path(
        "performance/scorecard/<str:code>/children/",
        views.drilldown_page,
        name="performance-drilldown",
    ),
    path("performance/breaches/", views.breaches_page, name="performance-breaches"),
    path(
        "performance/breaches/children/",
        views.breach_drilldown_page,
        name="performance-breach-drilldown",
    ),
    path(
        "performance/ssda903-readiness/",
        readiness_views.ssda903_readiness_page,
        name="performance-ssda903-readiness",
    ),
    path("performance/exports/", views.export_create, name="performance-export-create"),
    path("performance/exports/<uuid:job_id>/", views.export_status, name="performance-export"),
    path(
        "performance/exports/<uuid:job_id>/progress/",
        views.export_progress,
        name="performance-export-progress",
    ),
    path(
        "performance/exports/<uuid:job_id>/download/",
        views.export_download,
        name="performance-export-download",
    ),
]

api_urlpatterns = [
    path("scorecard/", api.ScorecardView.as_view(), name="api-scorecard"),
    path("reports/breaches/", api.BreachReportView.as_view(), name="api-breach-report"),
]
