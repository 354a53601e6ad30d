"""Sign-in with the organisation's identity provider (OpenID Connect), README "Signing in
with Entra ID or NHS CIS2". Imported by base.py.

OIDC_PROVIDERS (JSON) or OIDC_PROVIDERS_FILE (a path to the same JSON) lists the providers;
each names the environment variable holding its client secret, so no secret is written
here or in the JSON. They are read from os.environ (which base.py's django-environ object
fills from .env) because those variables' names are themselves configuration.
With no provider configured, everyone signs in with a password and TOTP as before."""

import os

from django.core.exceptions import ImproperlyConfigured

from apps.accounts.oidc.providers import ProviderConfigError, load_providers

try:
    OIDC_PROVIDERS = load_providers(os.environ)
except ProviderConfigError as error:
    raise ImproperlyConfigured(str(error)) from error

# mozilla-django-oidc's own settings, the same for every provider.
OIDC_CREATE_USER = False  # users are set up by their organisation's administrator
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_STORE_ACCESS_TOKEN = False
OIDC_STORE_ID_TOKEN = False
OIDC_VERIFY_SSL = True
OIDC_TIMEOUT = 10  # seconds, for the token, JWKS and discovery requests
# Sign-ins in progress kept per session (one per tab); the oldest is forgotten.
OIDC_MAX_STATES = 10
