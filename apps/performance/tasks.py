"""Background work for the performance app. Tasks take ids, load what they need and call a
service; each is idempotent (the service claims the job with a conditional UPDATE)."""

import logging

from celery import shared_task

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
