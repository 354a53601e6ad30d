"""What a verified ID token says about the person: who they are for good, and whether their
identity provider did multi-factor authentication. Plain rules, no ORM."""

from collections.abc import Mapping

from apps.accounts.oidc.providers import IdentityProvider


class SignInRefused(Exception):
    """A sign-in through an identity provider that must not go ahead. ``reason`` is one of
    apps.accounts.models.SignInRefusal; ``detail`` is for the log, never for the user."""

    def __init__(self, reason: str, detail: str = "", *, subject: str = "", user=None):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.subject = subject
        self.user = user


def stable_subject(provider: IdentityProvider, claims: Mapping) -> str:
    """The value an IdentityLink stores for this person at this provider.

    Entra ID's ``sub`` is different for every application registration, so councils match
    on ``oid`` (the user's object id in the tenant) with ``tid`` fixed to the council's tenant;
    CIS2's ``sub`` is the person's UUID and stable. Email is never used: it is reassigned."""
    from apps.accounts.models import SignInRefusal

    if provider.tenant_id and claims.get("tid") != provider.tenant_id:
        raise SignInRefused(
            SignInRefusal.WRONG_TENANT, f"tid {claims.get('tid')!r}, expected {provider.tenant_id}"
        )
    subject = claims.get(provider.subject_claim)
    if not isinstance(subject, str) or not subject.strip():
        raise SignInRefused(
            SignInRefusal.INVALID_TOKEN, f"no {provider.subject_claim!r} claim in the ID token"
        )
    return subject


def multi_factor_asserted(provider: IdentityProvider, claims: Mapping) -> bool:
    """True when the ID token says more than one factor was used: an ``amr`` value the
    provider counts as multi-factor ("mfa", or a possession factor such as "otp" or "hwk"),
    or an ``acr`` the provider's configuration lists as multi-factor (CIS2's assurance
    levels). A token that asserts nothing is single-factor: the local TOTP step follows."""
    amr = claims.get("amr")
    if not isinstance(amr, list):
        amr = [amr] if isinstance(amr, str) else []
    methods = {value.lower() for value in amr if isinstance(value, str)}
    if methods & provider.mfa_amr:
        return True
    acr = claims.get("acr")
    return isinstance(acr, str) and acr in provider.mfa_acr
