"""The health admin's clinic pages in the browser (issue 16): the diary, the day list with its
GOV.UK date input (a day chosen with the three fields, an old ?date= link, a date that is not
real with focus on the error summary linked to its field), the capacity forecast and the
clinic policy, at 1024 px and at 320 px (no sideways page scroll: WCAG 1.4.10), each passing
axe. Screenshots go to artifacts/screenshots/clinics-<width>-<page>.png."""

import pytest
from django.core.management import call_command

from apps.accounts.models import User
from apps.clinics import selectors
from tests.browser.axe import assert_no_violations
from tests.browser.test_keyboard_reflow_timeout import _focused, _no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check(page, width: int, name: str, screenshot) -> None:
    page.wait_for_load_state("networkidle")
    if width == 320:
        _no_sideways_scroll(page)
    assert_no_violations(page, f"{width}px {page.url}")
    screenshot(page, f"clinics-{width}-{name}")


@pytest.mark.parametrize("width", [1024, 320])
def test_the_clinic_pages_at_1024_and_320_px(browser, live_server, login, screenshot, width):
    call_command("seed_demo", children=20, verbosity=0)
    admin = User.objects.get(username="healthadmin")
    session = selectors.sessions_of(admin).order_by("date", "start_time").first()
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 800}
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        login(page, "healthadmin", "demo")
        page.goto("/clinics/")
        assert page.get_by_test_id("diary").is_visible()
        _check(page, width, "diary", screenshot)

        # The day list, the day chosen with the three fields of the date input.
        # (The day list shows one clinician's clinics: choose the session's clinician, or the
        # first clinician's day may have none, as the demo's first session moves with today.)
        page.goto("/clinics/day/")
        page.select_option("#clinician", str(session.clinician_id))
        page.fill("#id_date", str(session.date.day))
        page.fill("#id_date_1", str(session.date.month))
        page.fill("#id_date_2", str(session.date.year))
        page.get_by_role("button", name="Show").click()
        page.wait_for_selector("[data-testid=day-list]")
        heading = page.locator("h2.govuk-heading-m").first.inner_text()
        assert f"{session.date.day} {session.date:%B %Y}" in heading
        _check(page, width, "day-list", screenshot)

        # An old link with one ISO date shows the same day, in the three fields.
        page.goto(f"/clinics/day/?date={session.date.isoformat()}&clinician={session.clinician_id}")
        assert page.input_value("#id_date_2") == str(session.date.year)
        assert f"{session.date.day} {session.date:%B %Y}" in page.content()

        # A date that is not real: the error summary takes focus and links to the day field.
        page.goto("/clinics/day/")
        page.fill("#id_date", "31")
        page.fill("#id_date_1", "2")
        page.fill("#id_date_2", str(session.date.year))
        page.get_by_role("button", name="Show").click()
        page.wait_for_selector(".govuk-error-summary")
        assert page.title().startswith("Error: Clinic list")
        assert "govuk-error-summary" in _focused(page)["cls"]
        link = page.get_by_role("link", name="Date must be a real date")
        link.click()
        assert _focused(page)["id"] == "id_date"
        assert page.locator("[data-testid=day-list]").count() == 0
        _check(page, width, "day-list-error", screenshot)

        page.goto("/clinics/capacity/")
        _check(page, width, "capacity", screenshot)
        page.goto("/clinics/policy/")
        _check(page, width, "policy", screenshot)
        page.goto("/clinics/policy/new/")
        _check(page, width, "policy-new", screenshot)
    finally:
        context.close()
