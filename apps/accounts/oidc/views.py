"""Starting a sign-in at an organisation's identity provider, and its callback.

One callback URL serves every provider: the provider's key is stored with the sign-in's
``state`` in the session when it starts, and read back from there (never from the callback's
query string, which the browser, and so an attacker, controls)."""

import logging
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import View
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from apps.accounts.addresses import client_address
from apps.accounts.middleware import (
    SESSION_AUTH_AT,
    SESSION_MULTI_FACTOR_AT_PROVIDER,
    SESSION_SEEN_AT,
)
from apps.accounts.models import SignInRefusal
from apps.accounts.oidc.backend import PROVIDER_ATTRIBUTE
from apps.accounts.oidc.claims import SignInRefused
from apps.accounts.oidc.providers import IdentityProvider, ProviderConfigError, provider_endpoints
from apps.accounts.services import identity_sign_in_record

logger = logging.getLogger("apps.accounts.oidc")
STATES = "oidc_states"  # mozilla-django-oidc's session key: state -> nonce, PKCE verifier


def configured_provider(key: str | None) -> IdentityProvider | None:
    return next((p for p in settings.OIDC_PROVIDERS if p.key == key), None)


def _refused(request, provider: IdentityProvider | None, refusal: SignInRefused):
    logger.warning(
        "Refused sign-in through identity provider %s: %s (subject %r, user %s, from %s)",
        provider.key if provider else "?",
        refusal,
        refusal.subject,
        getattr(refusal.user, "username", None),
        client_address(request),
    )
    identity_sign_in_record(
        provider=provider,
        refusal=refusal.reason,
        subject=refusal.subject,
        user=refusal.user,
        detail=refusal.detail,
        ip_address=client_address(request),
    )
    query = urlencode({"refused": provider.key}) if provider else "refused="
    return HttpResponseRedirect(f"{reverse('login')}?{query}")


class ProviderSignInView(OIDCAuthenticationRequestView):
    """Send the browser to the provider named in the URL."""

    def __init__(self, **kwargs):
        # The library reads one provider's endpoint and client here; ours come from the URL.
        View.__init__(self, **kwargs)

    def get_settings(self, attr, *args):
        if attr == "OIDC_RP_SCOPES":
            return " ".join(self.provider.scopes)
        return import_from_settings(attr, *args)

    def get_extra_params(self, request):
        return dict(self.provider.auth_params)

    def get(self, request, key):
        self.provider = configured_provider(key)
        if self.provider is None:
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_endpoints(self.provider).authorization
        except (requests.RequestException, ProviderConfigError, ValueError, KeyError) as error:
            return _refused(
                request,
                self.provider,
                SignInRefused(SignInRefusal.PROVIDER_ERROR, f"discovery failed: {error}"),
            )
        self.OIDC_RP_CLIENT_ID = self.provider.client_id
        response = super().get(request)
        state = parse_qs(urlsplit(response.url).query)["state"][0]
        request.session[STATES][state]["provider"] = self.provider.key
        request.session.modified = True
        return response


class ProviderCallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here with a code (or an error)."""

    def get(self, request):
        state = request.GET.get("state", "")
        started = request.session.get(STATES, {}).get(state)
        self.provider = configured_provider(started.get("provider")) if started else None
        if request.GET.get("error"):
            detail = f"{request.GET['error']}: {request.GET.get('error_description', '')}"
            super().get(request)  # forgets the state and signs out, as the library does
            return _refused(
                request, self.provider, SignInRefused(SignInRefusal.PROVIDER_ERROR, detail)
            )
        if started is None:
            # The state was used already (a replayed callback) or never issued to this
            # browser (a code injected from another sign-in).
            return _refused(
                request,
                None,
                SignInRefused(SignInRefusal.REPLAYED, "state unknown or already used"),
            )
        if self.provider is None:
            return _refused(
                request,
                None,
                SignInRefused(SignInRefusal.UNKNOWN_PROVIDER, str(started.get("provider"))),
            )
        setattr(request, PROVIDER_ATTRIBUTE, self.provider)
        try:
            return super().get(request)
        except SignInRefused as refusal:
            return _refused(request, self.provider, refusal)
        except (requests.RequestException, ProviderConfigError, ValueError, KeyError) as error:
            # The token endpoint refused the code, or the provider could not be reached.
            refusal = SignInRefused(SignInRefusal.PROVIDER_ERROR, str(error))
            return _refused(request, self.provider, refusal)

    def login_failure(self):
        # The library found no code in the callback, or no backend returned a user (django-axes
        # refuses a locked-out address before ours is asked).
        return _refused(
            self.request,
            self.provider,
            SignInRefused(SignInRefusal.INVALID_TOKEN, "no code in the callback, or no user"),
        )

    def login_success(self):
        sign_in = self.user.provider_sign_in
        response = super().login_success()  # django.contrib.auth.login: a new session key
        session = self.request.session
        now = time.time()
        session[SESSION_AUTH_AT] = now
        session[SESSION_SEEN_AT] = now
        if sign_in.multi_factor:
            # Honoured by the session policy in place of the local TOTP step.
            session[SESSION_MULTI_FACTOR_AT_PROVIDER] = {
                "user": self.user.pk,
                "provider": sign_in.provider.key,
            }
        logger.info(
            "Signed in through identity provider %s: %s (multi-factor %s)",
            sign_in.provider.key,
            self.user.username,
            sign_in.multi_factor,
        )
        identity_sign_in_record(
            provider=sign_in.provider,
            subject=sign_in.subject,
            user=self.user,
            multi_factor=sign_in.multi_factor,
            ip_address=client_address(self.request),
        )
        return response
