"""URLs of the clinic diary: pages at the top level, API under api/v1/ (included from
config/urls.py)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from apps.clinics import api, views

urlpatterns = [
    path("clinics/assessments/<int:pk>/letter.pdf", views.letter_pdf, name="clinic-letter"),
    path("clinics/assessments/<int:pk>/invite/", views.invite, name="clinic-invite"),
    path("clinics/", views.diary, name="clinic-diary"),
    path("clinics/new/", views.clinic_new, name="clinic-new"),
    path("clinics/to-book/", views.to_book, name="clinic-to-book"),
    path("clinics/bulk-book/", views.bulk_book, name="clinic-bulk-book"),
    path("clinics/day/", views.day_list, name="clinic-day-list"),
    path("clinics/missed/", views.missed, name="clinic-missed"),
    path("clinics/capacity/", views.capacity, name="clinic-capacity"),
    path("clinics/capacity.csv", views.capacity_csv, name="clinic-capacity-csv"),
    path("clinics/capacity/line/", views.capacity_line, name="clinic-capacity-line"),
    path("clinics/policy/", views.policy, name="clinic-policy"),
    path("clinics/policy/new/", views.policy_new, name="clinic-policy-new"),
    path("clinics/sessions/<int:pk>/", views.session_detail, name="clinic-session"),
    path("clinics/sessions/<int:pk>/cancel/", views.session_cancel, name="clinic-session-cancel"),
    path("clinics/assessments/<int:pk>/book/", views.book, name="clinic-book"),
    path("clinics/assessments/<int:pk>/reschedule/", views.reschedule, name="clinic-reschedule"),
    path(
        "clinics/assessments/<int:pk>/cancel/", views.cancel_booking, name="clinic-cancel-booking"
    ),
]

# A SimpleRouter: the project's DefaultRouter already serves the API root at /api/v1/.
router = SimpleRouter()
router.register("clinics/sessions", api.ClinicSessionViewSet, basename="clinic-session-api")
router.register("clinics/slots", api.SlotViewSet, basename="clinic-slot-api")
api_urlpatterns = [
    path("", include(router.urls)),
    path("clinics/assessments/<int:pk>/book/", api.BookView.as_view(), name="clinic-book-api"),
    path(
        "clinics/assessments/<int:pk>/reschedule/",
        api.RescheduleView.as_view(),
        name="clinic-reschedule-api",
    ),
    path("capacity/", api.CapacityView.as_view(), name="capacity-api"),
]
