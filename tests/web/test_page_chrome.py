"""Page chrome (issue 16): titles, navigation by role, footer pages, the idle timeout."""

import time

import pytest
from django.test import Client

from apps.accounts.middleware import SESSION_SEEN_AT
from apps.accounts.models import Role
from tests.factories import UserFactory
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path, text",
    [
        ("/accessibility/", "Accessibility statement for Looked-after children"),
        ("/privacy/", "Privacy notice"),
        ("/cookies/", "only strictly necessary cookies"),
    ],
)
def test_the_footer_pages_are_real_and_public(path, text):
    response = Client().get(path)
    assert response.status_code == 200
    assert text in response.content.decode()


def test_every_page_links_the_footer_pages_and_shows_the_phase_banner():
    body = Client().get("/login/").content.decode()
    for href in ("/accessibility/", "/privacy/", "/cookies/"):
        assert f'href="{href}"' in body
    assert "govuk-phase-banner" in body


def test_titles_are_page_then_service_with_error_first_on_errors(cast):
    client = signed_in_client(cast.social_worker)
    assert "<title>Children – Looked-after children's health</title>" in (
        client.get("/children/").content.decode()
    )
    body = client.post("/children/new/", {"first_name": ""}).content.decode()
    assert "<title>Error: Record a child entering care – Looked-after" in body


def test_the_menu_marks_the_current_page_and_has_no_api_item(cast):
    body = signed_in_client(cast.social_worker).get("/children/").content.decode()
    assert 'href="/children/" aria-current="page"' in body
    nav = body[body.index('id="navigation"') : body.index("</nav>")]
    assert ">API<" not in nav
    assert "govuk-service-navigation__toggle" in body


def test_managers_reach_the_scorecard_and_breach_report_from_home(cast):
    body = signed_in_client(cast.manager).get("/").content.decode()
    assert body.count('href="/performance/scorecard/"') >= 2  # menu and home page
    assert body.count('href="/performance/breaches/"') >= 2


def test_the_adoption_medical_adviser_lands_on_the_adoption_worklist_with_one_item(cast):
    adviser = UserFactory(
        username="adviser", role=Role.MEDICAL_ADVISER, organisation=cast.provider_a
    )
    client = signed_in_client(adviser)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/adoption/worklist/"
    body = client.get("/adoption/worklist/").content.decode()
    nav = body[body.index('id="navigation"') : body.index("</nav>")]
    assert nav.count("govuk-service-navigation__link") == 2  # Adoption, and Sign out
    assert "Adoption work<" not in nav


def test_stay_signed_in_restarts_the_idle_clock(cast):
    client = signed_in_client(cast.social_worker)
    session = client.session
    session[SESSION_SEEN_AT] = time.time() - 25 * 60
    session.save()
    assert client.get("/account/keep-alive/").status_code == 405
    response = client.post("/account/keep-alive/")
    assert response.status_code == 200
    assert time.time() - client.session[SESSION_SEEN_AT] < 5


def test_after_the_idle_timeout_the_sign_in_page_says_you_were_signed_out(cast):
    client = signed_in_client(cast.social_worker)
    session = client.session
    session[SESSION_SEEN_AT] = time.time() - 31 * 60
    session.save()
    response = client.get("/children/")
    assert "timeout=1" in response["Location"]
    body = client.get(response["Location"]).content.decode()
    assert "You were signed out" in body


def test_the_timeout_warning_is_on_signed_in_pages_only(cast):
    assert 'id="timeout-dialog"' in signed_in_client(cast.social_worker).get("/").content.decode()
    assert 'id="timeout-dialog"' not in Client().get("/login/").content.decode()


def test_the_workload_table_has_no_empty_header(cast):
    body = signed_in_client(cast.health_admin_a).get("/workload/").content.decode()
    assert '<th scope="col" class="govuk-table__header"></th>' not in body
