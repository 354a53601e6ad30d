"""URLs of the assessments app: its pages (the workflow steps, breaches, the health records'
correction and deletion pages) and its API of corrections (included from config/urls.py)."""

from django.urls import path

from apps.assessments import correction_api, correction_views, proposal_views, views

urlpatterns = [
    path("children/<int:pk>/sdq/new/", views.sdq_new, name="sdq-new"),
    path("children/<int:pk>/dental/new/", views.dental_new, name="dental-new"),
    path(
        "children/<int:pk>/health-history/new/",
        views.health_history_new,
        name="health-history-new",
    ),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    # The workflow steps' pages, one per step of the registry (assessments/workflow.py).
    *views.step_urls(),
    path("breaches/", views.breach_list, name="breach-list"),
    path("breach-proposals/", proposal_views.proposal_list, name="breach-proposals"),
    path("breach-proposals/<int:pk>/", proposal_views.proposal_detail, name="breach-proposal"),
    path(
        "breach-proposals/<int:pk>/withdraw/",
        proposal_views.proposal_withdraw,
        name="breach-proposal-withdraw",
    ),
    path("referrals/<int:pk>/record/", views.referral_record, name="referral-record"),
    path("workload/", views.provider_workload_page, name="provider-workload"),
    *correction_views.urls(),
]
api_urlpatterns = correction_api.urls()
