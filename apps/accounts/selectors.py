"""Reads for users and their identities."""

from apps.accounts.models import IdentityLink, User


def user_has_identity_link(user: User) -> bool:
    return IdentityLink.objects.filter(user=user).exists()


def identity_link_find(*, issuer: str, subject: str) -> IdentityLink | None:
    return (
        IdentityLink.objects.select_related("user__organisation")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
