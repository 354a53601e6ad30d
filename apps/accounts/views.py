"""Sign-in with brute-force and password-spraying throttles, and TOTP two-factor set-up."""

import time
from base64 import b32encode

import segno
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.addresses import client_address
from apps.accounts.backends import PASSWORD_REFUSED_ATTRIBUTE
from apps.accounts.middleware import SESSION_AUTH_AT, SESSION_SEEN_AT
from apps.core.forms import GovukForm


def _address(request: HttpRequest) -> str:
    return client_address(request) or ""


def too_many_failures_from(address: str) -> bool:
    """Password spraying: many usernames tried from one address."""
    since = timezone.now() - settings.LOGIN_THROTTLE_WINDOW
    failures = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return (failures or 0) >= settings.LOGIN_FAILURES_PER_ADDRESS


class PasswordSignInForm(AuthenticationForm):
    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            # Said only when the password was right (apps.accounts.backends.PasswordBackend),
            # so it tells nobody without the password which accounts are linked.
            if getattr(self.request, PASSWORD_REFUSED_ATTRIBUTE, False):
                raise ValidationError(
                    "Your account signs in with your organisation's account: use the "
                    "button above. Passwords are only for break-glass accounts.",
                    code="identity_provider_required",
                ) from None
            raise


class LoginView(auth_views.LoginView):
    authentication_form = PasswordSignInForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        providers = settings.OIDC_PROVIDERS
        context["identity_providers"] = providers
        if "refused" in self.request.GET:
            key = self.request.GET["refused"]
            context["refused_by"] = next((p.label for p in providers if p.key == key), "")
            context["sign_in_refused"] = True
        return context

    def post(self, request, *args, **kwargs):
        if too_many_failures_from(_address(request)):
            return render(request, "registration/locked_out.html", {"spraying": True}, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        now = time.time()
        self.request.session[SESSION_AUTH_AT] = now
        self.request.session[SESSION_SEEN_AT] = now
        return response


class TokenForm(GovukForm):
    token = forms.CharField(
        label="Code from your authenticator app",
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


def _next(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or "/"
    return (
        target
        if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
        else "/"
    )


def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify with the user's authenticator app; set one up first if there is none."""
    if not request.user.is_authenticated:
        return redirect("login")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(
            user=request.user, confirmed=False
        ).first() or TOTPDevice.objects.create(
            user=request.user, name="Authenticator app", confirmed=False
        )
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and device.verify_token(form.cleaned_data["token"].replace(" ", "")):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(_next(request))
        if form.is_valid():
            form.add_error(
                "token",
                "That code is not right. Check the time on your phone and try the newest code.",
            )
        status = 400
    context = {"form": form, "setting_up": setting_up, "next": _next(request)}
    if setting_up:
        secret = b32encode(device.bin_key).decode()
        context["secret"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        context["qr"] = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    return render(request, "registration/two_factor.html", context, status=status)
