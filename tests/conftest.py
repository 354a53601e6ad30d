"""The fixed cast (STYLE.md) and the CI service checks.

In CI (CI=true) the suite must run on the real PostgreSQL and Redis and fails at start-up,
rather than skipping, when either is unreachable.
"""

import os
from dataclasses import dataclass, fields
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from apps.accounts.models import Organisation, OrganisationKind, Role, Team, User
from tests.factories import ChildFactory, OrganisationFactory, TeamFactory, UserFactory


def pytest_configure(config):
    if os.environ.get("CI", "").lower() != "true":
        return
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        raise pytest.UsageError(f"CI=true requires PostgreSQL, but the database engine is {engine}")
    broker = os.environ.get("TEST_CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        raise pytest.UsageError("CI=true requires TEST_CELERY_BROKER_URL pointing at Redis")
    import redis

    try:
        redis.Redis.from_url(broker, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        raise pytest.UsageError(f"CI=true requires Redis at {broker}: {error}") from error
    import psycopg2

    db = settings.DATABASES["default"]
    try:
        psycopg2.connect(
            dbname="postgres",
            user=db["USER"],
            host=db["HOST"],
            port=db["PORT"] or 5432,
            password=db.get("PASSWORD") or None,
            connect_timeout=3,
        ).close()
    except psycopg2.OperationalError as error:
        raise pytest.UsageError(f"CI=true requires PostgreSQL: {error}") from error


@pytest.fixture(autouse=True)
def _closed_broker_breaker():
    """The outbox's circuit breaker is per process: a test that took the broker down must
    not leave the next test's messages unpublished."""
    from apps.core import outbox

    outbox._broker_skipped_until = 0.0
    yield
    outbox._broker_skipped_until = 0.0


@dataclass
class Cast:
    our_la: Organisation
    other_la: Organisation
    provider_a: Organisation
    provider_b: Organisation
    commissioner: Organisation
    team_a: Team
    team_b: Team
    other_team: Team
    social_worker: User
    social_worker_team_b: User
    social_worker_other_la: User
    manager: User
    performance_manager: User
    health_admin_a: User
    nurse_a: User
    nurse_b: User
    designated: User
    auditor: User
    admin: User
    outsider: User


def _build_cast() -> Cast:
    our_la = OrganisationFactory(code="886", name="Kent County Council", ons_code="E10000016")
    other_la = OrganisationFactory(code="887", name="Medway Council", ons_code="E06000035")
    elsewhere = OrganisationFactory(code="845", name="East Sussex County Council")
    provider_a = OrganisationFactory(code="RYY", name="Provider A", kind=OrganisationKind.PROVIDER)
    provider_b = OrganisationFactory(code="NQV", name="Provider B", kind=OrganisationKind.PROVIDER)
    commissioner = OrganisationFactory(code="QKS", name="ICB", kind=OrganisationKind.COMMISSIONER)
    # The commissioner covers our area: our children, and other LAs' children placed here.
    commissioner.areas.set([our_la])
    provider_a.areas.set([our_la])
    provider_b.areas.set([elsewhere])
    team_a = TeamFactory(organisation=our_la, name="North")
    team_b = TeamFactory(organisation=our_la, name="East")
    other_team = TeamFactory(organisation=other_la, name="Medway team")

    def user(username, role, organisation, team=None, **extra):
        return UserFactory(
            username=username, role=role, organisation=organisation, team=team, **extra
        )

    return Cast(
        our_la=our_la,
        other_la=other_la,
        provider_a=provider_a,
        provider_b=provider_b,
        commissioner=commissioner,
        team_a=team_a,
        team_b=team_b,
        other_team=other_team,
        social_worker=user("sw", Role.SOCIAL_WORKER, our_la, team_a),
        social_worker_team_b=user("sw.b", Role.SOCIAL_WORKER, our_la, team_b),
        social_worker_other_la=user("sw.other", Role.SOCIAL_WORKER, other_la, other_team),
        manager=user("manager", Role.TEAM_MANAGER, our_la, team_a),
        performance_manager=user("performance", Role.PERFORMANCE_MANAGER, our_la),
        health_admin_a=user("healthadmin", Role.HEALTH_ADMIN, provider_a),
        nurse_a=user("nurse.a", Role.LAC_NURSE, provider_a),
        nurse_b=user("nurse.b", Role.LAC_NURSE, provider_b),
        designated=user("designated", Role.DESIGNATED, commissioner),
        auditor=user("auditor", Role.AUDITOR, our_la),
        admin=user("admin", Role.ADMIN, our_la, is_staff=True),
        outsider=UserFactory(username="outsider"),
    )


# The cast is built once per test module, not once per test (issue 12, faster tests): in a
# transaction opened around the module's tests, inside which each test's own transaction is
# a savepoint rolled back as usual. Each test gets fresh instances, read back by primary key
# (three queries), so a test that changes a cast member in memory changes nobody else's.
# The shared rows exist only while consecutive tests of one module ask for the cast: a test
# that does not, or that needs real commits (transactional_db, live_server), runs with the
# module's transaction closed, and a transactional test builds its own cast as before.

CAST_USERS = [f.name for f in fields(Cast) if f.type is User or f.type == "User"]
CAST_ORGANISATIONS = [f.name for f in fields(Cast) if f.type in (Organisation, "Organisation")]
CAST_TEAMS = [f.name for f in fields(Cast) if f.type in (Team, "Team")]
TRANSACTIONAL_FIXTURES = {
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def _shares_the_cast(item) -> bool:
    if "cast" not in getattr(item, "fixturenames", ()):
        return False
    if TRANSACTIONAL_FIXTURES & set(item.fixturenames):
        return False
    marker = item.get_closest_marker("django_db")
    return marker is None or not (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    )


class _SharedCast:
    """The open module transaction holding one built cast, and the cast's primary keys."""

    def __init__(self, blocker) -> None:
        self.blocker = blocker
        self.atomic = None
        self.pks: dict[str, int] = {}

    def open(self) -> None:
        from django.db import transaction

        if self.atomic is not None:
            return
        with self.blocker.unblock():
            self.atomic = transaction.atomic()
            # Test scaffolding, like TestCase's own transactions: durable blocks may open in it.
            self.atomic._from_testcase = True
            self.atomic.__enter__()
            built = _build_cast()
        self.pks = {name: getattr(built, name).pk for name in CAST_USERS + CAST_ORGANISATIONS}
        self.pks |= {name: getattr(built, name).pk for name in CAST_TEAMS}

    def close(self) -> None:
        from django.db import transaction

        if self.atomic is None:
            return
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.atomic = None

    def fresh(self) -> Cast:
        organisations = Organisation.objects.in_bulk(
            [self.pks[name] for name in CAST_ORGANISATIONS]
        )
        teams = Team.objects.in_bulk([self.pks[name] for name in CAST_TEAMS])
        users = User.objects.in_bulk([self.pks[name] for name in CAST_USERS])
        # As the factories left them: each member's organisation and team already loaded.
        for team in teams.values():
            team.organisation = organisations[team.organisation_id]
        for user in users.values():
            if user.organisation_id is not None:
                user.organisation = organisations[user.organisation_id]
            if user.team_id is not None:
                user.team = teams[user.team_id]
        members = {name: organisations[self.pks[name]] for name in CAST_ORGANISATIONS}
        members |= {name: teams[self.pks[name]] for name in CAST_TEAMS}
        members |= {name: users[self.pks[name]] for name in CAST_USERS}
        return Cast(**members)


_shared_cast: _SharedCast | None = None


@pytest.fixture(scope="module", autouse=True)
def _module_cast(request):
    """Opens the module's cast transaction when the module has a test that shares the cast;
    closes it after the module's last test."""
    global _shared_cast
    items = [i for i in request.session.items if getattr(i, "module", None) is request.module]
    if not any(_shares_the_cast(i) for i in items):
        yield
        return
    request.getfixturevalue("django_db_setup")
    _shared_cast = _SharedCast(request.getfixturevalue("django_db_blocker"))
    if _shares_the_cast(request._pyfuncitem):
        _shared_cast.open()
    try:
        yield
    finally:
        _shared_cast.close()
        _shared_cast = None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before the test's function fixtures: open the module's cast transaction for a test
    that shares the cast, close it for one that does not."""
    if _shared_cast is None:
        return
    if _shares_the_cast(item):
        _shared_cast.open()
    else:
        _shared_cast.close()


@pytest.fixture
def cast(request, db) -> Cast:
    if _shared_cast is not None and _shared_cast.atomic is not None:
        return _shared_cast.fresh()
    return _build_cast()


@pytest.fixture
def api():
    def client_for(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture
def child_in_team_a(cast):
    return ChildFactory(
        responsible_la=cast.our_la, team=cast.team_a, allocated_worker=cast.social_worker
    )


# Browser tests: Playwright driving the system's Chromium against the live server. Here, so
# that every test directory shares one browser per session.

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between page actions are ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
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
        from apps.accounts.middleware import requires_two_factor
        from apps.accounts.models import User
        from tests.helpers import verified_device

        user = User.objects.filter(username=username).first()
        if user is not None and requires_two_factor(user):
            # Enrolment (with its out-of-band code) is tested in tests/security/test_auth.py;
            # here the user has an authenticator already.
            verified_device(user)
        page.context.clear_cookies()
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
        if "/account/two-factor/" in page.url:
            from apps.accounts.models import User
            from tests.helpers import current_code

            page.fill("#id_token", current_code(User.objects.get(username=username)))
            page.get_by_role("button", name="Continue").click()
        # Each role's home page: the worklist, the adoption worklist for the medical adviser.
        page.wait_for_selector("h1:has-text('Your worklist'), h1:has-text('Adoption')")

    return sign_in
