"""The identity providers' configuration (OIDC_PROVIDERS) and the rules applied to a verified
ID token's claims: who the person is for good, and whether MFA was done."""

import json

import pytest

from apps.accounts.models import SignInRefusal
from apps.accounts.oidc.claims import SignInRefused, multi_factor_asserted, stable_subject
from apps.accounts.oidc.providers import (
    DEFAULT_MFA_AMR,
    Endpoints,
    ProviderConfigError,
    load_providers,
    parse_providers,
)

ENVIRON = {"KENT_ENTRA_SECRET": "from-the-environment"}
TENANT = "0b6e6f2a-1111-4222-8333-444455556666"


def entra(**overrides) -> dict:
    return {
        "key": "kent-entra",
        "label": "Kent County Council (Microsoft)",
        "issuer": f"https://login.microsoftonline.com/{TENANT}/v2.0",
        "client_id": "11111111-2222-3333-4444-555555555555",
        "client_secret_env": "KENT_ENTRA_SECRET",
        "organisations": ["886"],
        "subject_claim": "oid",
        "tenant_id": TENANT,
        **overrides,
    }


def parse_one(**overrides):
    (provider,) = parse_providers([entra(**overrides)], ENVIRON)
    return provider


def refused_with(message: str, **overrides) -> None:
    with pytest.raises(ProviderConfigError, match=message):
        parse_one(**overrides)


# Parsing ------------------------------------------------------------------------------------


def test_an_entra_provider_reads_its_secret_from_the_named_variable_and_uses_discovery():
    provider = parse_one()
    assert provider.client_secret == "from-the-environment"
    assert provider.discovery_url == (
        f"https://login.microsoftonline.com/{TENANT}/v2.0/.well-known/openid-configuration"
    )
    assert provider.endpoints is None
    assert provider.organisations == {"886"}
    assert (provider.subject_claim, provider.tenant_id) == ("oid", TENANT)
    assert provider.scopes == ("openid",)
    assert provider.mfa_amr == DEFAULT_MFA_AMR
    assert "from-the-environment" not in repr(provider), "the secret stays out of logs"


def test_a_cis2_provider_with_its_endpoints_given_needs_no_discovery():
    provider = parse_one(
        key="nhs-cis2",
        issuer="https://am.nhsidentity.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/oidc",
        subject_claim="sub",
        tenant_id="",
        authorization_endpoint="https://cis2.example.nhs.uk/authorize",
        token_endpoint="https://cis2.example.nhs.uk/access_token",
        jwks_uri="https://cis2.example.nhs.uk/connect/jwk_uri",
        scopes=["openid", "profile", "nationalrbacaccess"],
        mfa_acr=["AAL3_ANY"],
        auth_params={"acr_values": "AAL3_ANY"},
        signing_algorithms=["RS512"],
    )
    assert provider.endpoints == Endpoints(
        authorization="https://cis2.example.nhs.uk/authorize",
        token="https://cis2.example.nhs.uk/access_token",
        jwks="https://cis2.example.nhs.uk/connect/jwk_uri",
    )
    assert provider.discovery_url == ""
    assert provider.auth_params == (("acr_values", "AAL3_ANY"),)
    assert provider.mfa_acr == {"AAL3_ANY"}
    assert provider.signing_algorithms == ("RS512",)


def test_no_configuration_means_no_providers():
    assert load_providers({}) == ()


def test_the_configuration_may_come_from_a_file(tmp_path):
    path = tmp_path / "providers.json"
    path.write_text(json.dumps([entra()]))
    (provider,) = load_providers({"OIDC_PROVIDERS_FILE": str(path), **ENVIRON})
    assert provider.key == "kent-entra"


def test_the_variable_and_the_file_together_are_refused(tmp_path):
    with pytest.raises(ProviderConfigError, match="not both"):
        load_providers({"OIDC_PROVIDERS": "[]", "OIDC_PROVIDERS_FILE": str(tmp_path / "x")})


def test_json_that_does_not_parse_is_refused():
    with pytest.raises(ProviderConfigError, match="not valid JSON"):
        load_providers({"OIDC_PROVIDERS": "[{"})


def test_a_secret_written_into_the_configuration_is_refused():
    refused_with("do not put the client secret here", client_secret="oops")


