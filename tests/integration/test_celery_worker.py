"""End to end with a real Celery worker on the local Redis and the real PostgreSQL test
database: an event's recompute and the nightly sweep run in the worker process.

Outside CI these skip when Redis or PostgreSQL is not configured; in CI the conftest makes
a missing service a failure before any test runs."""

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from apps.accounts.models import OrganisationKind
from apps.assessments.models import Assessment
from apps.assessments.services import assessment_request
from apps.children.models import Child
from apps.children.services import period_of_care_start
from apps.policy.rules import BreachReason, Party
from config.celery_app import app as celery_app
from tests.factories import ChildFactory, OrganisationFactory, TeamFactory, UserFactory

BROKER = os.environ.get("TEST_CELERY_BROKER_URL", "")
ROOT = Path(settings.BASE_DIR)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not BROKER.startswith("redis://"), reason="TEST_CELERY_BROKER_URL (Redis) not set"
    ),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="needs PostgreSQL"
    ),
]


def _database_url() -> str:
    db = connection.settings_dict
    auth = f"{db['USER']}:{db['PASSWORD']}@" if db.get("PASSWORD") else f"{db['USER']}@"
    return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _forget_connections() -> None:
    """Earlier tests ran tasks eagerly on the memory:// broker; drop the pools they built."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def worker(db):
    """A real worker process (prefork, one child) on a queue of its own, and this process's
    Celery app pointed at the same Redis with eager execution off."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    saved = {
        key: celery_app.conf[key]
        for key in ("broker_url", "task_always_eager", "task_default_queue")
    }
    celery_app.conf.update(broker_url=BROKER, task_always_eager=False, task_default_queue=queue)
    _forget_connections()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            replies = celery_app.control.ping(timeout=1.0)
            if replies:
                break
            assert process.poll() is None, process.stdout.read().decode()
        else:
            process.terminate()
            output = process.communicate(timeout=20)[0].decode()[-3000:]
            pytest.fail(f"the Celery worker did not answer a ping within 60 s:\n{output}")
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        celery_app.conf.update(saved)
        _forget_connections()


def _wait_until(predicate, timeout: float = 60.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def _team_world():
    la = OrganisationFactory(code="886", name="Kent")
    provider = OrganisationFactory(code="RYY", name="Provider A", kind=OrganisationKind.PROVIDER)
    team = TeamFactory(organisation=la)
    social_worker = UserFactory(username="sw.int", role="SOCIAL_WORKER", organisation=la, team=team)
    return la, provider, team, social_worker


def test_an_event_is_recomputed_by_the_worker(worker):
    la, provider, team, social_worker = _team_world()
    child = ChildFactory(responsible_la=la, team=team)
    today = timezone.localdate()
    period = period_of_care_start(
        child=child,
        start_date=today - timedelta(days=60),
        legal_status="C2",
        started_by=social_worker,
    )
    iha = Assessment.objects.get(period_of_care=period, kind="IHA")
    assert iha.provisional_party == Party.UNDETERMINED

    # A late request: the service marks the child stale and enqueues the recompute; only the
    # worker can clear the mark and bring the attribution up to date.
    assessment_request(
        assessment=iha,
        sent_on=today - timedelta(days=30),
        provider=provider,
        requested_by=social_worker,
    )
    assert Child.objects.get(pk=child.pk).clocks_stale_since is not None
    _wait_until(
        lambda: Child.objects.get(pk=child.pk).clocks_stale_since is None,
        what="the worker's recompute",
    )
    iha.refresh_from_db()
    assert (iha.provisional_party, iha.provisional_reason) == (Party.LA, BreachReason.LATE_REQUEST)
    assert (iha.breach_party, iha.breach_reason) == (Party.LA, BreachReason.LATE_REQUEST)
    assert "deadline was working day 5" in iha.breach_rule


def test_the_nightly_sweep_runs_in_the_worker_and_twice_changes_nothing(worker):
    from apps.assessments.recompute import mark_clocks_stale
    from apps.assessments.tasks import recompute_child_clocks, sweep_clocks_nightly

    la, provider, team, social_worker = _team_world()
    today = timezone.localdate()
    children = [ChildFactory(responsible_la=la, team=team) for _ in range(3)]
    for child in children:
        period_of_care_start(
            child=child,
            start_date=today - timedelta(days=90),
            legal_status="V2",
            started_by=social_worker,
        )
    _wait_until(
        lambda: not Child.objects.filter(clocks_stale_since__isnull=False).exists(),
        what="initial recomputes",
    )
    # Yesterday's state: pending, not yet breached. Time alone must breach them.
    Assessment.objects.update(
        status="PENDING", breach_party="", breach_reason="", breach_rule="", report_breached=False
    )

    sweep_clocks_nightly.delay()
    _wait_until(
        lambda: Assessment.objects.filter(status="OVERDUE").count() == 3,
        what="the sweep in the worker",
    )
    first = list(Assessment.objects.order_by("pk").values())
    assert {row["breach_party"] for row in first} == {Party.UNDETERMINED}
    assert all(row["breach_rule"].startswith("No request date") for row in first)

    sweep_clocks_nightly.delay()
    # The worker runs one task at a time in queue order: when this later recompute has
    # cleared its mark, the second sweep has finished.
    sentinel = children[0]
    mark_clocks_stale(sentinel.pk)
    recompute_child_clocks.delay(sentinel.pk)
    _wait_until(
        lambda: Child.objects.get(pk=sentinel.pk).clocks_stale_since is None,
        what="the second sweep",
    )
    assert list(Assessment.objects.order_by("pk").values()) == first
