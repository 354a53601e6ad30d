from django.urls import path

from apps.dataquality import views

urlpatterns = [
    path("data-quality/dates/", views.date_report_page, name="data-quality-dates"),
]
api_urlpatterns: list = []