def test_a_secret_variable_that_is_not_set_is_refused():
    refused_with("MISSING_SECRET .* is empty", client_secret_env="MISSING_SECRET")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"label": ""}, "label is required"),
        ({"organisations": []}, "organisations is required"),
        ({"organisations": [886]}, "list of organisation codes"),
        ({"key": "Kent Entra"}, "lower-case letters"),
        ({"issuer": "http://login.example.org/"}, "https URL"),
        ({"issuer": "login.example.org"}, "https URL"),
        ({"scopes": ["profile"]}, 'must include "openid"'),
        ({"token_endpoint": "https://x.example.org/token"}, "or none of them"),
        ({"signing_algorithms": ["HS256"]}, "signing_algorithms must be"),
        ({"signing_algorithms": ["none"]}, "signing_algorithms must be"),
        ({"auth_params": {"redirect_uri": "https://evil.example.org/"}}, "may not set"),
        ({"token_endpoint_auth": "private_key_jwt"}, "token_endpoint_auth"),
        ({"subject_clam": "oid"}, "unknown field"),
    ],
)
def test_a_mistake_names_the_provider_and_the_field(overrides, message):
    with pytest.raises(
        ProviderConfigError, match=f"OIDC provider (kent-entra|Kent Entra): .*{message}"
    ):
        parse_one(**overrides)


def test_http_is_allowed_on_the_loopback_interface_only():
    assert parse_one(issuer="http://127.0.0.1:9000").issuer == "http://127.0.0.1:9000"


def test_two_providers_with_one_key_are_refused():
    with pytest.raises(ProviderConfigError, match="unique: kent-entra"):
        parse_providers([entra(), entra()], ENVIRON)


def test_settings_refuse_to_start_with_a_broken_configuration():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "OIDC_PROVIDERS": json.dumps([entra(client_secret_env="NOT_SET_ANYWHERE")]),
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: OIDC provider kent-entra" in result.stderr


# Claims -----------------------------------------------------------------------------------


def test_the_subject_is_the_configured_claim():
    cis2 = parse_one(subject_claim="sub", tenant_id="")
    assert stable_subject(cis2, {"sub": "555042709107", "email": "a@nhs.net"}) == "555042709107"


def test_an_entra_subject_is_the_object_id_within_the_councils_tenant():
    claims = {"sub": "pairwise-per-app", "oid": "9f1c-oid", "tid": TENANT}
    assert stable_subject(parse_one(), claims) == "9f1c-oid"


def test_an_entra_identity_from_another_tenant_is_refused():
    with pytest.raises(SignInRefused) as refused:
        stable_subject(parse_one(), {"oid": "9f1c-oid", "tid": "another-tenant"})
    assert refused.value.reason == SignInRefusal.WRONG_TENANT


@pytest.mark.parametrize("claims", [{}, {"oid": ""}, {"oid": 12345}, {"oid": "  "}])
def test_a_token_without_the_subject_claim_is_refused(claims):
    with pytest.raises(SignInRefused) as refused:
        stable_subject(parse_one(), {**claims, "tid": TENANT})
    assert refused.value.reason == SignInRefusal.INVALID_TOKEN


def test_email_never_identifies_anyone():
    with pytest.raises(SignInRefused):
        stable_subject(parse_one(), {"tid": TENANT, "email": "sam@kent.gov.uk"})


@pytest.mark.parametrize(
    ("amr", "expected"),
    [
        (["pwd", "mfa"], True),
        (["pwd", "otp"], True),
        (["hwk"], True),
        (["swk", "pin"], True),
        (["FIDO"], True),
        (["pwd"], False),
        ([], False),
        (None, False),
        ("mfa", True),  # not a list, as RFC 8176 wants, but unambiguous
        ({"mfa": True}, False),
    ],
)
def test_multi_factor_is_read_from_amr(amr, expected):
    claims = {} if amr is None else {"amr": amr}
    assert multi_factor_asserted(parse_one(), claims) is expected


def test_multi_factor_is_read_from_an_acr_the_provider_lists():
    cis2 = parse_one(mfa_acr=["AAL3_ANY"], mfa_amr=[])
    assert multi_factor_asserted(cis2, {"acr": "AAL3_ANY"}) is True
    assert multi_factor_asserted(cis2, {"acr": "AAL1_USERPASS"}) is False
    assert multi_factor_asserted(cis2, {"amr": ["mfa"]}) is False, "mfa_amr [] trusts acr only"
