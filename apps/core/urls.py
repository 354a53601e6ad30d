from django.contrib.auth import views as auth_views
from django.urls import path, re_path
from django.views.generic import RedirectView

from apps.accounts import views as account_views
from apps.assessments import proposal_views
from apps.assessments import views as assessment_views
from apps.audit import views as audit_views
from apps.children import corrections as child_corrections
from apps.children import views as child_views
from apps.core import pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("privacy/", pages.privacy, name="privacy"),
    path("cookies/", pages.cookies, name="cookies"),
    path("account/keep-alive/", pages.keep_alive, name="keep-alive"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("account/two-factor/", account_views.two_factor, name="two-factor"),
    path("account/api-tokens/", account_views.api_tokens, name="api-tokens"),
    path(
        "account/api-tokens/<int:pk>/revoke/",
        account_views.api_token_revoke_view,
        name="api-token-revoke",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("children/", child_views.child_list, name="child-list"),
    path("children/new/", child_views.child_new, name="child-new"),
    path("children/allocate/", child_views.children_allocate, name="children-allocate"),
    path("children/<int:pk>/", child_views.child_detail, name="child-detail"),
    path("children/<int:pk>/placements/new/", child_views.placement_new, name="placement-new"),
    path("children/<int:pk>/entry/new/", child_views.entry_new, name="entry-new"),
    path("children/<int:pk>/correct/", child_corrections.child_correct, name="child-correct"),
    path(
        "children/<int:pk>/periods-of-care/<int:period_pk>/correct/",
        child_corrections.period_correct,
        name="period-correct",
    ),
    path(
        "children/<int:pk>/placements/<int:placement_pk>/correct/",
        child_corrections.placement_correct,
        name="placement-correct",
    ),
    path("children/<int:pk>/leave-care/", child_views.leave_care, name="leave-care"),
    path(
        "children/<int:pk>/annual-outcomes/new/",
        child_views.annual_outcome_new,
        name="annual-outcome-new",
    ),
    path(
        "children/<int:pk>/legal-status/",
        child_views.legal_status_change,
        name="legal-status-change",
    ),
    path(
        "children/<int:pk>/assessment-before-records/",
        child_views.assessment_before_records,
        name="child-assessment-before-records",
    ),
    path("children/<int:pk>/sdq/new/", assessment_views.sdq_new, name="sdq-new"),
    path("children/<int:pk>/dental/new/", assessment_views.dental_new, name="dental-new"),
    path(
        "children/<int:pk>/health-history/new/",
        assessment_views.health_history_new,
        name="health-history-new",
    ),
    path("assessments/<int:pk>/", assessment_views.assessment_detail, name="assessment-detail"),
    # The workflow steps' pages, one per step of the registry (assessments/workflow.py).
    *assessment_views.step_urls(),
    path("breaches/", assessment_views.breach_list, name="breach-list"),
    path("breach-proposals/", proposal_views.proposal_list, name="breach-proposals"),
    path("breach-proposals/<int:pk>/", proposal_views.proposal_detail, name="breach-proposal"),
    path(
        "breach-proposals/<int:pk>/withdraw/",
        proposal_views.proposal_withdraw,
        name="breach-proposal-withdraw",
    ),
    path("referrals/<int:pk>/record/", assessment_views.referral_record, name="referral-record"),
    path("audit/", audit_views.access_log, name="access-log"),
    path("workload/", assessment_views.provider_workload_page, name="provider-workload"),
    # GOV.UK Frontend's compiled CSS asks for its fonts and images under /assets/.
    re_path(
        r"^assets/(?P<path>.+)$",
        RedirectView.as_view(url="/static/govuk/assets/%(path)s", permanent=True),
    ),
]
