"""What every background job shares (the export jobs' pattern, apps.performance): enqueue
after commit without ever failing the write on a broker outage, and claim the job with one
conditional UPDATE so that a redelivered message, or a second worker, does nothing."""

import logging
from datetime import timedelta

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, job_id) -> None:
    """Send ``task(job_id)`` once the transaction commits, so the worker finds the job. If
    the broker is down the job stays PENDING (the page says so) and the beat's requeue sends
    it again; the request never fails on Redis."""

    def send() -> None:
        try:
            task.delay(str(job_id))
        except Exception:  # noqa: BLE001 - a broker outage must not fail a committed write
            logger.warning("Could not enqueue %s for job %s", task.name, job_id)

    transaction.on_commit(send)


def claim(
    model: type[models.Model],
    job_id,
    *,
    pending: str,
    running: str,
    stale_after: timedelta,
    **reset,
) -> bool:
    """Move the job from ``pending`` to ``running``: true for the one caller whose UPDATE
    matched. A job still running after ``stale_after`` (past the task's time limit) lost
    its worker, and may be claimed again by the redelivered message."""
    now = timezone.now()
    return bool(
        model.objects.filter(pk=job_id)
        .filter(Q(status=pending) | Q(status=running, started_at__lt=now - stale_after))
        .update(status=running, started_at=now, **reset)
    )
