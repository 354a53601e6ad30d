"""Signing a test client in as a user of the cast, second factor included where the role
requires it (the 2FA flow itself is tested in tests/accounts)."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.middleware import requires_two_factor


def verified_device(user) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "Test app"}
    )
    return device


def signed_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    if requires_two_factor(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
        session.save()
    return client


def current_code(user) -> str:
    """The code the user's authenticator app would show now."""
    from django_otp.oath import TOTP

    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-id").first()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def fill_date(page, selector: str, iso: str) -> None:
    """Types an ISO date ("2026-01-12") into a GOV.UK date input's day, month and year."""
    year, month, day = iso.split("-")
    page.fill(selector, day)
    page.fill(f"{selector}_1", month)
    page.fill(f"{selector}_2", year)


def choose(page, name: str, value: str) -> None:
    """Picks an option of a choice field, shown as radios or as a select."""
    page.locator(f"[name={name}]").first.wait_for()  # the page with the field has loaded
    radio = page.locator(f"input[type=radio][name={name}][value='{value}']")
    if radio.count():
        radio.check()
    else:
        page.select_option(f"select[name={name}]", value)


def choose_label(page, name: str, label: str) -> None:
    """Picks an option of a choice field by its label, shown as radios or as a select."""
    page.locator(f"[name={name}]").first.wait_for()
    if page.locator(f"select[name={name}]").count():
        page.select_option(f"select[name={name}]", label=label)
    else:
        page.locator(f"input[type=radio][name={name}]").locator("xpath=..").get_by_label(
            label, exact=True
        ).check()


def enter_date(page, selector: str, iso: str) -> None:
    """An ISO date into a date field: the GOV.UK three-part input, or one text field."""
    page.locator(selector).wait_for()
    if page.locator(f"{selector}_1").count():
        fill_date(page, selector, iso)
    else:
        page.fill(selector, iso)
