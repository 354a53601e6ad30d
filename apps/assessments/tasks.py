"""Background work for the health clocks. Tasks take ids, load what they need and call a
service; each is idempotent, so a redelivered message changes nothing."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from celery import shared_task

logger = logging.getLogger(__name__)

# Inside ``recompute_deferred()`` (bulk loads: demo data, imports) the recomputes are
# collected and run once per child at the end instead of once per event.
_deferred_children: ContextVar[set[int] | None] = ContextVar("deferred_children", default=None)


@contextmanager
def recompute_deferred() -> Iterator[None]:
    from apps.assessments.recompute import recompute_children

    token = _deferred_children.set(set())
    try:
        yield
        ids = sorted(_deferred_children.get())
    finally:
        _deferred_children.reset(token)
    for start in range(0, len(ids), 500):
        recompute_children(ids[start : start + 500])


def _send_after_commit(task, *args) -> None:
    """Enqueue through the outbox: the message is saved with the change and published after
    commit; if Redis is down it waits in the outbox for the relay. (The child's stale mark
    and the nightly sweep are a second net under the clock recomputes.)"""
    from apps.core.outbox import outbox_enqueue

    outbox_enqueue(task.name, *args)


def enqueue_child_recompute(child_id: int) -> None:
    deferred = _deferred_children.get()
    if deferred is not None:
        deferred.add(child_id)
        return
    _send_after_commit(recompute_child_clocks, child_id)


def enqueue_request_notification(assessment_id: int) -> None:
    _send_after_commit(notify_provider_of_request, assessment_id)


@shared_task(acks_late=True, ignore_result=True)
def recompute_child_clocks(child_id: int) -> None:
    from apps.assessments.services import child_clocks_recompute

    child_clocks_recompute(child_id=child_id)


@shared_task(acks_late=True, ignore_result=True)
def sweep_clocks_nightly() -> dict:
    from apps.assessments.sweep import sweep_clocks

    result = sweep_clocks()
    logger.info("Nightly clock sweep: %s", result.as_dict())
    return result.as_dict()


@shared_task(
    acks_late=True, ignore_result=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=5
)
def notify_provider_of_request(assessment_id: int) -> None:
    from apps.assessments.notifications import send_request_notification

    send_request_notification(assessment_id)


@shared_task(acks_late=True, ignore_result=True)
def send_daily_digests() -> int:
    from apps.assessments.notifications import send_daily_digests as send

    return send()


@shared_task(acks_late=True, ignore_result=True)
def relay_outbox() -> dict:
    from apps.core.outbox import relay_outbox as relay

    return relay()
