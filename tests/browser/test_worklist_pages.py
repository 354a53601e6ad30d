"""The worklist paged by key (issue 18) in Chromium, as the health admin: the tiles' counts,
the first page, Next and Previous (GOV.UK pagination), and the sort kept across pages."""

import shutil
from pathlib import Path

import pytest

from apps.assessments import worklists
from tests.assessments.worklist_world import populate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path("/work/artifacts/worklists")


def test_the_health_admin_pages_through_the_worklist(page, cast, login, screenshot, monkeypatch):
    monkeypatch.setattr(worklists, "PAGE_SIZE", 4)
    populate(cast, 60)
    login(page, cast.health_admin_a.username)
    page.goto("/?list=action&sort=due")
    rows = page.locator("[data-testid=worklist] tbody tr")
    first = rows.all_inner_texts()
    assert len(first) == 4
    caption = page.locator("[data-testid=worklist] caption").inner_text()
    count = page.locator("[data-testid=count-action]").inner_text()
    assert caption.split("(")[-1].rstrip(")") in count
    assert page.get_by_role("link", name="Previous page").count() == 0
    shot = screenshot(page, "worklist-first-page")
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url(lambda url: "after=" in url)
    second = rows.all_inner_texts()
    assert second and not set(second) & set(first)
    assert "sort=due" in page.url
    shots = [shot, screenshot(page, "worklist-second-page")]
    page.get_by_role("link", name="Previous page").click()
    page.wait_for_url(lambda url: "before=" in url)
    assert rows.all_inner_texts() == first
    shots.append(screenshot(page, "worklist-back-to-first"))
    if ARTIFACTS.parent.exists():
        ARTIFACTS.mkdir(exist_ok=True)
        for path in shots:
            shutil.copy(path, ARTIFACTS / path.name)
