"""The identity providers, read from the environment (OIDC_PROVIDERS or OIDC_PROVIDERS_FILE).

Plain code with no ORM: settings parse the configuration at start-up, so a mistake stops the
app with a message naming the provider and the field, rather than failing at someone's
first sign-in. Secrets never appear in the configuration itself: each provider names the
environment variable that holds its client secret.
"""

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

# RFC 8176 authentication method references that mean a second factor (or several) was used.
# "fido" is not in RFC 8176 but is what some NHS authenticators assert.
DEFAULT_MFA_AMR = frozenset({"mfa", "otp", "hwk", "swk", "sc", "fido"})
# Never symmetric (HS*, keyed with the client secret) and never "none".
SIGNING_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}
)
# What the sign-in itself sends; a provider's auth_params may not change these.
PROTOCOL_PARAMS = frozenset(
    {
        "client_id",
        "redirect_uri",
        "response_type",
        "scope",
        "state",
        "nonce",
        "code_challenge",
        "code_challenge_method",
    }
)
ENDPOINT_FIELDS = ("authorization_endpoint", "token_endpoint", "jwks_uri")
KNOWN_FIELDS = {
    "key",
    "label",
    "issuer",
    "client_id",
    "client_secret_env",
    "organisations",
    "scopes",
    "subject_claim",
    "tenant_id",
    "discovery_url",
    *ENDPOINT_FIELDS,
    "auth_params",
    "mfa_amr",
    "mfa_acr",
    "signing_algorithms",
    "token_endpoint_auth",
}
DISCOVERY_CACHE_SECONDS = 3600


class ProviderConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Endpoints:
    authorization: str
    token: str
    jwks: str


@dataclass(frozen=True)
class IdentityProvider:
    key: str
    label: str
    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    # Codes of the organisations (apps.accounts.Organisation.code) whose staff it signs in.
    organisations: frozenset[str]
    scopes: tuple[str, ...] = ("openid",)
    # The claim that identifies a person for good: "sub" (CIS2), "oid" (Entra ID, whose
    # "sub" differs per application); with tenant_id the token's "tid" must match too.
    subject_claim: str = "sub"
    tenant_id: str = ""
    discovery_url: str = ""
    endpoints: Endpoints | None = None
    auth_params: tuple[tuple[str, str], ...] = ()
    mfa_amr: frozenset[str] = DEFAULT_MFA_AMR
    mfa_acr: frozenset[str] = frozenset()
    signing_algorithms: tuple[str, ...] = ("RS256",)
    token_endpoint_auth: str = "client_secret_post"

    def serves(self, organisation_code: str | None) -> bool:
        return organisation_code in self.organisations


def load_providers(environ: Mapping[str, str]) -> tuple[IdentityProvider, ...]:
    """The providers from OIDC_PROVIDERS (JSON) or OIDC_PROVIDERS_FILE (a path to JSON)."""
    raw = environ.get("OIDC_PROVIDERS", "").strip()
    path = environ.get("OIDC_PROVIDERS_FILE", "").strip()
    if raw and path:
        raise ProviderConfigError("Set OIDC_PROVIDERS or OIDC_PROVIDERS_FILE, not both.")
    if path:
        try:
            raw = Path(path).read_text()
        except OSError as error:
            raise ProviderConfigError(f"OIDC_PROVIDERS_FILE {path}: {error}") from error
    if not raw:
        return ()
    try:
        entries = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ProviderConfigError(f"OIDC providers are not valid JSON: {error}") from error
    return parse_providers(entries, environ)


def parse_providers(entries, environ: Mapping[str, str]) -> tuple[IdentityProvider, ...]:
    if not isinstance(entries, list):
        raise ProviderConfigError("OIDC providers must be a JSON list of objects.")
    providers = tuple(
        _parse_one(entry, index, environ) for index, entry in enumerate(entries, start=1)
    )
    keys = [provider.key for provider in providers]
    if duplicated := sorted({key for key in keys if keys.count(key) > 1}):
        raise ProviderConfigError(f"OIDC provider keys must be unique: {', '.join(duplicated)}.")
    return providers


