"""Adoption fixtures: the medical advisers the fixed cast lacks, and the browser fixtures
(copied from tests/browser/conftest.py, whose fixtures are not visible from here)."""

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from apps.accounts.models import Role, User
from apps.adoption.models import AdoptionCase
from apps.adoption.services import adoption_case_create
from tests.factories import ChildFactory, PeriodOfCareFactory, UserFactory


@dataclass
class Advisers:
    # A paediatrician of provider A, which serves our LA (the cast's Kent).
    adviser_a: User
    # One of provider B, which serves another area: sees our children only when assigned.
    adviser_b: User


@pytest.fixture
def advisers(cast) -> Advisers:
    return Advisers(
        adviser_a=UserFactory(
            username="adviser.a",
            first_name="Asha",
            last_name="Patel",
            role=Role.MEDICAL_ADVISER,
            organisation=cast.provider_a,
        ),
        adviser_b=UserFactory(
            username="adviser.b",
            first_name="Ben",
            last_name="Okafor",
            role=Role.MEDICAL_ADVISER,
            organisation=cast.provider_b,
        ),
    )


def make_case(
    cast,
    *,
    team=None,
    la=None,
    entry: date = date(2019, 1, 7),
    date_of_birth: date = date(2018, 6, 1),
    milestones: dict | None = None,
    **child_fields,
) -> AdoptionCase:
    """A child in care with an adoption case, built through the service."""
    la = la or cast.our_la
    child = ChildFactory(
        responsible_la=la,
        team=team if team is not None else (cast.team_a if la == cast.our_la else None),
        date_of_birth=date_of_birth,
        **child_fields,
    )
    PeriodOfCareFactory(child=child, start_date=entry)
    author = cast.social_worker if la == cast.our_la else cast.social_worker_other_la
    return adoption_case_create(child=child, created_by=author, data=milestones or {})


# ---------------------------------------------------------------------------------------
# Browser (Playwright on the system's Chromium), as tests/browser/conftest.py

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login():
    def sign_in(page, username: str, password: str = "pass") -> None:
        page.context.clear_cookies()
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
        if "/account/two-factor/" in page.url:
            from tests.helpers import current_code

            page.fill("#id_token", current_code(User.objects.get(username=username)))
            page.get_by_role("button", name="Continue").click()
        page.wait_for_selector("h1:has-text('Your worklist')")

    return sign_in
