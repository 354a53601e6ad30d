"""Background work for the performance app. Tasks take ids, load what they need and call a
service; each is idempotent (the service claims the job with a conditional UPDATE)."""

import logging

from celery import shared_task
from kombu.exceptions import OperationalError

from apps.core.jobs import enqueue_on_commit

logger = logging.getLogger(__name__)


def enqueue_export(job_id) -> None:
    """After commit, and never failing the request on a broker outage (apps.core.jobs)."""
    enqueue_on_commit(run_export_job, job_id)


@shared_task(acks_late=True, ignore_result=True)
def run_export_job(job_id: str) -> None:
    from apps.performance.services import export_job_run

    export_job_run(job_id=job_id)


@shared_task(acks_late=True, ignore_result=True)
def requeue_stale_export_jobs() -> int:
    """Catch up on export jobs that would otherwise wait for ever: a job whose message was
    lost (broker down when asked) and a job left RUNNING by a worker that died mid-run
    (its redelivered message finds it RUNNING and leaves it). Scheduled every five minutes
    in config/celery_app.py."""
    from apps.performance.services import export_jobs_requeue_stale

    ids = export_jobs_requeue_stale()
    for job_id in ids:
        run_export_job.delay(str(job_id))
    return len(ids)


def enqueue_snapshot_build(local_authority_id: int, month: str) -> bool:
    """Send the build of one month's snapshot; False when the broker cannot be reached
    (the page says so; the nightly build catches up). In embedded mode (no broker) the task
    runs in-process."""
    try:
        build_scorecard_snapshot.delay(local_authority_id, month)
    except (OSError, OperationalError):  # the broker is unreachable
        logger.warning("Could not enqueue the scorecard snapshot %s %s", local_authority_id, month)
        return False
    return True


@shared_task(acks_late=True, ignore_result=True, time_limit=1800, soft_time_limit=1700)
def build_scorecard_snapshot(local_authority_id: int, month: str) -> None:
    """One LA's snapshots of a month (YYYY-MM) and of the months its scorecard and trend
    pages compare it with, asked for from those pages. Idempotent: a rebuild replaces the
    months' figures."""
    from apps.accounts.models import Organisation
    from apps.performance.rules import parse_month
    from apps.performance.snapshots import months_shown_with, scorecard_snapshot_build

    authority = Organisation.objects.get(pk=local_authority_id)
    build = scorecard_snapshot_build(
        local_authority=authority, months=months_shown_with(parse_month(month))
    )
    logger.info("Scorecard snapshot %s %s: %s", authority.code, month, build)


@shared_task(acks_late=True, ignore_result=True, time_limit=3600, soft_time_limit=3500)
def build_scorecard_snapshots_nightly() -> int:
    """Every LA's snapshots of the months the scorecard pages read by default (scheduled
    after the clock sweep in config/celery_app.py). Returns the snapshots written."""
    from django.utils import timezone

    from apps.performance.snapshots import (
        nightly_months,
        reporting_authorities_with_children,
        scorecard_snapshot_build,
    )

    today = timezone.localdate()
    written = 0
    for authority in reporting_authorities_with_children():
        build = scorecard_snapshot_build(
            local_authority=authority, months=nightly_months(today), today=today
        )
        logger.info("Scorecard snapshots %s: %s", authority.code, build)
        written += build.written
    return written
