"""Issue 16 in the browser for the report filters and the child's timeline: the month-year and
date inputs showing GOV.UK errors (focus to the summary, each error linked to its field), the
MOJ timeline on the child page with its link to the adoption case; axe on each, and no
sideways scroll at 320 px. Screenshots go to artifacts/screenshots/."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from apps.accounts.models import User
from apps.adoption.models import AdoptionCase
from apps.children.selectors import children_visible_to
from tests.browser.axe import assert_no_violations
from tests.browser.test_keyboard_reflow_timeout import _focused, _no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BAD_FILTERS = [
    # (demo user, URL with a bad filter, the error summary's first link, its target, shot)
    (
        "manager",
        "/performance/scorecard/?month_month=7&month_year=",
        "Reporting month must include a year",
        "id_month",
        "filter-scorecard-month-error",
    ),
    (
        "healthadmin",
        "/workload/?start_0=31&start_1=2&start_2=2026&end_0=&end_1=3&end_2=2026",
        "Date from must be a real date",
        "id_start",
        "filter-workload-date-error",
    ),
    (
        "auditor",
        "/audit/?child=abc&since_0=31&since_1=2&since_2=2026",
        "Child id must be a number, like 42",
        "id_child",
        "filter-access-log-error",
    ),
]


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", children=12, verbosity=0)


def test_filter_forms_show_govuk_errors_linked_to_their_fields(page, demo, login, screenshot):
    for username, url, message, target, shot in BAD_FILTERS:
        login(page, username, "demo")
        response = page.goto(url)
        assert response.status == 400
        # An auto-waiting assertion: a string predicate would be eval, which the CSP refuses.
        expect(page.locator(".govuk-error-summary")).to_be_focused(timeout=5000)
        assert page.title().startswith("Error: ")
        link = page.locator(".govuk-error-summary__list a").first
        assert link.inner_text().strip() == message
        assert link.get_attribute("href") == f"#{target}"
        # The field (or its fieldset) carries the same message, and is marked in error.
        group = page.locator(f"#{target}").locator(
            "xpath=ancestor::*[contains(@class,'govuk-form-group--error')][1]"
        )
        assert message in group.inner_text()
        assert_no_violations(page, f"{username} {url}")
        screenshot(page, shot)
        link.focus()
        page.keyboard.press("Enter")
        assert _focused(page)["id"] == target
        # At 320 px (the same sign-in: a second factor's code is good once).
        page.set_viewport_size({"width": 320, "height": 640})
        page.reload()
        _no_sideways_scroll(page)
        screenshot(page, f"320-{shot}")
        page.set_viewport_size({"width": 1280, "height": 900})


def test_the_scorecard_month_is_chosen_with_the_month_and_year_fields(page, demo, login):
    login(page, "manager", "demo")
    page.goto("/performance/scorecard/")
    page.fill("#id_month", "")
    page.fill("#id_month_year", "")
    page.locator("#id_month").fill("1")
    page.locator("#id_month_year").fill("2026")
    page.get_by_role("button", name="Show scorecard").click()
    page.wait_for_selector("h1:has-text('January 2026')")
    assert "month_month=1" in page.url and "month_year=2026" in page.url
    # The legend names the field; the hint gives an example.
    legend = page.locator("#id_month").locator("xpath=ancestor::fieldset[1]/legend")
    assert legend.inner_text().strip() == "Reporting month"


def test_the_child_page_timeline_is_the_moj_timeline_and_links_to_the_adoption_case(
    page, demo, login, screenshot
):
    social_worker = User.objects.get(username="sw")
    with_case = (
        AdoptionCase.objects.filter(child__in=children_visible_to(social_worker))
        .order_by("pk")
        .first()
    )
    if with_case is None:  # the demo's cases are split between the two teams
        social_worker = User.objects.get(username="sw.east")
        with_case = (
            AdoptionCase.objects.filter(child__in=children_visible_to(social_worker))
            .order_by("pk")
            .first()
        )
    login(page, social_worker.username, "demo")
    page.goto(f"/children/{with_case.child_id}/")
    timeline = page.get_by_test_id("timeline")
    assert "moj-timeline" in timeline.get_attribute("class")
    assert timeline.locator(".moj-timeline__item").count() > 0
    assert (
        timeline.locator("time[datetime]").count()
        == timeline.locator(".moj-timeline__item").count()
    )
    # The MOJ stylesheet is ours, served locally, and applied (the timeline's blue line).
    border = page.evaluate(
        "getComputedStyle(document.querySelector('.moj-timeline'), '::before').backgroundColor"
    )
    assert border not in ("", "rgba(0, 0, 0, 0)")
    assert_no_violations(page, "child page with the MOJ timeline")
    timeline.screenshot(
        path=str(screenshot(page, "child-timeline-page").with_name("child-timeline.png"))
    )
    page.get_by_test_id("adoption-case-link").get_by_role("link").click()
    page.wait_for_selector("h1:has-text('Adoption:')")
    page.get_by_test_id("child-record-link").click()
    page.wait_for_selector("[data-testid=timeline]")
    page.set_viewport_size({"width": 320, "height": 640})
    page.reload()
    _no_sideways_scroll(page)
    shot = screenshot(page, "320-child-page-with-timeline")
    page.get_by_test_id("timeline").screenshot(path=str(shot.with_name("320-child-timeline.png")))
