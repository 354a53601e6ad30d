"""Session policy: idle and absolute timeouts, and two-factor authentication for the roles
that require it (managers, designated professionals, auditors, admins)."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

SESSION_AUTH_AT = "auth_at"
SESSION_SEEN_AT = "seen_at"
# Set by apps.accounts.oidc.views when the user's identity provider asserted multi-factor
# authentication in this sign-in's ID token (amr/acr): {"user": pk, "provider": key}.
SESSION_MULTI_FACTOR_AT_PROVIDER = "multi_factor_at_provider"
# Pages an unverified user may still reach: signing in and out, setting up 2FA, assets.
OPEN_PREFIXES = (
    "/login/",
    "/logout/",
    "/oidc/",
    "/account/two-factor/",
    "/static/",
    "/assets/",
    "/healthz",
    "/accessibility/",
    "/privacy/",
    "/cookies/",
)


def requires_two_factor(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in settings.OTP_REQUIRED_ROLES)


def second_factor_done(request) -> bool:
    """The local TOTP step (django-otp), or multi-factor authentication at the identity
    provider this session signed in with. The provider's assertion is stored only by the
    OIDC callback after the ID token was verified, and is bound to the user it was for."""
    if request.user.is_verified():
        return True
    at_provider = request.session.get(SESSION_MULTI_FACTOR_AT_PROVIDER)
    return isinstance(at_provider, dict) and at_provider.get("user") == request.user.pk


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            session = request.session
            auth_at = session.setdefault(SESSION_AUTH_AT, now)
            seen_at = session.get(SESSION_SEEN_AT, now)
            idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if (now - seen_at > idle or now - auth_at > absolute) and request.path != reverse(
                "logout"
            ):
                # Signing out is let through: the timeout warning signs the page out at the
                # limit and goes on to "You were signed out" (static/js/timeout.js).
                logout(request)
                return self._signed_out(request)
            if (
                now - seen_at > 60 or SESSION_SEEN_AT not in session
            ):  # write the session at most once a minute
                session[SESSION_SEEN_AT] = now
            if (
                requires_two_factor(user)
                and not second_factor_done(request)
                and not request.path.startswith(OPEN_PREFIXES)
            ):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {
                            "detail": "Two-factor authentication is required for your role: verify at /account/two-factor/."
                        },
                        status=403,
                    )
                return redirect(f"{reverse('two-factor')}?next={request.get_full_path()}")
        return self.get_response(request)

    def _signed_out(self, request):
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "Your session has ended. Sign in again."}, status=401)
        return redirect(f"{reverse('login')}?next={request.get_full_path()}&timeout=1")


# Every form that takes a password. Brute force on one username is django-axes' (it hooks
# authenticate(), so it covers all of these); password spraying, many usernames from one
# address, is limited here for all of them alike (issue 17, finding 7: the API's and the
# admin's sign-in forms had no spraying limit).
SIGN_IN_PATHS = frozenset({"/login/", "/api/v1/auth/login/", "/admin/login/"})


class SignInThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path in SIGN_IN_PATHS:
            from django.shortcuts import render

            from apps.accounts.addresses import client_address
            from apps.accounts.views import too_many_failures_from

            if too_many_failures_from(client_address(request) or ""):
                return render(
                    request, "registration/locked_out.html", {"spraying": True}, status=429
                )
        return self.get_response(request)
