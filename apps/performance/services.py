"""Writes of the performance app: export jobs (requested, run by a worker, fetched once)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.accounts.models import User
from apps.performance.exports import CONTENT_TYPES, build_export, validated_form
from apps.performance.models import ExportFormat, ExportJob, ExportKind, ExportStatus

logger = logging.getLogger(__name__)


def stale_run_cutoff() -> datetime:
    """Started before this, a RUNNING job lost its worker (killed, redeployed, out of
    memory): the task's hard time limit ends every live run sooner."""
    return timezone.now() - timedelta(seconds=settings.EXPORT_JOB_STALE_AFTER)


# Kept for callers that want the window as a duration.
STALE_RUN = timedelta(seconds=settings.EXPORT_JOB_STALE_AFTER)
GAVE_UP = (
    "The export stopped {attempts} times before it finished (the server preparing it was "
    "restarted). Ask for it again; if it fails again, ask for help."
)


@transaction.atomic
def export_job_request(
    *, requested_by: User, kind: str, file_format: str, params: dict[str, str]
) -> ExportJob:
    """Record an export to prepare in the background and enqueue it after commit. The
    parameters are checked now (with the requester's own scope), so a job never fails on
    input a person could have corrected."""
    # A subject-access export is asked for through apps.audit.subject_access, which
    # decides who may ask; the reports' form offers the report kinds as CSV or XLSX only.
    if kind not in ExportKind.values or kind == ExportKind.SUBJECT_ACCESS:
        raise ValidationError({"kind": "Choose what to export."})
    if file_format not in (ExportFormat.CSV, ExportFormat.XLSX):
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


def _claim(job_id: UUID | str) -> bool:
    """Claim the job with one conditional UPDATE: a second delivery of the same message
    (or a second worker) matches no row and does nothing. A RUNNING job past the stale
    cutoff is claimable too (its worker is gone), while attempts remain."""
    return bool(
        ExportJob.objects.filter(pk=job_id, attempts__lt=settings.EXPORT_JOB_MAX_ATTEMPTS)
        .filter(
            Q(status=ExportStatus.PENDING)
            | Q(status=ExportStatus.RUNNING, started_at__lt=stale_run_cutoff())
        )
        .update(
            status=ExportStatus.RUNNING,
            started_at=timezone.now(),
            progress=0,
            attempts=F("attempts") + 1,
        )
    )


def export_jobs_requeue_stale() -> list[UUID]:
    """Put back every RUNNING job whose worker died (past the stale cutoff) to PENDING, or
    fail it when it has used all its attempts, and return the ids to send again: those,
    and PENDING jobs older than five minutes whose message was lost (broker down when
    asked). Each UPDATE is conditional on the state read, so a job a worker claims in the
    meantime is left alone, and sending a job twice is harmless (the claim)."""
    cutoff = stale_run_cutoff()
    stale = ExportJob.objects.filter(status=ExportStatus.RUNNING, started_at__lt=cutoff)
    for job_id, attempts in stale.values_list("pk", "attempts"):
        this_job = ExportJob.objects.filter(
            pk=job_id, status=ExportStatus.RUNNING, attempts=attempts, started_at__lt=cutoff
        )
        if attempts >= settings.EXPORT_JOB_MAX_ATTEMPTS:
            if this_job.update(
                status=ExportStatus.FAILED,
                error=GAVE_UP.format(attempts=attempts),
                finished_at=timezone.now(),
            ):
                logger.warning("Export job %s failed after %s attempts", job_id, attempts)
        elif this_job.update(status=ExportStatus.PENDING, progress=0):
            logger.warning("Export job %s lost its worker; sending it again", job_id)
    lost = timezone.now() - timedelta(minutes=5)
    return list(
        ExportJob.objects.filter(
            Q(status=ExportStatus.PENDING) & (Q(created_at__lt=lost) | Q(started_at__isnull=False))
        ).values_list("pk", flat=True)
    )


def export_job_run(*, job_id: UUID | str) -> None:
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


def _fail(job_id: UUID | str, message: str) -> None:
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
