"""Sign-in with the organisation's identity, end to end: Chromium signs in through a real
OpenID provider (oidc-provider, started by the test on 127.0.0.1) to the app's live server.
Every refusal is checked where an auditor would look: an IdentitySignIn row, and a warning
from the apps.accounts.oidc logger."""

import logging

import pytest
from django.test import Client

from apps.accounts.models import IdentityLink, IdentitySignIn, SignInRefusal, User
from tests.accounts.conftest import Account, wait_for
from tests.helpers import current_code, verified_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_at_provider(page, account: Account) -> None:
    page.context.clear_cookies()
    page.goto("/login/")
    page.get_by_role("button", name="Sign in with Test ID").click()
    page.wait_for_selector("h1:has-text('Test identity provider')")
    page.fill("#login", account.login)
    page.fill("#password", account.password)
    page.get_by_role("button", name="Continue").click()


def link(user: User, provider, subject: str) -> IdentityLink:
    return IdentityLink.objects.create(user=user, issuer=provider.issuer, subject=subject)


def the_refusal(caplog) -> IdentitySignIn:
    row = wait_for(lambda: IdentitySignIn.objects.exclude(refusal="").first())
    assert row is not None, "a refused sign-in leaves a row for the auditor"
    warnings = [r for r in caplog.records if r.name == "apps.accounts.oidc"]
    assert any(r.levelno == logging.WARNING and row.refusal in r.getMessage() for r in warnings)
    return row


def assert_refused_on_the_sign_in_page(page) -> None:
    page.wait_for_selector("#sign-in-refused")
    assert "/login/" in page.url
    assert "You could not be signed in with Test ID" in page.inner_text("#sign-in-refused")


# Signing in -------------------------------------------------------------------------------


def test_a_linked_social_worker_signs_in_and_lands_on_their_worklist(
    page, cast, start_identity_provider
):
    account = Account(login="sam", sub="8c1e0f55-sw")
    provider = start_identity_provider([account])
    link(cast.social_worker, provider, account.sub)

    sign_in_at_provider(page, account)

    page.wait_for_selector("h1:has-text('Your worklist')")
    signed_in = IdentitySignIn.objects.get()
    assert (signed_in.user, signed_in.refusal, signed_in.subject) == (
        cast.social_worker,
        "",
        account.sub,
    )
    assert signed_in.organisation == cast.our_la


def test_multi_factor_at_the_provider_spares_a_manager_the_local_totp_step(
    page, cast, start_identity_provider
):
    account = Account(login="max", sub="mgr-1", amr=["pwd", "mfa"])
    provider = start_identity_provider([account])
    link(cast.manager, provider, account.sub)

    sign_in_at_provider(page, account)

    page.wait_for_selector("h1:has-text('Your worklist')")
    assert "/account/two-factor/" not in page.url
    # Still verified on the next page, not only the first.
    page.goto("/breaches/")
    assert "/account/two-factor/" not in page.url
    assert IdentitySignIn.objects.get().multi_factor is True


def test_without_multi_factor_at_the_provider_a_manager_still_does_the_local_totp_step(
    page, cast, start_identity_provider
):
    account = Account(login="max", sub="mgr-1", amr=["pwd"])
    provider = start_identity_provider([account])
    link(cast.manager, provider, account.sub)
    # The manager has enrolled an authenticator already (enrolment: tests/security).
    verified_device(cast.manager)

    sign_in_at_provider(page, account)

    page.wait_for_url("**/account/two-factor/**")
    assert IdentitySignIn.objects.get().multi_factor is False
    page.goto("/breaches/")
    assert "/account/two-factor/" in page.url, "nothing but the TOTP step lets the manager in"
    page.fill("#id_token", current_code(cast.manager))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/breaches/")
    page.goto("/")
    page.wait_for_selector("h1:has-text('Your worklist')")


# Refused ----------------------------------------------------------------------------------


def test_an_id_token_from_another_issuer_is_refused(page, cast, start_identity_provider, caplog):
    account = Account(login="sam", sub="sw-1")
    # The provider signs as another issuer than the one the app is configured with (its
    # endpoints are given, so discovery cannot catch it first: the ID token check must).
    provider = start_identity_provider([account], issuer="https://login.example.invalid/other")
    start_identity_provider.configure(
        provider.config(
            issuer=provider.url,
            authorization_endpoint=f"{provider.url}/auth",
            token_endpoint=f"{provider.url}/token",
            jwks_uri=f"{provider.url}/jwks",
        )
    )
    IdentityLink.objects.create(user=cast.social_worker, issuer=provider.url, subject=account.sub)

    sign_in_at_provider(page, account)

    assert_refused_on_the_sign_in_page(page)
    assert the_refusal(caplog).refusal == SignInRefusal.WRONG_ISSUER


