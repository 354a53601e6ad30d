"""URLs of the children app's pages (included by the web shell, apps/web/urls.py)."""

from django.urls import path

from apps.children import corrections, views

urlpatterns = [
    path("children/", views.child_list, name="child-list"),
    path("children/new/", views.child_new, name="child-new"),
    path("children/allocate/", views.children_allocate, name="children-allocate"),
    path("children/<int:pk>/", views.child_detail, name="child-detail"),
    path("children/<int:pk>/placements/new/", views.placement_new, name="placement-new"),
    path("children/<int:pk>/entry/new/", views.entry_new, name="entry-new"),
    path("children/<int:pk>/correct/", corrections.child_correct, name="child-correct"),
    path(
        "children/<int:pk>/periods-of-care/<int:period_pk>/correct/",
        corrections.period_correct,
        name="period-correct",
    ),
    path(
        "children/<int:pk>/placements/<int:placement_pk>/correct/",
        corrections.placement_correct,
        name="placement-correct",
    ),
    path("children/<int:pk>/leave-care/", views.leave_care, name="leave-care"),
    path(
        "children/<int:pk>/annual-outcomes/new/",
        views.annual_outcome_new,
        name="annual-outcome-new",
    ),
    path(
        "children/<int:pk>/legal-status/",
        views.legal_status_change,
        name="legal-status-change",
    ),
    path(
        "children/<int:pk>/assessment-before-records/",
        views.assessment_before_records,
        name="child-assessment-before-records",
    ),
]
