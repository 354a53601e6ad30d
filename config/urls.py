from importlib import import_module

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from apps.assessments.api import (
    AssessmentViewSet,
    DentalCheckViewSet,
    HealthHistoryViewSet,
    HealthSummaryView,
    ImmunisationViewSet,
    OutOfAreaReferralViewSet,
    SdqRecordViewSet,
)
from apps.assessments.proposals_api import BreachProposalViewSet
from apps.children.api import ChildViewSet, PeriodOfCareViewSet
from apps.core.views import health
from apps.placements.api import EntryToCareView, PlacementViewSet

APP_URL_MODULES = [
    import_module(f"apps.{name}.urls")
    for name in (
        "performance",
        "interop",
        "adoption",
        "audit",
        "clinics",
        "writeups",
        "dataquality",
        "assessments",
    )
]

router = DefaultRouter()
router.register("children", ChildViewSet, basename="child")
router.register("periods-of-care", PeriodOfCareViewSet, basename="period-of-care")
router.register("placements", PlacementViewSet, basename="placement")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("dental-checks", DentalCheckViewSet, basename="dental-check")
router.register("sdq-records", SdqRecordViewSet, basename="sdq-record")
router.register("immunisations", ImmunisationViewSet, basename="immunisation")
router.register("health-histories", HealthHistoryViewSet, basename="health-history")
router.register("out-of-area-referrals", OutOfAreaReferralViewSet, basename="out-of-area-referral")
router.register("breach-proposals", BreachProposalViewSet, basename="breach-proposal")

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "api/v1/children/<int:pk>/health-summary/",
        HealthSummaryView.as_view(),
        name="health-summary",
    ),
    # A child new to us enters care in one call (not a collection: no GET, not in the root).
    path("api/v1/entries-to-care/", EntryToCareView.as_view(), name="entry-to-care"),
    # Namespaced because some API names are also page names ("child-list" is the children
    # page too): the API root reverses within its own namespace, so it links to the API.
    path("api/v1/", include((router.urls, "api"))),
    # Each domain app owns its URLs: `api_urlpatterns` under /api/v1/, `urlpatterns` as pages.
    *[path("api/v1/", include(module.api_urlpatterns)) for module in APP_URL_MODULES],
    *[path("", include(module.urlpatterns)) for module in APP_URL_MODULES],
    path("api/v1/auth/", include("rest_framework.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("healthz", health, name="health"),
    path("oidc/", include("apps.accounts.oidc.urls")),
    path("", include("apps.web.urls")),
]

# A database outage answers 503 with Retry-After (JSON under /api/), not an HTML 500.
handler500 = "apps.core.errors.server_error"
handler404 = "apps.core.errors.not_found"
