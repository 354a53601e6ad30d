"""Races through the API on real PostgreSQL: committed transactions, one connection per
thread, the threads released together by a barrier.

- Two edits of one assessment carrying the same ``version``: one wins (200), the other is
  told it is stale (409, with the current version), and the row holds the winner's change.
- Fifty "start placement" calls for one child at once: no 500, exactly one open placement,
  every acknowledged placement stored, and the child's placements still a clean chain.

Outside CI these skip on SQLite (its locking cannot show these races); in CI the suite runs
on PostgreSQL (tests/conftest.py)."""

import os
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from apps.assessments.models import Assessment
from apps.assessments.services import assessment_request
from apps.children.models import Child
from apps.children.services import period_of_care_start
from apps.core.models import OutboxMessage
from apps.placements.models import Placement
from tests.factories import ChildFactory

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
IN_CI = os.environ.get("CI", "").lower() == "true"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not ON_POSTGRES and not IN_CI, reason="needs PostgreSQL"),
]

PLACEMENT_CALLS = 50


def _race(calls: list) -> list:
    """Run each (client, method, path, body) in its own thread, all released at once."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, client, method, path, body):
        try:
            barrier.wait(timeout=30)
            started = time.monotonic()
            response = getattr(client, method)(path, body, format="json")
            results[index] = (response, time.monotonic() - started)
        except Exception as error:  # noqa: BLE001 - reported by the test, not lost in a thread
            results[index] = (error, 0.0)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, *call), daemon=True)
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return results


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _requested_iha(cast) -> Assessment:
    today = timezone.localdate()
    child = ChildFactory(responsible_la=cast.our_la, team=cast.team_a)
    period = period_of_care_start(
        child=child,
        start_date=today - timedelta(days=20),
        legal_status="C2",
        started_by=cast.social_worker,
    )
    iha = Assessment.objects.get(period_of_care=period, kind="IHA")
    return assessment_request(
        assessment=iha,
        sent_on=today - timedelta(days=15),
        provider=cast.provider_a,
        requested_by=cast.social_worker,
    )


@pytest.mark.parametrize("round_", range(3))
def test_two_edits_with_the_same_version_one_wins_one_is_told_it_is_stale(cast, round_):
    iha = _requested_iha(cast)
    iha.refresh_from_db()
    version = iha.version
    today = timezone.localdate()
    # The social worker and provider A's nurse both record that the request was complete,
    # with different dates, from the same loaded version.
    edits = {
        "social_worker": today - timedelta(days=10),
        "nurse_a": today - timedelta(days=5),
    }
    path = f"/api/v1/assessments/{iha.pk}/request-complete/"
    calls = [
        (_client(getattr(cast, who)), "post", path, {"complete_on": day, "version": version})
        for who, day in edits.items()
    ]
    results = _race(calls)
    errors = [r for r, _ in results if isinstance(r, Exception)]
    assert not errors, errors
    statuses = [response.status_code for response, _ in results]
    assert sorted(statuses) == [200, 409], [r.content for r, _ in results]

    winner_index = statuses.index(200)
    winner_day = list(edits.values())[winner_index]
    loser = results[1 - winner_index][0]
    body = loser.json()
    assert "changed by someone else" in body["detail"]
    assert "Reload it" in body["detail"]
    assert body["current_version"] == version + 1

    iha.refresh_from_db()
    assert iha.request_complete_on == winner_day
    assert iha.version == version + 1
    assert results[winner_index][0].json()["version"] == version + 1
    print(
        f"\n[edit race {round_}] statuses {statuses}; winner "
        f"{list(edits)[winner_index]} in {results[winner_index][1] * 1000:.0f} ms, "
        f"loser told 409 in {results[1 - winner_index][1] * 1000:.0f} ms"
    )


def test_fifty_parallel_placement_starts_leave_one_open_placement(cast):
    today = timezone.localdate()
    child = ChildFactory(responsible_la=cast.our_la, team=cast.team_a)
    period_of_care_start(
        child=child,
        start_date=today - timedelta(days=30),
        legal_status="C2",
        started_by=cast.social_worker,
    )
    body = {
        "child": child.pk,
        "start_date": (today - timedelta(days=10)).isoformat(),
        "place": "U6",
        "place_provider": "PR1",
        "area": cast.our_la.code,
        "postcode_district": "ME14",
    }
    started = time.monotonic()
    results = _race(
        [
            (_client(cast.social_worker), "post", "/api/v1/placements/", body)
            for _ in range(PLACEMENT_CALLS)
        ]
    )
    elapsed = time.monotonic() - started
    errors = [r for r, _ in results if isinstance(r, Exception)]
    assert not errors, errors[:3]
    statuses = Counter(response.status_code for response, _ in results)
    latencies = sorted(seconds for _, seconds in results)
    print(
        f"\n[placement storm] {PLACEMENT_CALLS} parallel POSTs in {elapsed:.2f} s: "
        f"statuses {dict(statuses)}; latency p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms; rows {Placement.objects.filter(child=child).count()}"
    )
    assert not [s for s in statuses if s >= 500], statuses
    # One starts the placement; the others would start a second one the same day: refused.
    assert statuses == Counter({201: 1, 400: PLACEMENT_CALLS - 1}), statuses
    for response, _ in results:
        if response.status_code == 400:
            assert "start_date" in response.json() or "non_field_errors" in response.json()

    placements = list(Placement.objects.filter(child=child).order_by("start_date", "id"))
    assert sum(p.end_date is None for p in placements) == 1
    acknowledged = {r.json()["id"] for r, _ in results if r.status_code == 201}
    assert acknowledged == {p.pk for p in placements}, "every 201 is a stored placement"
    # A chain: each placement ends the day the next one starts; none overlaps another.
    by_id = sorted(placements, key=lambda p: p.pk)
    for earlier, later in zip(by_id, by_id[1:], strict=False):
        assert earlier.end_date == later.start_date
    # The clocks recompute after each commit ran cleanly (none left failed in the outbox).
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert Child.objects.get(pk=child.pk).clocks_stale_since is None