def _parse_one(entry, index: int, environ: Mapping[str, str]) -> IdentityProvider:
    if not isinstance(entry, dict):
        raise ProviderConfigError(f"OIDC provider {index} must be a JSON object.")
    name = entry.get("key") or f"number {index}"

    def fail(message: str):
        raise ProviderConfigError(f"OIDC provider {name}: {message}")

    if "client_secret" in entry:
        fail("do not put the client secret here; name its variable in client_secret_env.")
    if unknown := sorted(set(entry) - KNOWN_FIELDS):
        fail(f"unknown field(s) {', '.join(unknown)}.")
    for required in ("key", "label", "issuer", "client_id", "client_secret_env", "organisations"):
        if not entry.get(required):
            fail(f"{required} is required.")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,49}", entry["key"]):
        fail("key must be lower-case letters, digits and hyphens (it appears in URLs).")
    secret = environ.get(entry["client_secret_env"], "")
    if not secret:
        fail(f"the environment variable {entry['client_secret_env']} (client_secret_env) is empty.")
    issuer = _url(entry["issuer"], "issuer", fail)
    organisations = entry["organisations"]
    if not isinstance(organisations, list) or not all(
        isinstance(code, str) and code for code in organisations
    ):
        fail("organisations must be a list of organisation codes.")
    scopes = _strings(entry.get("scopes", ["openid"]), "scopes", fail)
    if "openid" not in scopes:
        fail('scopes must include "openid".')
    given = [name for name in ENDPOINT_FIELDS if entry.get(name)]
    endpoints = None
    if given and len(given) != len(ENDPOINT_FIELDS):
        fail(f"give all of {', '.join(ENDPOINT_FIELDS)} or none of them (to use discovery).")
    if given:
        endpoints = Endpoints(
            *(_url(entry[name], name, fail) for name in ENDPOINT_FIELDS),
        )
        if entry.get("discovery_url"):
            fail("give either the endpoints or discovery_url, not both.")
    discovery_url = ""
    if endpoints is None:
        discovery_url = _url(
            entry.get("discovery_url") or issuer.rstrip("/") + "/.well-known/openid-configuration",
            "discovery_url",
            fail,
        )
    auth_params = entry.get("auth_params", {})
    if not isinstance(auth_params, dict) or not all(
        isinstance(value, str) for value in auth_params.values()
    ):
        fail("auth_params must be an object of strings.")
    if clash := sorted(set(auth_params) & PROTOCOL_PARAMS):
        fail(f"auth_params may not set {', '.join(clash)}.")
    algorithms = _strings(entry.get("signing_algorithms", ["RS256"]), "signing_algorithms", fail)
    if not algorithms or set(algorithms) - SIGNING_ALGORITHMS:
        fail(f"signing_algorithms must be some of {', '.join(sorted(SIGNING_ALGORITHMS))}.")
    token_auth = entry.get("token_endpoint_auth", "client_secret_post")
    if token_auth not in {"client_secret_post", "client_secret_basic"}:
        fail("token_endpoint_auth must be client_secret_post or client_secret_basic.")
    subject_claim = entry.get("subject_claim", "sub")
    if not isinstance(subject_claim, str) or not subject_claim:
        fail("subject_claim must be a claim name.")
    return IdentityProvider(
        key=entry["key"],
        label=str(entry["label"]),
        issuer=issuer,
        client_id=str(entry["client_id"]),
        client_secret=secret,
        organisations=frozenset(organisations),
        scopes=tuple(scopes),
        subject_claim=subject_claim,
        tenant_id=str(entry.get("tenant_id", "")),
        discovery_url=discovery_url,
        endpoints=endpoints,
        auth_params=tuple(sorted(auth_params.items())),
        mfa_amr=frozenset(
            value.lower()
            for value in _strings(entry.get("mfa_amr", sorted(DEFAULT_MFA_AMR)), "mfa_amr", fail)
        ),
        mfa_acr=frozenset(_strings(entry.get("mfa_acr", []), "mfa_acr", fail)),
        signing_algorithms=tuple(algorithms),
        token_endpoint_auth=token_auth,
    )


def _strings(value, name: str, fail) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        fail(f"{name} must be a list of strings.")
    return value


def _url(value, name: str, fail) -> str:
    """https, or http on the loopback interface only (development and the tests)."""
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or not parts.netloc or parts.scheme not in {"https", "http"}:
        fail(f"{name} must be an https URL.")
    if parts.scheme == "http" and parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
        fail(f"{name} must be an https URL (http only on 127.0.0.1, for development).")
    return value


# Discovery ---------------------------------------------------------------------------------

_discovered: dict[str, tuple[float, Endpoints]] = {}


def provider_endpoints(provider: IdentityProvider, *, timeout: float = 10) -> Endpoints:
    """The provider's endpoints, from its configuration or from its discovery document (kept
    for an hour). The document must name the configured issuer (OpenID Connect Discovery
    4.3), so a wrong or spoofed document is refused rather than followed."""
    if provider.endpoints is not None:
        return provider.endpoints
    cached = _discovered.get(provider.discovery_url)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    response = requests.get(provider.discovery_url, timeout=timeout)
    response.raise_for_status()
    document = response.json()
    if document.get("issuer") != provider.issuer:
        raise ProviderConfigError(
            f"OIDC provider {provider.key}: the discovery document names issuer "
            f"{document.get('issuer')!r}, not {provider.issuer!r}."
        )
    endpoints = Endpoints(
        authorization=document["authorization_endpoint"],
        token=document["token_endpoint"],
        jwks=document["jwks_uri"],
    )
    _discovered[provider.discovery_url] = (time.monotonic() + DISCOVERY_CACHE_SECONDS, endpoints)
    return endpoints
