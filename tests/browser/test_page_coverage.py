"""Every HTML page of the site is in the axe walk (tests/browser/test_accessibility.py) or in
EXCLUDED below with its reason (issue 16: "on every page"). The URL patterns come from Django's
resolver, so a new page fails this test until it is walked or excluded. Left out whole: the
API (/api/, JSON) and Django's admin (/admin/, the service desk's tool in Django's own markup,
not a page of the service)."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from tests.browser.test_accessibility import ANONYMOUS, FORMS, JOURNEYS
from tests.helpers import signed_in_client

NOT_THE_SERVICE = ("api/", "admin/")
POST_ONLY = "POST only: a button on another page, which redirects"
# Route (as Django's resolver spells it) -> why the walk does not open it.
EXCLUDED: dict[str, str] = {
    "": "home: walked as '/', each role's worklist",  # resolved through JOURNEYS too
    "healthz": "the load balancer's health check: JSON, not a page",
    "^assets/(?P<path>.+)$": "static files (the error pages' assets), not a page",
    "logout/": POST_ONLY + " (the menu's Sign out)",
    "account/keep-alive/": POST_ONLY + " (the timeout warning's Stay signed in, JSON)",
    "account/api-tokens/<int:pk>/revoke/": POST_ONLY + " (the API tokens page)",
    "account/two-factor/": "the sign-in's second step: each walk's sign-in passes through it",
    "oidc/<slug:key>/": "redirects to the organisation's identity provider",
    "oidc/callback/": "the identity provider's redirect back: signs in and redirects",
    "performance/": "redirects to the scorecard",
    "performance/scorecard/snapshot/": POST_ONLY + " (the scorecard's build button)",
    "performance/exports/": POST_ONLY + " (the report pages' export buttons)",
    "performance/exports/<uuid:job_id>/": "an export job's status: the demo makes no job",
    "performance/exports/<uuid:job_id>/progress/": "htmx fragment of the export status page",
    "performance/exports/<uuid:job_id>/download/": "CSV/XLSX download",
    "interop/903/import/<uuid:job_id>/": "an SSDA903 import job's page: the demo makes no job",
    "interop/903/import/<uuid:job_id>/progress/": "htmx fragment of the import job page",
    "children/<int:pk>/subject-access/<uuid:job_id>/download/": "ZIP download",
    "clinics/assessments/<int:pk>/letter.pdf": "PDF download (the invitation letter)",
    "clinics/bulk-book/": POST_ONLY + " (the requests to book page)",
    "clinics/capacity.csv": "CSV download",
    "clinics/capacity/line/": "htmx fragment of the home page, walked with it",
    "children/<int:child_id>/care-leaver-health-history.pdf": "PDF download",
    "children/<int:child_id>/health-history.pdf": "PDF download",
    "assessments/<int:pk>/complete/": "the old complete step: redirects to the outcome page",
    "assessments/<int:pk>/write-up/sign-off/": POST_ONLY + " (the write-up page)",
    "assessments/<int:pk>/write-up/addenda/": POST_ONLY + " (the write-up page)",
    "assessments/reports/<int:pk>/report.pdf": "PDF download (the assessment report)",
    "assessments/reports/<int:pk>/return/": POST_ONLY + " (the assessment page)",
    "assessments/reports/<int:pk>/read/": POST_ONLY + " (the assessment page)",
    "breach-proposals/<int:pk>/withdraw/": POST_ONLY + " (the proposal's page)",
    "breach-proposals/<int:pk>/": "a breach proposal: the demo makes none (tests/browser/"
    "test_breach_proposal_journey.py runs axe on it)",
    "assessments/plan-actions/<int:pk>/close/": "a health plan action's close form: the demo "
    "makes no plan action (tests/browser/test_write_up_journey.py walks it)",
    "assessments/plan-actions/<int:pk>/correct/": "a health plan action's correction: the demo "
    "makes no plan action",
}


def _routes(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def html_routes() -> set[str]:
    return {
        route
        for route in _routes(get_resolver().url_patterns)
        if not route.startswith(NOT_THE_SERVICE)
    }


def walked_routes() -> set[str]:
    """The routes the walk's URL templates resolve to (placeholders filled with 1)."""
    templates = set(ANONYMOUS) | set(FORMS) | {t for j in JOURNEYS.values() for t in j}
    routes = set()
    for template in templates:
        path = re.sub(r"\{\w+\}", "1", template.split("?")[0])
        routes.add(resolve(path).route)
    return routes


def test_every_html_page_is_walked_by_axe_or_excluded_with_a_reason():
    walked = walked_routes()
    missing = sorted(html_routes() - walked - set(EXCLUDED))
    assert not missing, f"pages neither in the axe walk nor in EXCLUDED: {missing}"


def test_the_exclusions_are_pages_that_exist_and_are_not_walked():
    walked = walked_routes()
    assert not set(EXCLUDED) - html_routes(), "an excluded route no longer exists"
    assert not (set(EXCLUDED) & walked) - {""}, "a walked page is also excluded"
    assert all(reason.strip() for reason in EXCLUDED.values())


@pytest.mark.django_db
def test_the_pages_excluded_as_post_only_refuse_a_get(cast):
    client = signed_in_client(cast.health_admin_a)
    for route, reason in EXCLUDED.items():
        if not reason.startswith(POST_ONLY):
            continue
        path = "/" + route.replace("<int:pk>", "1")
        assert client.get(path).status_code == 405, route
