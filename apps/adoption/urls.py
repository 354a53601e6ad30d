"""URLs of this app: pages at the top level, API under api/v1/ (included from config/urls.py)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from apps.adoption import api, views

urlpatterns = [
    path("adoption/worklist/", views.worklist, name="adoption-worklist"),
    path("adoption/children/<int:child_id>/", views.case_detail, name="adoption-case"),
    path(
        "adoption/children/<int:child_id>/milestones/",
        views.milestones_edit,
        name="adoption-milestones",
    ),
    path(
        "adoption/children/<int:child_id>/work-items/new/",
        views.work_item_new,
        name="adoption-work-item-new",
    ),
    path(
        "adoption/work-items/<int:pk>/complete/",
        views.work_item_complete,
        name="adoption-work-item-complete",
    ),
]

# A SimpleRouter: the project's DefaultRouter already serves the API root at /api/v1/.
router = SimpleRouter()
router.register("adoption/cases", api.AdoptionCaseViewSet, basename="adoption-case-api")
router.register("adoption/work-items", api.AdoptionWorkItemViewSet, basename="adoption-work-item")
api_urlpatterns = [path("", include(router.urls))]