def test_a_discovery_document_naming_another_issuer_is_not_followed(
    cast, start_identity_provider, caplog
):
    provider = start_identity_provider([], issuer="https://login.example.invalid/other")
    start_identity_provider.configure(provider.config(issuer=provider.url))

    response = Client().get("/oidc/test-idp/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?refused=test-idp"
    row = the_refusal(caplog)
    assert row.refusal == SignInRefusal.PROVIDER_ERROR
    assert "discovery document names issuer" in row.detail


def test_an_expired_id_token_is_refused(page, cast, start_identity_provider, caplog):
    account = Account(login="sam", sub="sw-1")
    provider = start_identity_provider([account], id_token="expired")
    link(cast.social_worker, provider, account.sub)

    sign_in_at_provider(page, account)

    assert_refused_on_the_sign_in_page(page)
    assert the_refusal(caplog).refusal == SignInRefusal.EXPIRED


def test_an_id_token_for_another_client_is_refused(page, cast, start_identity_provider, caplog):
    account = Account(login="sam", sub="sw-1")
    provider = start_identity_provider([account], id_token="wrong-audience")
    link(cast.social_worker, provider, account.sub)

    sign_in_at_provider(page, account)

    assert_refused_on_the_sign_in_page(page)
    assert the_refusal(caplog).refusal == SignInRefusal.WRONG_AUDIENCE


def test_a_replayed_callback_is_refused(
    page, browser, live_server, cast, start_identity_provider, caplog
):
    account = Account(login="sam", sub="sw-1")
    provider = start_identity_provider([account])
    link(cast.social_worker, provider, account.sub)
    callbacks = []
    page.on(
        "request",
        lambda request: "/oidc/callback/" in request.url and callbacks.append(request.url),
    )
    sign_in_at_provider(page, account)
    page.wait_for_selector("h1:has-text('Your worklist')")
    assert len(callbacks) == 1

    # Someone who copied the callback address (code and state) tries it in their browser.
    attacker = browser.new_context(base_url=live_server.url)
    try:
        replay = attacker.new_page()
        replay.goto(callbacks[0])
        replay.wait_for_selector("#sign-in-refused")
        replay.goto("/")
        assert "/login/" in replay.url, "the attacker is not signed in"
    finally:
        attacker.close()
    # And the same browser cannot use it twice either.
    page.goto(callbacks[0])
    page.wait_for_selector("#sign-in-refused")

    refusals = wait_for(
        lambda: (
            list(IdentitySignIn.objects.exclude(refusal=""))
            if IdentitySignIn.objects.exclude(refusal="").count() == 2
            else None
        )
    )
    assert [row.refusal for row in refusals] == [SignInRefusal.REPLAYED] * 2
    assert the_refusal(caplog).refusal == SignInRefusal.REPLAYED


def test_a_replayed_id_token_fails_the_nonce_check(page, cast, start_identity_provider, caplog):
    account = Account(login="sam", sub="sw-1")
    # The provider answers every sign-in with the first ID token it issued.
    provider = start_identity_provider([account], id_token="replay")
    link(cast.social_worker, provider, account.sub)
    sign_in_at_provider(page, account)
    page.wait_for_selector("h1:has-text('Your worklist')")

    sign_in_at_provider(page, account)

    assert_refused_on_the_sign_in_page(page)
    row = the_refusal(caplog)
    assert row.refusal == SignInRefusal.REPLAYED
    assert "nonce" in row.detail


def test_an_identity_nobody_set_up_is_refused_and_no_user_is_created(
    page, cast, start_identity_provider, caplog
):
    account = Account(login="stranger", sub="unknown-1", claims={}, amr=["mfa"])
    start_identity_provider([account])
    users_before = User.objects.count()

    sign_in_at_provider(page, account)

    assert_refused_on_the_sign_in_page(page)
    row = the_refusal(caplog)
    assert (row.refusal, row.subject, row.user) == (SignInRefusal.UNPROVISIONED, "unknown-1", None)
    # The provider serves one organisation, so that organisation's administrator sees it.
    assert row.organisation == cast.our_la
    assert User.objects.count() == users_before


def test_a_disabled_user_is_refused(page, cast, start_identity_provider, caplog):
    account = Account(login="sam", sub="sw-1", amr=["mfa"])
    provider = start_identity_provider([account])
    link(cast.social_worker, provider, account.sub)
    User.objects.filter(pk=cast.social_worker.pk).update(is_active=False)

    sign_in_at_provider(page, account)

    assert_refused_on_the_sign_in_page(page)
    row = the_refusal(caplog)
    assert (row.refusal, row.user) == (SignInRefusal.INACTIVE, cast.social_worker)


def test_a_provider_that_does_not_serve_the_users_organisation_is_refused(
    page, cast, start_identity_provider, caplog
):
    # The council's provider (886) must not sign in a nurse of Provider A, even if linked.
    account = Account(login="nina", sub="nurse-1")
    provider = start_identity_provider([account])
    link(cast.nurse_a, provider, account.sub)

    sign_in_at_provider(page, account)

    assert_refused_on_the_sign_in_page(page)
    row = the_refusal(caplog)
    assert (row.refusal, row.user) == (SignInRefusal.WRONG_ORGANISATION, cast.nurse_a)


def test_entra_style_identities_match_on_oid_within_the_councils_tenant(
    page, cast, start_identity_provider, caplog
):
    tenant = "4f1b2d3c-0000-4000-8000-000000000886"
    ours = Account(login="sam", sub="pairwise-1", claims={"oid": "oid-sam", "tid": tenant})
    # Same object id, another tenant: another person.
    other = Account(login="eve", sub="pairwise-2", claims={"oid": "oid-sam", "tid": "another"})
    provider = start_identity_provider([ours, other])
    start_identity_provider.configure(provider.config(subject_claim="oid", tenant_id=tenant))
    link(cast.social_worker, provider, "oid-sam")

    sign_in_at_provider(page, ours)
    page.wait_for_selector("h1:has-text('Your worklist')")
    sign_in_at_provider(page, other)

    assert_refused_on_the_sign_in_page(page)
    assert the_refusal(caplog).refusal == SignInRefusal.WRONG_TENANT
