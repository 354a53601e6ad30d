"""Issue 17, finding 3 and the second half of 7: API tokens and two-factor enrolment.

Before: a manager or auditor refused on the session API (password only) got 200 with their
token; tokens never expired and were stored in plain text; whoever had a 2FA-role user's
password could enrol their own authenticator (the secret was shown on first sign-in)."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from apps.accounts.models import ApiToken, EnrolmentCode
from apps.accounts.tokens import api_token_create, enrolment_code_issue
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db


def _get(key: str, path: str = "/api/v1/children/"):
    return Client().get(path, HTTP_AUTHORIZATION=f"Token {key}")


def test_a_token_is_stored_as_a_hash_and_shown_once(cast):
    client = signed_in_client(cast.social_worker)
    posted = client.post(
        "/account/api-tokens/", {"name": "Monthly report", "scope": "read", "days": "90"}
    )
    # Post, redirect, get: a refresh of the page that shows the token makes no second one.
    assert posted.status_code == 302 and posted["Location"] == "/account/api-tokens/"
    made = client.get("/account/api-tokens/")
    assert made.status_code == 200
    assert made["Cache-Control"] == "no-store"
    secret = made.context["secret"]
    assert secret.startswith("lac_") and len(secret) > 40
    assert secret in made.content.decode()
    # Nowhere in the database: not in the token table, not in any column of any row.
    row = ApiToken.objects.get(user=cast.social_worker)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        assert not any(secret in str(value) for record in cursor.fetchall() for value in record)
    assert row.prefix == secret[:10] and row.key_hash != secret
    # Listed afterwards by its first characters only.
    again = client.get("/account/api-tokens/").content.decode()
    assert "Monthly report" in again and row.prefix in again and secret not in again
    assert _get(secret).status_code == 200
    assert ApiToken.objects.get(pk=row.pk).last_used_at is not None


def test_a_token_expires(cast):
    _row, key = api_token_create(user=cast.social_worker, name="Short", scope="read", days=30)
    assert _get(key).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=30, seconds=1)):
        response = _get(key)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_read_token_cannot_write_and_a_write_token_can(cast, child_in_team_a):
    _row, read = api_token_create(user=cast.social_worker, name="R", scope="read", days=30)
    _row, write = api_token_create(user=cast.social_worker, name="W", scope="write", days=30)
    path = f"/api/v1/children/{child_in_team_a.pk}/"
    refused = Client().patch(
        path,
        {"first_name": "Changed", "reason": "Typing error"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {read}",
    )
    assert refused.status_code == 403
    assert "read-only" in refused.json()["detail"]
    child_in_team_a.refresh_from_db()
    assert child_in_team_a.first_name != "Changed"
    allowed = Client().patch(
        path,
        {"first_name": "Changed", "reason": "Typing error"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {write}",
    )
    assert allowed.status_code == 200, allowed.content
    child_in_team_a.refresh_from_db()
    assert child_in_team_a.first_name == "Changed"


@pytest.mark.parametrize("role", ["manager", "performance_manager", "designated", "auditor"])
def test_the_two_factor_roles_get_no_token_and_an_old_one_stops_working(cast, role):
    user = getattr(cast, role)
    page = signed_in_client(user).post(
        "/account/api-tokens/", {"name": "Mine", "scope": "read", "days": "30"}
    )
    assert "cannot make tokens" in page.content.decode()
    assert not ApiToken.objects.filter(user=user).exists()
    # A token made while the user had another role, or planted in the table, is refused.
    role_now = user.role
    type(user).objects.filter(pk=user.pk).update(role="SOCIAL_WORKER")
    user.refresh_from_db()
    _row, key = api_token_create(user=user, name="Before", scope="read", days=30)
    type(user).objects.filter(pk=user.pk).update(role=role_now)
    response = _get(key)
    assert response.status_code == 401
    assert "two-factor" in response.json()["detail"]


def test_a_service_account_in_a_two_factor_role_uses_a_token_but_cannot_sign_in(cast):
    user = cast.performance_manager
    type(user).objects.filter(pk=user.pk).update(is_service_account=True)
    user.refresh_from_db()
    _row, key = api_token_create(user=user, name="Scorecard feed", scope="read", days=365)
    assert _get(key, "/api/v1/scorecard/").status_code == 200
    response = Client().post("/login/", {"username": user.username, "password": "pass"})
    assert response.status_code == 200
    assert "service account" in response.content.decode()
    assert "_auth_user_id" not in Client().session


def test_a_revoked_token_is_refused_and_only_its_owner_revokes_it(cast):
    row, key = api_token_create(user=cast.social_worker, name="R", scope="read", days=30)
    other = signed_in_client(cast.social_worker_team_b)
    assert other.post(f"/account/api-tokens/{row.pk}/revoke/").status_code == 404
    assert _get(key).status_code == 200
    owner = signed_in_client(cast.social_worker)
    assert owner.post(f"/account/api-tokens/{row.pk}/revoke/").status_code == 302
    assert _get(key).status_code == 401
    assert "Revoked" in owner.get("/account/api-tokens/").content.decode()


def test_an_unknown_or_malformed_token_is_a_401(cast):
    assert _get("lac_not-a-real-token").status_code == 401
    response = Client().get("/api/v1/children/", HTTP_AUTHORIZATION="Token a b")
    assert response.status_code == 401


def test_a_token_form_with_nothing_filled_in_names_each_field(cast):
    response = signed_in_client(cast.social_worker).post("/account/api-tokens/", {})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"name", "scope", "days"}
    assert errors["name"] == ["Enter what the token is for"]


# Two-factor enrolment -----------------------------------------------------------------------


def _password_only_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _secret(response) -> str:
    import re

    return re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', response.content.decode())[1]


def _code_now(secret: str) -> str:
    import base64

    from django_otp.oath import TOTP

    return f"{TOTP(base64.b32decode(secret.replace(' ', ''))).token():06d}"


def test_an_enrolment_code_works_once(cast):
    user = cast.manager
    code = enrolment_code_issue(user=user, issued_by=cast.admin)
    first = _password_only_client(user)
    assert first.post("/account/two-factor/", {"code": code.lower()}).status_code == 302
    secret = _secret(first.get("/account/two-factor/"))
    confirmed = first.post("/account/two-factor/?next=/", {"token": _code_now(secret)})
    assert confirmed.status_code == 302 and confirmed["Location"] == "/"
    assert EnrolmentCode.objects.get(user=user).used_at is not None
    # Someone else with the password and the same code, later: refused, no key shown.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()  # even were the authenticator removed
    second = _password_only_client(user)
    refused = second.post("/account/two-factor/", {"code": code})
    assert refused.status_code == 400
    assert b"totp-secret" not in refused.content
    assert "expired or been used" in refused.content.decode()


def test_an_interrupted_enrolment_can_be_finished_with_the_same_code_and_a_new_key(cast):
    user = cast.designated
    code = enrolment_code_issue(user=user, issued_by=cast.admin)
    first = _password_only_client(user)
    first.post("/account/two-factor/", {"code": code})
    abandoned = _secret(first.get("/account/two-factor/"))
    # Signed out before entering a code from the app: the next sign-in starts again.
    later = _password_only_client(user)
    page = later.get("/account/two-factor/")
    assert b"Enrolment code from your administrator" in page.content
    assert later.post("/account/two-factor/", {"code": code}).status_code == 302
    fresh = _secret(later.get("/account/two-factor/"))
    assert fresh != abandoned
    done = later.post("/account/two-factor/?next=/", {"token": _code_now(fresh)})
    assert done.status_code == 302


def test_an_empty_enrolment_code_names_the_field(cast):
    response = _password_only_client(cast.manager).post("/account/two-factor/", {})
    assert response.status_code == 400
    assert "Enter the enrolment code from your administrator" in response.content.decode()


def test_an_expired_or_replaced_enrolment_code_is_refused(cast):
    user = cast.auditor
    old = enrolment_code_issue(user=user, issued_by=cast.admin)
    new = enrolment_code_issue(user=user, issued_by=cast.admin)
    client = _password_only_client(user)
    assert client.post("/account/two-factor/", {"code": old}).status_code == 400
    EnrolmentCode.objects.filter(user=user).update(expires_at=timezone.now())
    assert client.post("/account/two-factor/", {"code": new}).status_code == 400
    assert EnrolmentCode.objects.filter(user=user, used_at__isnull=False).count() == 0


def test_an_admin_issues_an_enrolment_code_from_the_admin_shown_once(cast):
    from apps.accounts.services import user_upsert

    admin = user_upsert(
        username="admin.kent",
        password="pass",
        role="ADMIN",
        organisation=cast.our_la,
        is_staff=True,
    )
    response = signed_in_client(admin).post(
        "/admin/accounts/user/",
        {"action": "issue_enrolment_code", "_selected_action": [cast.manager.pk]},
        follow=True,
    )
    text = [str(m) for m in response.context["messages"]]
    assert len(text) == 1 and "Enrolment code for manager: " in text[0]
    code = text[0].split(": ")[1].split(" ")[0]
    assert len(code) == 8
    stored = EnrolmentCode.objects.get(user=cast.manager)
    assert stored.issued_by == admin and code not in stored.code_hash
    client = _password_only_client(cast.manager)
    assert client.post("/account/two-factor/", {"code": code}).status_code == 302
    # Another organisation's user cannot be chosen: the action runs on the admin's queryset.
    signed_in_client(admin).post(
        "/admin/accounts/user/",
        {"action": "issue_enrolment_code", "_selected_action": [cast.designated.pk]},
    )
    assert not EnrolmentCode.objects.filter(user=cast.designated).exists()
