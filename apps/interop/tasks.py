"""Background work for the interop app: SSDA903 import jobs. The task takes the job's id and
calls the service, which claims the job with a conditional UPDATE (a redelivered message
does nothing)."""

from celery import shared_task

from apps.interop.services import SOFT_TIME_LIMIT, STALE_RUN, TIME_LIMIT


@shared_task(
    acks_late=True, ignore_result=True, time_limit=TIME_LIMIT, soft_time_limit=SOFT_TIME_LIMIT
)
def run_import_job(job_id: str) -> None:
    from apps.interop.services import import_job_run

    import_job_run(job_id=job_id)


@shared_task(acks_late=True, ignore_result=True)
def requeue_stale_import_jobs() -> int:
    """Catch up on import jobs whose message was lost (broker down when asked) or whose
    worker died (a RUNNING job past its time limit): send them again. Claiming makes a
    duplicate harmless. Scheduled in config/celery_app.py."""
    from datetime import timedelta

    from django.db.models import Q
    from django.utils import timezone

    from apps.interop.models import ImportJob, ImportStatus

    now = timezone.now()
    ids = list(
        ImportJob.objects.filter(
            Q(status=ImportStatus.PENDING, created_at__lt=now - timedelta(minutes=5))
            | Q(status=ImportStatus.RUNNING, started_at__lt=now - STALE_RUN)
        ).values_list("pk", flat=True)
    )
    for job_id in ids:
        run_import_job.delay(str(job_id))
    return len(ids)
