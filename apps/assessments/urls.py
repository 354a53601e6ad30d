"""The health records' correction and deletion pages and their API (issue 13)."""

from apps.assessments import correction_api, correction_views

urlpatterns = correction_views.urls()
api_urlpatterns = correction_api.urls()
