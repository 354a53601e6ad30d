"""Writes for organisations and users."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.models import ROLE_ORGANISATION_KINDS, Organisation, Role, Team, User

if TYPE_CHECKING:
    from apps.accounts.models import IdentitySignIn
    from apps.accounts.oidc.providers import IdentityProvider


@transaction.atomic
def organisation_upsert(
    *, code: str, kind: str, name: str, email: str = "", ons_code: str = ""
) -> Organisation:
    organisation, _ = Organisation.objects.update_or_create(
        code=code, defaults={"kind": kind, "name": name, "email": email, "ons_code": ons_code}
    )
    organisation.full_clean()
    return organisation


@transaction.atomic
def team_upsert(*, organisation: Organisation, name: str) -> Team:
    team, _ = Team.objects.get_or_create(organisation=organisation, name=name)
    return team


@transaction.atomic
def user_upsert(
    *,
    username: str,
    password: str,
    role: str,
    organisation: Organisation,
    team: Team | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_staff: bool = False,
) -> User:
    """Create or reset a user with a role. The role must fit the organisation's kind."""
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    if organisation.kind not in ROLE_ORGANISATION_KINDS[role]:
        raise ValidationError(
            {"role": f"A {Role(role).label} cannot belong to a {organisation.get_kind_display()}."}
        )
    if team is not None and team.organisation_id != organisation.pk:
        raise ValidationError({"team": "The team must belong to the user's organisation."})
    user, _ = User.objects.get_or_create(username=username)
    user.role = role
    user.organisation = organisation
    user.team = team
    user.first_name = first_name
    user.last_name = last_name
    user.email = email or f"{username}@example.org"
    user.is_staff = is_staff
    user.is_active = True
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    if role == Role.ADMIN and is_staff:
        _grant_admin_permissions(user)
    return user


@transaction.atomic
def user_admin_access_sync(*, user: User) -> None:
    """After an organisation's administrator saved a user in the admin: only an
    administrator reaches the admin, with the administrator's permissions; nobody else
    keeps staff status or permissions."""
    user.is_staff = user.role == Role.ADMIN and user.is_active
    User.objects.filter(pk=user.pk).update(is_staff=user.is_staff, is_superuser=False)
    if user.is_staff:
        _grant_admin_permissions(user)
    else:
        user.user_permissions.clear()
        user.groups.clear()


# What an organisation's administrator manages in the Django admin: users, teams, their
# organisation's details and its policy settings; never children, tokens or permissions.
ADMIN_PERMISSION_MODELS = [
    "user",
    "team",
    "organisation",
    "nonworkingday",
    "localauthoritypolicy",
    "historicaluser",
    "historicalteam",
    "historicalorganisation",
    "historicalnonworkingday",
    "historicallocalauthoritypolicy",
    # A provider's clinic policy versions (issue 15).
    "clinicpolicy",
    "historicalclinicpolicy",
]


def _grant_admin_permissions(user: User) -> None:
    from django.contrib.auth.models import Permission

    permissions = Permission.objects.filter(
        content_type__app_label__in=["accounts", "core", "policy", "clinics"],
        content_type__model__in=ADMIN_PERMISSION_MODELS,
    )
    user.user_permissions.set(permissions)


def identity_sign_in_record(
    *,
    provider: IdentityProvider | None,
    refusal: str = "",
    subject: str = "",
    user: User | None = None,
    multi_factor: bool = False,
    detail: str = "",
    ip_address: str | None = None,
) -> IdentitySignIn:
    """Record a sign-in through an identity provider (``provider`` an
    apps.accounts.oidc.providers.IdentityProvider, or None when the callback named none)."""
    from apps.accounts.models import IdentitySignIn

    organisation_id = user.organisation_id if user is not None else None
    if organisation_id is None and provider is not None and len(provider.organisations) == 1:
        organisation_id = (
            Organisation.objects.filter(code__in=provider.organisations)
            .values_list("pk", flat=True)
            .first()
        )
    return IdentitySignIn.objects.create(
        provider=provider.key if provider is not None else "",
        issuer=provider.issuer if provider is not None else "",
        subject=subject[:255],
        user=user,
        organisation_id=organisation_id,
        refusal=refusal,
        multi_factor=multi_factor,
        detail=detail[:500],
        ip_address=ip_address,
    )
