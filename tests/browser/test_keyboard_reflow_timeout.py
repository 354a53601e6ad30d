"""Issue 16 in the browser: the new-child form completed with the keyboard alone; focus on
the error summary with each error linked to its field; no sideways page scroll at 320 px on
the worklist, the child page and the breach list; the idle timeout warning."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.accounts.models import User
from apps.children.models import Child
from apps.children.selectors import children_visible_to
from tests.browser.axe import assert_no_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _focused(page) -> dict:
    return page.evaluate(
        "() => ({id: document.activeElement.id, name: document.activeElement.name || '',"
        " cls: document.activeElement.className, tag: document.activeElement.tagName})"
    )


def _tab_to(page, element_id: str, limit: int = 120) -> None:
    """Presses Tab until the element has focus: the keyboard is the only way there."""
    for _ in range(limit):
        if _focused(page)["id"] == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def _choose_with_arrows(page, name: str, value: str, limit: int = 60) -> None:
    """A focused select or radio group, moved with the arrow keys until it shows the value."""
    for _ in range(limit):
        current = page.evaluate(
            "name => { const radio = document.querySelector(`input[name=${name}]:checked`);"
            " if (radio) return radio.value;"
            " const select = document.querySelector(`select[name=${name}]`);"
            " return select ? select.value : null; }",
            name,
        )
        if current == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{name} never reached {value}")


def _type_date(page, field: str, day: date) -> None:
    _tab_to(page, f"id_{field}")
    page.keyboard.type(str(day.day))
    page.keyboard.press("Tab")
    page.keyboard.type(str(day.month))
    page.keyboard.press("Tab")
    page.keyboard.type(str(day.year))


def test_the_new_child_form_is_completed_with_the_keyboard_alone(page, cast, login):
    login(page, "sw")
    page.goto("/children/new/")
    entry = timezone.localdate() - timedelta(days=3)
    _tab_to(page, "id_first_name")
    page.keyboard.type("Kit")
    page.keyboard.press("Tab")
    page.keyboard.type("Keys")
    _type_date(page, "date_of_birth", date(2016, 4, 5))
    page.keyboard.press("Tab")  # into the sex radios
    assert _focused(page)["name"] == "sex"
    page.keyboard.press("Space")
    _choose_with_arrows(page, "sex", "2")
    _type_date(page, "entry_date", entry)
    _tab_to(page, "id_legal_status")
    _choose_with_arrows(page, "legal_status", "C1")
    _tab_to(page, "id_place")
    _choose_with_arrows(page, "place", "U6")
    _tab_to(page, "id_place_provider")
    _choose_with_arrows(page, "place_provider", "PR1")
    _tab_to(page, "id_postcode_district")
    page.keyboard.type("ME14")
    # On to Save, and Enter.
    for _ in range(60):
        focused = _focused(page)
        if focused["tag"] == "BUTTON" and "govuk-button" in focused["cls"]:
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Save"
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Kit Keys')")
    child = Child.objects.get(first_name="Kit", last_name="Keys")
    assert child.date_of_birth == date(2016, 4, 5) and child.sex == "2"


def test_focus_moves_to_the_error_summary_and_each_error_links_to_its_field(page, cast, login):
    login(page, "sw")
    page.goto("/children/new/")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector(".govuk-error-summary")
    assert "govuk-error-summary" in _focused(page)["cls"]
    assert page.title().startswith("Error: ")
    links = page.locator(".govuk-error-summary__list a")
    targets = [links.nth(i).get_attribute("href")[1:] for i in range(links.count())]
    assert {"id_first_name", "id_date_of_birth", "id_sex", "id_entry_date"} <= set(targets)
    for index, target in enumerate(targets):
        page.locator(".govuk-error-summary__list a").nth(index).focus()
        page.keyboard.press("Enter")
        assert _focused(page)["id"] == target
        # The field says the same as the summary, and points at its message.
        described = page.evaluate(
            "id => { const el = document.getElementById(id);"
            " const group = el.closest('fieldset') || el;"
            " return (group.getAttribute('aria-describedby') || '').split(/\\s+/)"
            ".filter(Boolean).map(ref => document.getElementById(ref)?.textContent.trim()); }",
            target,
        )
        message = links.nth(index).inner_text().strip()
        assert any(message in (text or "") for text in described), (target, described)
    assert_no_violations(page)


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    # The innermost elements that reach past the viewport, to say what to fix.
    wide = page.evaluate(
        "() => [...document.querySelectorAll('body *')].filter(el =>"
        " el.getBoundingClientRect().right > 321 && !el.closest('.app-table-scroll') && ![...el.children].some(c =>"
        " c.getBoundingClientRect().right > 321)).slice(0, 5).map(el =>"
        " el.tagName + '.' + el.className + ' ' + (el.textContent || '').trim().slice(0, 40))"
    )
    assert width <= 320, f"{page.url} is {width} px wide at 320 px: {wide}"


def test_at_320_px_the_worklist_child_page_and_breaches_do_not_scroll_sideways(
    browser, live_server, login, screenshot
):
    call_command("seed_demo", children=12, verbosity=0)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        login(page, "sw", "demo")
        _no_sideways_scroll(page)
        # The menu is behind a toggle at this width.
        toggle = page.locator(".govuk-service-navigation__toggle")
        assert toggle.is_visible()
        assert not page.locator("#navigation").is_visible()
        screenshot(page, "320-worklist")
        child = children_visible_to(User.objects.get(username="sw")).order_by("pk").first()
        page.goto(f"/children/{child.pk}/")
        _no_sideways_scroll(page)
        screenshot(page, "320-child-page")
        login(page, "manager", "demo")
        page.goto("/breaches/")
        _no_sideways_scroll(page)
        # A wide table scrolls inside its own focusable, labelled region.
        region = page.locator("[data-testid=breaches]").locator("xpath=..")
        assert region.get_attribute("role") == "region"
        assert region.get_attribute("tabindex") == "0" and region.get_attribute("aria-label")
        screenshot(page, "320-breaches")
        toggle.click()
        assert page.locator("#navigation").is_visible()
        screenshot(page, "320-menu-open")
    finally:
        context.close()


def test_the_timeout_warning_takes_focus_and_stay_signed_in_extends_the_session(
    page, cast, login, settings
):
    settings.SESSION_IDLE_TIMEOUT = timedelta(seconds=8)  # the warning comes at 4 s
    login(page, "sw")
    page.goto("/children/new/")
    page.fill("#id_first_name", "Draft")
    dialog = page.locator("#timeout-dialog")
    dialog.wait_for(state="visible", timeout=8000)
    assert dialog.get_attribute("role") == "alertdialog"
    assert _focused(page)["id"] == "timeout-title"
    assert "sign you out in" in dialog.inner_text()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Stay signed in"
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    assert page.url.endswith("/children/new/")
    # Left alone, the page signs out at the limit and says so; nothing typed is lost.
    page.wait_for_url("**/login/**", timeout=15000)
    assert "You were signed out" in page.get_by_test_id("signed-out").inner_text()
    page.fill("#id_username", "sw")
    page.fill("#id_password", "pass")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("h1:has-text('Record a child entering care')")
    assert page.input_value("#id_first_name") == "Draft"
    assert page.locator("#draft-restored").is_visible()
