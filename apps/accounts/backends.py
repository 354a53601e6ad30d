"""Username and password sign-in: once identity providers are configured, for break-glass
accounts only."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from apps.accounts.selectors import user_has_identity_link

# Set on the request when the password was right but the user must use their identity
# provider, so that the sign-in page can say so (apps.accounts.views.LoginView).
PASSWORD_REFUSED_ATTRIBUTE = "password_refused_for_identity"


class PasswordBackend(ModelBackend):
    """A user linked to an identity at their organisation's provider signs in there, where
    the organisation's MFA, conditional access and leaver process apply; a local password
    would bypass all three. Users with no link (break-glass accounts, platform operators)
    keep password + TOTP."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and settings.OIDC_PROVIDERS and user_has_identity_link(user):
            if request is not None:
                setattr(request, PASSWORD_REFUSED_ATTRIBUTE, True)
            return None
        return user
