"""Writes of the performance app: export jobs (requested, run by a worker, fetched once)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import User
from apps.performance.exports import CONTENT_TYPES, build_export, validated_form
from apps.performance.models import ExportFormat, ExportJob, ExportKind, ExportStatus

logger = logging.getLogger(__name__)

# A job still RUNNING after the task time limit lost its worker (killed, redeployed): the
# redelivered message (acks_late) may claim it again.
STALE_RUN = timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 900) + 60)


@transaction.atomic
def export_job_request(
    *, requested_by: User, kind: str, file_format: str, params: dict[str, str]
) -> ExportJob:
    """Record an export to prepare in the background and enqueue it after commit. The
    parameters are checked now (with the requester's own scope), so a job never fails on
    input a person could have corrected."""
    if kind not in ExportKind.values:
        raise ValidationError({"kind": "Choose what to export."})
    if file_format not in ExportFormat.values:
        raise ValidationError({"file_format": "Choose CSV or XLSX."})
    clean_params = {k: str(v) for k, v in params.items() if v not in (None, "")}
    validated_form(kind, requested_by, clean_params, timezone.localdate())
    job = ExportJob(
        requested_by=requested_by, kind=kind, file_format=file_format, params=clean_params
    )
    job.full_clean()
    job.save()
    from apps.performance.tasks import enqueue_export

    enqueue_export(job.pk)
    return job


def _claim(job_id) -> bool:
    """Claim the job with one conditional UPDATE: a second delivery of the same message
    (or a second worker) matches no row and does nothing."""
    now = timezone.now()
    return bool(
        ExportJob.objects.filter(pk=job_id)
        .filter(
            Q(status=ExportStatus.PENDING)
            | Q(status=ExportStatus.RUNNING, started_at__lt=now - STALE_RUN)
        )
        .update(status=ExportStatus.RUNNING, started_at=now, progress=0)
    )


def export_job_run(*, job_id) -> None:
    """Build the file of a claimed job. Runs with the requester's access as it is now: a
    user who lost access since asking gets a failed job, not the data."""
    if not _claim(job_id):
        return
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)

    def progress(percent: int) -> None:
        ExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING).update(progress=percent)

    try:
        built = build_export(
            kind=job.kind,
            file_format=job.file_format,
            user=job.requested_by,
            params=job.params,
            today=timezone.localdate(),
            progress=progress,
        )
    except ValidationError as error:
        _fail(job_id, "; ".join(error.messages))
        return
    except Exception:
        logger.exception("Export job %s failed", job_id)
        _fail(job_id, "The export could not be prepared. Try again, or ask for help.")
        raise
    ExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING).update(
        status=ExportStatus.READY,
        progress=100,
        content=built.content,
        filename=built.filename,
        row_count=built.row_count,
        finished_at=timezone.now(),
    )


def _fail(job_id, message: str) -> None:
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportStatus.FAILED, error=message[:500], finished_at=timezone.now()
    )


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    content: bytes


@transaction.atomic
def export_job_fetch(*, job: ExportJob, user: User) -> Download:
    """Hand over the file once and delete it: the export holds children's data and is kept
    only until its requester has it. The row is locked so two clicks cannot both get it."""
    locked = ExportJob.objects.select_for_update().get(pk=job.pk)
    if locked.requested_by_id != user.pk:
        raise ValidationError({"job": "This export was asked for by someone else."})
    if locked.status != ExportStatus.READY:
        raise ValidationError({"job": "This export is not ready to download."})
    download = Download(
        locked.filename, CONTENT_TYPES[locked.file_format], bytes(locked.content or b"")
    )
    locked.content = None
    locked.status = ExportStatus.FETCHED
    locked.fetched_at = timezone.now()
    locked.save(update_fields=["content", "status", "fetched_at"])
    return download
