"""A slow, idempotent task for the worker-crash tests (test_broker_failures.py). It is not
part of the app: the test worker loads it with ``--include tests.security.slow_tasks``.

It records each start (with the pool process id, so the test can kill that process) and each
finish in the test's private Redis, and does its work through the real recompute service,
which is idempotent: running it twice leaves the same clocks."""

import os
import time

import redis
from celery import shared_task

from apps.assessments.recompute import recompute_children


@shared_task(
    name="tests.security.slow_tasks.slow_recompute",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def slow_recompute(child_id: int, redis_url: str, key: str, seconds: float) -> None:
    markers = redis.Redis.from_url(redis_url)
    markers.rpush(f"{key}:starts", f"{os.getpid()}:{time.time():.3f}")
    time.sleep(seconds)
    recompute_children([child_id])
    markers.rpush(f"{key}:finishes", f"{os.getpid()}:{time.time():.3f}")
