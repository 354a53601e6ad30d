"""URLs of this app: pages at the top level, API under api/v1/ (included from config/urls.py)."""

from django.urls import path

from apps.interop import views

urlpatterns = [
    path("interop/903/export/", views.export_903, name="interop-903-export"),
    path("interop/903/import/", views.import_903_page, name="interop-903-import"),
    path("interop/903/import/<uuid:job_id>/", views.import_job_page, name="interop-903-import-job"),
    path(
        "interop/903/import/<uuid:job_id>/progress/",
        views.import_job_progress,
        name="interop-903-import-progress",
    ),
]
api_urlpatterns = []
