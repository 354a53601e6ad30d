"""Sign-in with brute-force and password-spraying throttles, and TOTP two-factor set-up."""

import time
from base64 import b32encode

import segno
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.addresses import client_address
from apps.accounts.backends import PASSWORD_REFUSED_ATTRIBUTE
from apps.accounts.middleware import SESSION_AUTH_AT, SESSION_SEEN_AT
from apps.accounts.models import ApiToken, TokenScope
from apps.accounts.tokens import (
    TOKEN_DAYS_CHOICES,
    api_token_create,
    api_token_revoke,
    enrolment_code_find,
    enrolment_code_redeem,
    may_hold_tokens,
)
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
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # GOV.UK error wording (issue 16), not Django's "This field is required."
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"

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

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.is_service_account:
            raise forms.ValidationError(
                "This is a service account: it uses API tokens and cannot sign in here.",
                code="service_account",
            )


class LoginView(auth_views.LoginView):
    # The per-address spraying limit is SignInThrottleMiddleware's, for every sign-in form.
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


class EnrolmentForm(GovukForm):
    code = forms.CharField(
        label="Enrolment code from your administrator",
        help_text="8 letters and numbers, given to you by your organisation's administrator.",
        max_length=12,
        error_messages={"required": "Enter the enrolment code from your administrator"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


SESSION_ENROLMENT_OK = "two_factor_enrolment_ok"


def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify with the user's authenticator app; set one up first if there is none.

    Setting one up needs the enrolment code the administrator gave the user out of band, so
    that a password alone is not enough to enrol an attacker's authenticator."""
    if not request.user.is_authenticated:
        return redirect("login")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setting_up = device is None
    if setting_up and not request.session.get(SESSION_ENROLMENT_OK):
        return _enrolment(request)
    if setting_up:
        device = TOTPDevice.objects.filter(
            user=request.user, confirmed=False
        ).first() or TOTPDevice.objects.create(
            user=request.user, name="Authenticator app", confirmed=False
        )
    form = TokenForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        allowed, _throttle = device.verify_is_allowed()
        if form.is_valid() and device.verify_token(form.cleaned_data["token"].replace(" ", "")):
            if setting_up:
                code_id = request.session.pop(SESSION_ENROLMENT_OK, None)
                if not enrolment_code_redeem(user=request.user, code_id=code_id):
                    # Used meanwhile in another session, or expired: start again.
                    return _enrolment(request, expired=True)
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(_next(request))
        if form.is_valid() and not allowed:
            form.add_error(
                "token",
                "Too many wrong codes in a row: wait a minute, then enter the newest code "
                "from your authenticator app.",
            )
        elif form.is_valid():
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


def _enrolment(request: HttpRequest, *, expired: bool = False) -> HttpResponse:
    form = EnrolmentForm(request.POST if request.method == "POST" and not expired else None)
    status = 200
    if expired:
        form = EnrolmentForm()
        form.add_error(
            "code",
            "That enrolment code has been used or has expired. Ask your administrator for a new one.",
        )
        status = 400
    elif request.method == "POST":
        code = form.is_valid() and enrolment_code_find(
            user=request.user, code=form.cleaned_data["code"]
        )
        if code:
            # A new key for each enrolment: one shown in an earlier, abandoned attempt is
            # never the one confirmed.
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            request.session[SESSION_ENROLMENT_OK] = code.pk
            return redirect(f"{reverse('two-factor')}?next={_next(request)}")
        if form.is_valid():
            form.add_error(
                "code",
                "That enrolment code is not right, or it has expired or been used. "
                "Ask your administrator for a new one.",
            )
        status = 400
    context = {"form": form, "next": _next(request)}
    return render(request, "registration/two_factor_enrolment.html", context, status=status)


# API tokens --------------------------------------------------------------------------------


class ApiTokenForm(GovukForm):
    name = forms.CharField(
        label="What is the token for?",
        help_text="For example, the name of the report or system that will use it.",
        max_length=100,
        error_messages={"required": "Enter what the token is for"},
    )
    scope = forms.ChoiceField(
        label="What may it do?",
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the token may change records"},
    )
    days = forms.TypedChoiceField(
        label="When should it expire?",
        choices=[(d, f"In {d} days") for d in TOKEN_DAYS_CHOICES],
        coerce=int,
        initial=90,
        error_messages={"required": "Select when the token should expire"},
    )


SESSION_NEW_TOKEN = "api_token_just_made"


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own API tokens: make one (shown once), see and revoke them.

    Making one redirects back here (so a refresh cannot make a second token); the new token
    waits in the session for that one page view only."""
    allowed = may_hold_tokens(request.user)
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and allowed:
        if form.is_valid():
            try:
                token, secret = api_token_create(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                for field, messages_ in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages_)
            else:
                request.session[SESSION_NEW_TOKEN] = {"id": token.pk, "secret": secret}
                return redirect("api-tokens")
        status = 400
    just_made = request.session.pop(SESSION_NEW_TOKEN, None) if request.method == "GET" else None
    made = (
        ApiToken.objects.filter(pk=just_made["id"], user=request.user).first()
        if just_made
        else None
    )
    context = {
        "allowed": allowed,
        "form": form if status == 400 else ApiTokenForm(),
        "made": made,
        "secret": just_made["secret"] if made else None,
        "tokens": ApiToken.objects.filter(user=request.user),
        "now": timezone.now(),
    }
    response = render(request, "registration/api_tokens.html", context, status=status)
    # The new token is on this page only: never cached, never offered again.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(token=token, revoked_by=request.user)
    messages.success(request, f"The token ‘{token.name}’ has been revoked.")
    return redirect("api-tokens")
