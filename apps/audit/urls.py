"""URLs of the audit app (the access log and the subject-access export): pages at the top level, API under
api/v1/ (included from config/urls.py). Named ``child-...`` with the child as ``pk`` so the
access log records the child on every request."""

from django.urls import path

from apps.audit import views as log_views
from apps.audit import views_subject_access as views

urlpatterns = [
    path("audit/", log_views.access_log, name="access-log"),
    path(
        "children/<int:pk>/subject-access/",
        views.subject_access_page,
        name="child-subject-access",
    ),
    path(
        "children/<int:pk>/subject-access/<uuid:job_id>/download/",
        views.subject_access_download,
        name="child-subject-access-download",
    ),
]

api_urlpatterns = [
    path(
        "children/<int:pk>/subject-access-requests/",
        views.SubjectAccessRequestsView.as_view(),
        name="child-subject-access-api",
    ),
    path(
        "children/<int:pk>/subject-access-requests/<uuid:job_id>/download/",
        views.SubjectAccessDownloadView.as_view(),
        name="child-subject-access-api-download",
    ),
]
