"""API tokens and two-factor enrolment codes: made, checked and revoked here.

A token is ``lac_`` and 43 URL-safe characters (256 random bits). Only its SHA-256 is stored;
the user sees it once. It expires (at most a year), is read-only unless made for writing, and
is refused to the roles that must use two-factor authentication unless the user is a service
account (a token skips the second factor). Enrolment codes are 8 characters from an
unambiguous alphabet, hashed the same way, valid for 7 days and used once."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from apps.accounts.models import ApiToken, EnrolmentCode, TokenScope, User

TOKEN_PREFIX = "lac_"
MAX_TOKEN_DAYS = 365
TOKEN_DAYS_CHOICES = (30, 90, 180, 365)
ENROLMENT_CODE_DAYS = 7
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def may_hold_tokens(user: User) -> bool:
    if not user.is_active:
        return False
    if user.is_service_account:
        return True
    return not (user.is_superuser or user.role in settings.OTP_REQUIRED_ROLES)


@transaction.atomic
def api_token_create(*, user: User, name: str, scope: str, days: int) -> tuple[ApiToken, str]:
    """Make a token; returns the row and the token itself, which is never shown again."""
    if not may_hold_tokens(user):
        raise ValidationError(
            {
                "name": "Your role must use two-factor authentication, which an API token would "
                "skip. Ask a platform operator for a service account."
            }
        )
    if not name.strip():
        raise ValidationError({"name": "Enter what the token is for."})
    if scope not in TokenScope.values:
        raise ValidationError({"scope": "Select whether the token may change records."})
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValidationError({"days": f"Select an expiry of at most {MAX_TOKEN_DAYS} days."})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        key_hash=_digest(secret),
        scope=scope,
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, revoked_by: User) -> ApiToken:
    if token.user_id != revoked_by.pk and not revoked_by.is_superuser:
        raise ValidationError({"token": "You can only revoke your own tokens."})
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Token lac_…`` (DRF's keyword, as before) or ``Bearer lac_…``."""

    keywords = (b"token", b"bearer")

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the token as 'Authorization: Token …'.")
        try:
            secret = parts[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed("The token is not valid.") from error
        token = (
            ApiToken.objects.select_related("user", "user__organisation", "user__team")
            .filter(key_hash=_digest(secret))
            .first()
        )
        now = timezone.now()
        if token is None or token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("The token is not valid.")
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed("The token has expired: make a new one.")
        if not may_hold_tokens(token.user):
            raise exceptions.AuthenticationFailed(
                "Your role must use two-factor authentication: sign in instead of using a token."
            )
        if token.scope == TokenScope.READ and request.method not in ("GET", "HEAD", "OPTIONS"):
            raise exceptions.PermissionDenied("This token is read-only.")
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return "Token"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "An API token made at /account/api-tokens/: `Token lac_…`. Read-only "
            "tokens may only GET; tokens expire; two-factor roles use service accounts.",
        }


# Two-factor enrolment codes ----------------------------------------------------------------


@transaction.atomic
def enrolment_code_issue(*, user: User, issued_by: User | None) -> str:
    """A new code for the user (earlier unused ones stop working); returns the code."""
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    now = timezone.now()
    EnrolmentCode.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
    EnrolmentCode.objects.create(
        user=user,
        code_hash=_digest(code),
        issued_by=issued_by,
        expires_at=now + timedelta(days=ENROLMENT_CODE_DAYS),
    )
    return code


def enrolment_code_set(*, user: User, code: str, days: int = ENROLMENT_CODE_DAYS) -> None:
    """A known code, for the demo's users only (seed_demo)."""
    EnrolmentCode.objects.filter(user=user, used_at__isnull=True).delete()
    EnrolmentCode.objects.create(
        user=user,
        code_hash=_digest(code.strip().upper()),
        expires_at=timezone.now() + timedelta(days=days),
    )


def enrolment_code_find(*, user: User, code: str) -> EnrolmentCode | None:
    """The user's valid, unused code matching what they typed, or None. Entering it shows
    the authenticator's key; it is used up only when the authenticator is confirmed, so a
    person interrupted half-way can come back with the same code."""
    return EnrolmentCode.objects.filter(
        user=user,
        code_hash=_digest(code.strip().upper().replace(" ", "")),
        used_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).first()


@transaction.atomic
def enrolment_code_redeem(*, user: User, code_id: int | None) -> bool:
    """Use the code once, when the authenticator is confirmed; True for the one caller whose
    conditional UPDATE matched (a second session with the same code gets False)."""
    if code_id is None:
        return False
    now = timezone.now()
    claimed = EnrolmentCode.objects.filter(
        pk=code_id, user=user, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    return claimed == 1
