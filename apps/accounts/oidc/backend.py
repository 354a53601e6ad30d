"""The authentication backend for a sign-in through an identity provider.

mozilla-django-oidc does the code exchange; this subclass takes the provider from the
request (set by apps.accounts.oidc.views.ProviderCallbackView from the session), checks the
ID token fully (the library checks neither issuer nor audience), and finds the user by the
IdentityLink their administrator set up: never by email, never creating one."""

from dataclasses import dataclass

import jwt
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.utils.crypto import constant_time_compare
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from apps.accounts.models import SignInRefusal
from apps.accounts.oidc.claims import SignInRefused, multi_factor_asserted, stable_subject
from apps.accounts.oidc.providers import IdentityProvider, provider_endpoints
from apps.accounts.selectors import identity_link_find

# Set on the request by the callback view: the provider this sign-in started with.
PROVIDER_ATTRIBUTE = "identity_provider"
# Clock difference tolerated between us and the provider for exp, iat and nbf.
LEEWAY_SECONDS = 60


@dataclass(frozen=True)
class ProviderSignIn:
    provider: IdentityProvider
    subject: str
    multi_factor: bool


class ProviderBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # The library reads one provider's settings here; ours come per sign-in.
        self.UserModel = get_user_model()
        self.provider: IdentityProvider | None = None

    def get_settings(self, attr, *args):
        if attr == "OIDC_TOKEN_USE_BASIC_AUTH":
            return self.provider.token_endpoint_auth == "client_secret_basic"
        return import_from_settings(attr, *args)

    def authenticate(self, request, **kwargs):
        provider = getattr(request, PROVIDER_ATTRIBUTE, None)
        if provider is None:
            return None  # not a sign-in through an identity provider
        self.provider = provider
        endpoints = provider_endpoints(provider)
        self.OIDC_OP_TOKEN_ENDPOINT = endpoints.token
        self.OIDC_OP_JWKS_ENDPOINT = endpoints.jwks
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        """The ID token: signed with the provider's key and an asymmetric algorithm, from
        this issuer, for this client, not expired, and carrying this sign-in's nonce."""
        provider = self.provider
        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
        except jwt.PyJWTError as error:
            raise SignInRefused(SignInRefusal.INVALID_TOKEN, str(error)) from error
        if algorithm not in provider.signing_algorithms:
            raise SignInRefused(SignInRefusal.INVALID_TOKEN, f"signed with {algorithm!r}")
        try:
            key = self.retrieve_matching_jwk(token)
        except (SuspiciousOperation, KeyError) as error:
            raise SignInRefused(SignInRefusal.INVALID_TOKEN, f"no signing key: {error}") from error
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=provider.client_id,
                issuer=provider.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise SignInRefused(SignInRefusal.EXPIRED, str(error)) from error
        except jwt.InvalidIssuerError as error:
            raise SignInRefused(SignInRefusal.WRONG_ISSUER, str(error)) from error
        except jwt.InvalidAudienceError as error:
            raise SignInRefused(SignInRefusal.WRONG_AUDIENCE, str(error)) from error
        except jwt.PyJWTError as error:
            raise SignInRefused(SignInRefusal.INVALID_TOKEN, str(error)) from error
        audience = claims["aud"]
        if (
            isinstance(audience, list)
            and len(audience) > 1
            and claims.get("azp") != provider.client_id
        ):
            raise SignInRefused(SignInRefusal.WRONG_AUDIENCE, f"azp {claims.get('azp')!r}")
        # The nonce was stored with this sign-in's state; a token from an earlier sign-in
        # (replayed, or injected by someone who stole it) carries another one.
        nonce = kwargs.get("nonce") or ""
        if not nonce or not constant_time_compare(str(claims.get("nonce", "")), nonce):
            raise SignInRefused(
                SignInRefusal.REPLAYED, "the ID token's nonce is not this sign-in's"
            )
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        """The user linked to this identity (``payload`` is the verified ID token; the
        userinfo endpoint is not used: Entra ID's is Microsoft Graph and has no oid or tid)."""
        provider = self.provider
        subject = stable_subject(provider, payload)
        link = identity_link_find(issuer=provider.issuer, subject=subject)
        if link is None:
            raise SignInRefused(SignInRefusal.UNPROVISIONED, subject=subject)
        user = link.user
        if not user.is_active:
            raise SignInRefused(SignInRefusal.INACTIVE, subject=subject, user=user)
        organisation_code = user.organisation.code if user.organisation_id else None
        if not provider.serves(organisation_code):
            raise SignInRefused(
                SignInRefusal.WRONG_ORGANISATION,
                f"the user is of {organisation_code or 'no organisation'}",
                subject=subject,
                user=user,
            )
        user.provider_sign_in = ProviderSignIn(
            provider=provider,
            subject=subject,
            multi_factor=multi_factor_asserted(provider, payload),
        )
        return user

    # The library's get_user ignores is_active: a user disabled by their administrator
    # would stay signed in. Django's checks it on every request.
    get_user = ModelBackend.get_user
