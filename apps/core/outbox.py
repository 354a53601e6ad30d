"""The transactional outbox: enqueue Celery tasks without making a write depend on Redis."""

import logging
import time
from datetime import timedelta

from celery import current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.core.models import OutboxMessage

logger = logging.getLogger(__name__)
RELAY_BATCH = 500
KEEP_SENT_FOR = timedelta(days=7)
# After a failed publish, requests stop trying the broker for a while (a circuit breaker):
# with Redis down or frozen each attempt costs the socket timeout, and a request that writes
# several messages must not pay it for each. The relay always tries.
BREAKER_SECONDS = 30.0
_broker_skipped_until = 0.0


def outbox_enqueue(task_name: str, *args) -> None:
    """Record the task in the current transaction; publish it after commit."""
    message = OutboxMessage.objects.create(task_name=task_name, args=list(args))
    transaction.on_commit(lambda: _publish(message.pk, task_name, list(args)))


def _publish(message_id: int, task_name: str, args: list, *, from_relay: bool = False) -> bool:
    global _broker_skipped_until
    if not from_relay and time.monotonic() < _broker_skipped_until:
        return False  # the broker failed moments ago: leave this message to the relay
    try:
        # No retries here: a request must not wait on a broker that is down or frozen
        # (the broker socket timeouts bound this call); the relay tries again later.
        if current_app.conf.task_always_eager:
            current_app.tasks[task_name].apply(args=args, throw=True)
        else:
            current_app.send_task(task_name, args=args, retry=False)
    except Exception as error:  # noqa: BLE001 - any broker failure leaves the message pending
        OutboxMessage.objects.filter(pk=message_id).update(
            attempts=F("attempts") + 1, last_error=str(error)[:500]
        )
        logger.warning("Outbox message %s (%s) not published: %s", message_id, task_name, error)
        _broker_skipped_until = time.monotonic() + BREAKER_SECONDS
        return False
    _broker_skipped_until = 0.0
    OutboxMessage.objects.filter(pk=message_id).update(
        sent_at=timezone.now(), attempts=F("attempts") + 1
    )
    return True


def relay_outbox(*, older_than: timedelta = timedelta(seconds=30)) -> dict:
    """Publish what is still pending (the broker was down when it was written). Safe to run
    in several processes at once: rows are claimed with SKIP LOCKED where the database has it."""
    cutoff = timezone.now() - older_than
    sent = failed = 0
    while True:
        with transaction.atomic():
            pending = OutboxMessage.objects.filter(
                sent_at__isnull=True, created_at__lte=cutoff
            ).order_by("id")
            batch = list(pending.select_for_update(skip_locked=True)[:RELAY_BATCH])
            if not batch:
                break
            for message in batch:
                if not _publish(message.pk, message.task_name, message.args, from_relay=True):
                    failed += 1
                    break  # the broker is still down: try again on the next run
                sent += 1
            if failed:
                break
    deleted, _ = OutboxMessage.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT_FOR).delete()
    return {
        "sent": sent,
        "failed": failed,
        "pending": OutboxMessage.objects.filter(sent_at__isnull=True).count(),
        "deleted": deleted,
    }
