"""Once identity providers are configured, passwords (with TOTP) are for break-glass accounts
only: a user linked to an identity is refused a local password on every sign-in form. The
sign-in page offers the providers; the administrator links users in the user admin."""

import pytest
from django.test import Client

from apps.accounts.middleware import SESSION_MULTI_FACTOR_AT_PROVIDER
from apps.accounts.models import IdentityLink
from apps.accounts.oidc.providers import parse_providers
from apps.accounts.services import user_admin_access_sync
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db
ISSUER = "https://login.microsoftonline.com/kent-tenant/v2.0"
NHS_ISSUER = "https://cis2.example.nhs.uk/oidc"
PASSWORD = "pass"  # tests.factories.UserFactory
LINKED_MESSAGE = "Your account signs in with your organisation&#x27;s account"


@pytest.fixture
def providers(settings):
    def provider(key, label, issuer, organisations):
        return {
            "key": key,
            "label": label,
            "issuer": issuer,
            "client_id": f"{key}-client",
            "client_secret_env": "SECRET",
            "organisations": organisations,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "jwks_uri": f"{issuer}/keys",
        }

    settings.OIDC_PROVIDERS = parse_providers(
        [
            provider("kent-entra", "Kent County Council", ISSUER, ["886"]),
            provider("nhs-cis2", "NHS Care Identity", NHS_ISSUER, ["RYY", "QKS"]),
        ],
        {"SECRET": "not-a-real-secret"},
    )
    return settings.OIDC_PROVIDERS


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_sign_in_page_offers_each_provider_above_the_password_form(cast, providers):
    page = Client().get("/login/?next=/breaches/").content.decode()
    kent = page.index("Sign in with Kent County Council")
    nhs = page.index("Sign in with NHS Care Identity")
    assert kent < nhs < page.index('name="password"')
    assert 'href="/oidc/kent-entra/?next=/breaches/"' in page


def test_with_no_provider_configured_the_page_has_only_the_password_form(cast, settings):
    settings.OIDC_PROVIDERS = ()
    page = Client().get("/login/").content.decode()
    assert "Sign in with" not in page
    assert 'name="password"' in page


def test_a_linked_user_is_refused_a_password_with_a_clear_message(cast, providers):
    IdentityLink.objects.create(user=cast.social_worker, issuer=ISSUER, subject="oid-sw")
    client = Client()
    response = client.post("/login/", {"username": "sw", "password": PASSWORD})
    assert response.status_code == 200
    assert LINKED_MESSAGE in response.content.decode()
    assert not signed_in(client)


def test_a_wrong_password_for_a_linked_user_says_nothing_about_the_link(cast, providers):
    IdentityLink.objects.create(user=cast.social_worker, issuer=ISSUER, subject="oid-sw")
    response = Client().post("/login/", {"username": "sw", "password": "wrong"})
    assert LINKED_MESSAGE not in response.content.decode()
    assert "correct username and password" in response.content.decode()


def test_the_api_and_admin_sign_in_forms_refuse_a_linked_users_password_too(cast, providers):
    user_admin_access_sync(user=cast.admin)
    IdentityLink.objects.create(user=cast.admin, issuer=ISSUER, subject="oid-admin")
    for path in ("/api/v1/auth/login/", "/admin/login/"):
        client = Client()
        client.post(path, {"username": "admin", "password": PASSWORD})
        assert not signed_in(client), path


def test_a_break_glass_account_without_a_link_still_signs_in_with_a_password(cast, providers):
    client = Client()
    response = client.post("/login/", {"username": "sw", "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in(client)


def test_with_no_provider_configured_a_linked_user_keeps_their_password(cast, settings):
    settings.OIDC_PROVIDERS = ()
    IdentityLink.objects.create(user=cast.social_worker, issuer=ISSUER, subject="oid-sw")
    client = Client()
    client.post("/login/", {"username": "sw", "password": PASSWORD})
    assert signed_in(client)


def test_a_providers_mfa_flag_for_another_user_does_not_verify_this_one(cast):
    client = Client()
    client.force_login(cast.manager)
    session = client.session
    session[SESSION_MULTI_FACTOR_AT_PROVIDER] = {"user": cast.auditor.pk, "provider": "x"}
    session.save()
    response = client.get("/breaches/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/")


def test_an_unknown_provider_key_is_a_404(cast, providers):
    assert Client().get("/oidc/nobody/").status_code == 404


# The user admin ---------------------------------------------------------------------------


def _change_form(user, links: list[dict]) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "organisation": user.organisation_id,
        "team": user.team_id or "",
        "role": user.role,
        "identity_links-TOTAL_FORMS": str(len(links)),
        "identity_links-INITIAL_FORMS": "0",
        "identity_links-MIN_NUM_FORMS": "0",
        "identity_links-MAX_NUM_FORMS": "1000",
    }
    for number, link in enumerate(links):
        data.update({f"identity_links-{number}-{key}": value for key, value in link.items()})
    return data


def test_an_organisations_administrator_links_a_user_to_their_identity(cast, providers):
    user_admin_access_sync(user=cast.admin)
    admin = signed_in_client(cast.admin)
    page = admin.get(f"/admin/accounts/user/{cast.social_worker.pk}/change/").content.decode()
    assert "Kent County Council (https://login.microsoftonline.com/kent-tenant/v2.0)" in page

    response = admin.post(
        f"/admin/accounts/user/{cast.social_worker.pk}/change/",
        _change_form(cast.social_worker, [{"issuer": ISSUER, "subject": "oid-sw"}]),
    )

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    link = IdentityLink.objects.get()
    assert (link.user, link.issuer, link.subject) == (cast.social_worker, ISSUER, "oid-sw")
    assert link.history.get().history_user == cast.admin


def test_the_admin_refuses_a_provider_that_does_not_serve_the_users_organisation(cast, providers):
    user_admin_access_sync(user=cast.admin)
    admin = signed_in_client(cast.admin)
    response = admin.post(
        f"/admin/accounts/user/{cast.social_worker.pk}/change/",
        _change_form(cast.social_worker, [{"issuer": NHS_ISSUER, "subject": "555042709107"}]),
    )
    assert response.status_code == 200
    assert "does not sign in this user&#x27;s organisation" in response.content.decode()
    assert not IdentityLink.objects.exists()
