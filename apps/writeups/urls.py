"""URLs of the write-ups app: pages at the top level, API under api/v1/ (included from
config/urls.py). ``writeup-edit`` (the assessment's pk) is the page the worklists link to."""

from django.urls import path

from apps.writeups import api, views

urlpatterns = [
    path(
        "children/<int:child_id>/care-leaver-health-history.pdf",
        views.care_leaver_health_history,
        name="writeup-care-leaver-health-history",
    ),
    # The address of the old ReportLab health history (removed, issue 14): the same PDF.
    path(
        "children/<int:child_id>/health-history.pdf",
        views.care_leaver_health_history,
        name="health-history-download",
    ),
    # The old free-text "complete" step's page (removed, issue 14: the write-up's sign-off
    # completes the assessment): links and bookmarks to it lead to the next step instead.
    path("assessments/<int:pk>/complete/", views.complete_moved, name="assessment-complete"),
    path("assessments/write-ups/", views.my_items, name="writeup-my-items"),
    path("assessments/<int:pk>/write-up/", views.edit, name="writeup-edit"),
    path(
        "assessments/<int:pk>/write-up/sections/<slug:key>/", views.section, name="writeup-section"
    ),
    path("assessments/<int:pk>/write-up/sign-off/", views.sign_off, name="writeup-sign-off"),
    path("assessments/<int:pk>/write-up/addenda/", views.addendum, name="writeup-addendum"),
    path("assessments/<int:pk>/write-up/actions/new/", views.action_new, name="writeup-action-new"),
    path("assessments/<int:pk>/report/upload/", views.report_upload, name="writeup-report-upload"),
    path(
        "assessments/plan-actions/<int:pk>/close/", views.action_close, name="writeup-action-close"
    ),
    path(
        "assessments/plan-actions/<int:pk>/correct/",
        views.action_correct,
        name="writeup-action-correct",
    ),
    path(
        "assessments/plan-actions/overdue/",
        views.overdue_actions,
        name="writeup-overdue-actions",
    ),
    path(
        "assessments/reports/<int:pk>/report.pdf",
        views.report_download,
        name="writeup-report-download",
    ),
    path("assessments/reports/<int:pk>/return/", views.report_return, name="writeup-report-return"),
    path("assessments/reports/<int:pk>/read/", views.report_read, name="writeup-report-read"),
]

api_urlpatterns = [
    path("write-ups/<int:pk>/", api.WriteUpView.as_view(), name="writeup-api"),
    path(
        "write-ups/<int:pk>/sections/<slug:key>/",
        api.WriteUpSectionView.as_view(),
        name="writeup-api-section",
    ),
    path(
        "write-ups/<int:pk>/sign-off/",
        api.WriteUpSignOffView.as_view(),
        name="writeup-api-sign-off",
    ),
    path("write-ups/<int:pk>/actions/", api.PlanActionsView.as_view(), name="writeup-api-actions"),
    path("plan-actions/<int:pk>/", api.PlanActionView.as_view(), name="writeup-api-action"),
    path(
        "plan-actions/<int:pk>/close/",
        api.PlanActionCloseView.as_view(),
        name="writeup-api-action-close",
    ),
    path(
        "reports/<int:pk>/download/",
        api.ReportDownloadView.as_view(),
        name="writeup-api-report-download",
    ),
    path(
        "reports/<int:pk>/return/", api.ReportReturnView.as_view(), name="writeup-api-report-return"
    ),
    path(
        "reports/<int:pk>/acknowledge/",
        api.ReportAcknowledgeView.as_view(),
        name="writeup-api-report-acknowledge",
    ),
]
