"""The clinic policy page in the browser as the health admin (issue 15): the history, a new
version refused with the field named, then saved; axe (WCAG 2.2 A/AA and the app's GOV.UK
rules) on the page, the form and the form showing its errors. Screenshots go to
artifacts/screenshots (and /work/artifacts/clinics when it exists)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from apps.clinics import services
from apps.clinics.models import ClinicPolicy
from tests.browser.axe import assert_no_violations
from tests.helpers import enter_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHARED = Path("/work/artifacts/clinics")


def _shot(page, screenshot, name: str) -> None:
    screenshot(page, name)
    if SHARED.is_dir():
        page.screenshot(path=str(SHARED / f"{name}.png"), full_page=True)


def test_the_health_admin_adds_a_clinic_policy_version(page, cast, login, screenshot):
    today = timezone.localdate()
    later = today + timedelta(days=14)
    services.clinic_policy_add(
        provider=cast.provider_a,
        effective_from=today,
        by=cast.health_admin_a,
        contact_phone="01233 000000",
    )
    login(page, "healthadmin")
    page.goto("/clinics/")
    page.get_by_role("link", name="Clinic policy").click()
    page.get_by_role("heading", name="Clinic policy", level=1).wait_for()
    assert "In force" in page.locator("[data-testid^=versions-]").inner_text()
    assert_no_violations(page, "clinic policy")
    _shot(page, screenshot, "clinics-policy-01-history")

    page.get_by_role("link", name="Add a new version").click()
    assert page.locator("#id_iha_slot_minutes").input_value() == "60"
    assert_no_violations(page, "clinic policy, new version")
    enter_date(page, "#id_effective_from", later.isoformat())
    page.fill("#id_iha_slot_minutes", "3")
    page.get_by_role("button", name="Save new version").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "IHA slot length in minutes must be 5 or more" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert_no_violations(page, "clinic policy, new version, with errors")
    _shot(page, screenshot, "clinics-policy-02-error")

    page.fill("#id_iha_slot_minutes", "75")
    page.get_by_role("button", name="Save new version").click()
    page.get_by_text("New version of the clinic policy saved.").wait_for()
    history = page.locator("[data-testid^=versions-]").inner_text()
    assert f"{later.day} {later:%b %Y}" in history and "Upcoming" in history
    _shot(page, screenshot, "clinics-policy-03-saved")
    assert list(
        ClinicPolicy.objects.order_by("effective_from").values_list(
            "effective_from", "iha_slot_minutes"
        )
    ) == [(today, 60), (later, 75)]
