"""A performance manager's journey in Chromium: the scorecard, a breakdown, the children
behind a figure, a KPI's trend chart and the breach report, with no browser console
errors (the pages run under the app's Content Security Policy)."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.performance import builders as b

# serialized_rollback: the KPI definitions come from a data migration, and earlier
# transactional tests empty every table when they finish; this puts them back first.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def data(cast):
    # The KPI definitions come from a data migration, and earlier transactional tests empty
    # every table when they finish: seed them again (the seeding is idempotent).
    from importlib import import_module

    from django.apps import apps

    import_module("apps.performance.migrations.0002_seed_kpis").seed(apps, None)
    for index, entry in enumerate(
        [
            date(2025, 1, 6),
            date(2025, 2, 3),
            date(2025, 3, 3),
            date(2025, 4, 7),
            date(2025, 5, 12),
            date(2025, 6, 2),
        ]
    ):
        kid = b.child(
            cast.our_la, team=cast.team_a if index % 2 else cast.team_b, la_child_id=f"B{index}"
        )
        care = b.period(kid, entry)
        iha = b.iha(
            kid,
            care,
            complete=entry if index != 2 else entry.replace(day=20),
            held=entry.replace(day=25) if index % 3 else None,
            provider=cast.provider_a,
        )
        if iha.held_on:
            b.rha(kid, care, iha, due=date(2025, 7, 10 + index), held=date(2025, 7, 9 + index))
        b.dental(kid, entry)
        b.sdq(kid, date(2025, 5, 1), 10 + index)


def test_scorecard_breakdown_drilldown_trend_and_breaches(page, cast, data, login, screenshot):
    login(page, "performance")
    errors = []
    # The browser's own favicon request is the base layout's, not these pages'.
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and "favicon" not in message.location.get("url", "")
            and errors.append((message.text, message.location.get("url")))
        ),
    )

    page.goto("/performance/scorecard/?month=2025-07")
    assert page.locator("h1").inner_text() == "Health scorecard: July 2025"
    row = page.locator("#kpi-IHA_REQUEST_5WD")
    assert "83.3%" in row.inner_text()
    assert row.locator(".govuk-tag").inner_text() == "Amber"
    screenshot(page, "20-scorecard")

    page.select_option("#id_breakdown", "team")
    page.check("#id_show_uasc_effect")
    page.get_by_role("button", name="Show scorecard").click()
    # Playwright's assertions wait for the new page; a count read straight after the click
    # may read the old one.
    expect(page).to_have_url(re.compile(r"breakdown=team"))
    expect(page.locator(".app-breakdown-row").first).to_be_visible()
    expect(page.locator("body")).to_contain_text("Including UASC")
    screenshot(page, "21-scorecard-by-team")

    page.locator("#kpi-IHA_REQUEST_5WD a[aria-label^='6']").click()
    expect(page).to_have_url(re.compile(r"/performance/scorecard/IHA_REQUEST_5WD/children/"))
    expect(page.locator("table.govuk-table tbody tr")).to_have_count(6)
    screenshot(page, "22-children-behind-a-figure")

    page.goto("/performance/scorecard/IHA_REQUEST_5WD/?month=2025-07")
    expect(page.locator("svg[role=img]")).to_have_count(1)
    screenshot(page, "23-kpi-trend")

    page.goto("/performance/breaches/?year=2025")
    expect(page.locator("svg[role=img]")).to_have_count(2)
    screenshot(page, "24-breach-report")

    assert errors == []

    response = page.goto("/performance/scorecard/?month=2025-13")
    assert response.status == 400
    assert page.locator(".govuk-error-summary").is_visible()


def test_the_scorecard_says_where_its_figures_come_from(page, cast, data, login):
    """With no stored figures the page says they were computed now and offers the
    performance manager the build; once stored, it gives the time they were computed."""
    from pathlib import Path

    from apps.performance.models import ScorecardSnapshot

    shots = Path("/work/artifacts/snapshot")
    shots.mkdir(parents=True, exist_ok=True)
    login(page, "performance")
    page.goto("/performance/scorecard/?month=2025-07")
    source = page.locator("#figures-source")
    expect(source).to_contain_text("Figures computed now from the live records")
    page.screenshot(path=str(shots / "scorecard-live-with-build-button.png"), full_page=True)

    page.get_by_role("button", name=re.compile("Store the figures for July 2025")).click()
    expect(page).to_have_url(re.compile(r"/performance/scorecard/\?month=2025-07"))
    expect(source).to_contain_text("Figures as at")
    assert ScorecardSnapshot.objects.filter(local_authority=cast.our_la).count() == 13
    row = page.locator("#kpi-IHA_REQUEST_5WD")
    assert "83.3%" in row.inner_text()
    page.screenshot(path=str(shots / "scorecard-from-snapshot.png"), full_page=True)

    page.goto("/performance/scorecard/?month=2025-07&breakdown=age_band")
    expect(source).to_contain_text("Figures as at")
    expect(page.locator(".app-breakdown-row").first).to_be_visible()
    page.screenshot(path=str(shots / "scorecard-by-age-band-from-snapshot.png"), full_page=True)

    page.goto("/performance/scorecard/IHA_REQUEST_5WD/?month=2025-07")
    expect(source).to_contain_text("Figures as at")
    page.screenshot(path=str(shots / "kpi-trend-from-snapshot.png"), full_page=True)
