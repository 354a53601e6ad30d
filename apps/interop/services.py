"""Writes of the interop app: SSDA903 import jobs. The request checks the upload cheaply
(size, file type, text encoding) and stores it; a worker runs the import (apps.interop.importer,
all-or-nothing as ever) and keeps a bounded report, so neither a long import nor a file of
thousands of bad rows ties up a web worker or produces an enormous page."""

import codecs
import io
import logging
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol
from uuid import UUID

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.access import Capability, may, roles_with
from apps.accounts.models import Organisation, Team, User
from apps.core.jobs import claim, enqueue_on_commit
from apps.core.services import today as local_today
from apps.interop import codes
from apps.interop.importer import ImportReport, import_903
from apps.interop.models import ImportJob, ImportJobFile, ImportStatus
from apps.interop.reading import ImportFile

logger = logging.getLogger(__name__)

# Who may import: the LA's performance managers, who see all of the LA's children. Not its
# administrators: an import rewrites children's dates of birth, sex and care history, and an
# LA's admins may not see allocated children (apps.children.selectors.child_scope), so an
# admin's import would change records the admin may not even read (issue 17: 12).
# Who imports: the capability table's (apps/access).
IMPORT_ROLES = set(roles_with(Capability.RETURNS_903))

# The worker's limits for one import (config.settings.base has 15 minutes for everything
# else). Measured: 5,000 new children with an episode each (0.5 MB) take about 70 s, nearly
# all of it writing, so a full 20 MB upload of new children can take most of an hour. The
# hard limit stays under the Redis visibility timeout (3600 s), so an import still running
# is never handed to a second worker; past the soft limit it stops with nothing written.
TIME_LIMIT = 55 * 60
SOFT_TIME_LIMIT = TIME_LIMIT - 60
# A job still RUNNING after the hard limit lost its worker (killed, redeployed).
STALE_RUN = timedelta(seconds=TIME_LIMIT + 60)

# How much of each file the request reads to check that it is text: the rest is the job's.
SNIFF_BYTES = 64 * 1024
# Stored lengths of the parts of one reported error: a reason may quote a cell of the file,
# and a 10 MB header line once made a 131 MB page.
ERROR_FIELD_LENGTHS = {"table": 100, "column": 40, "child": 20, "reason": 300}


class Upload(Protocol):
    name: str
    size: int

    def read(self, size: int = -1) -> bytes: ...

    def seek(self, offset: int) -> int: ...


def max_upload_bytes() -> int:
    return int(settings.SSDA903_MAX_UPLOAD_BYTES)


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0") + " MB"


def too_large(total: int | None = None) -> str:
    these = f" (these are {megabytes(total)})" if total else ""
    return (
        f"The selected files must be {megabytes(max_upload_bytes())} or smaller in total"
        f"{these}: import the tables in more than one go, or use manage.py import_903."
    )


def may_import(user: User, local_authority: Organisation | None = None) -> bool:
    return may(user, Capability.RETURNS_903) and (
        local_authority is None or user.organisation_id == local_authority.pk
    )


def _upload_problem(upload: Upload) -> str:
    """What is wrong with one file, judged from its name and first bytes, or ''."""
    name = upload.name
    if not name.lower().endswith(".csv"):
        return f"{name} must be a CSV file (.csv)"
    if not upload.size:
        return f"{name} is empty"
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if b"\x00" in head:
        return f"{name} is not a CSV file: save it as CSV UTF-8"
    try:
        # Incremental: a character cut at the end of the sample is not an error.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return f"{name} is not UTF-8 text: save it as CSV UTF-8"
    return ""


@transaction.atomic
def import_job_request(
    *, requested_by: User, uploads: Sequence[Upload], default_team: Team | None = None
) -> ImportJob:
    """Check the upload cheaply, store the files and enqueue the import after commit. The
    rows themselves are checked by the job, which reports every problem it finds."""
    local_authority = requested_by.organisation
    # may_import needs the requester's organisation; the None test narrows the type.
    if not may_import(requested_by) or local_authority is None:
        raise ValidationError({"files": "You may not import 903 files."})
    if default_team is not None and default_team.organisation_id != local_authority.pk:
        raise ValidationError({"default_team": "Choose a team of your local authority, or none."})
    if not uploads:
        raise ValidationError({"files": "Choose the 903 CSV files to import."})
    if len(uploads) > len(codes.IMPORT_TABLES):
        raise ValidationError(
            {
                "files": f"Choose at most {len(codes.IMPORT_TABLES)} files: one each of "
                f"{', '.join(codes.IMPORT_TABLES)}."
            }
        )
    total = sum(upload.size for upload in uploads)
    if total > max_upload_bytes():
        raise ValidationError({"files": too_large(total)})
    problems = [problem for upload in uploads if (problem := _upload_problem(upload))]
    if problems:
        raise ValidationError({"files": problems})
    job = ImportJob(
        requested_by=requested_by, local_authority=local_authority, default_team=default_team
    )
    job.full_clean()
    job.save()
    ImportJobFile.objects.bulk_create(
        ImportJobFile(
            job=job,
            position=position,
            name=upload.name[:255],
            size=upload.size,
            content=upload.read(),
        )
        for position, upload in enumerate(uploads)
    )
    from apps.interop.tasks import run_import_job

    enqueue_on_commit(run_import_job, job.pk)
    return job


class _JobProgress:
    """The importer's progress hook, written to the job: reading is the first 80% (bytes
    read of all the files), the checks against our records the next 10, writing the rest."""

    READING_SHARE = 80

    def __init__(self, job_id: UUID | str, total_bytes: int) -> None:
        self.job_id = job_id
        self.total_bytes = max(total_bytes, 1)
        self.bytes_by_table: dict[str, int] = {}
        self.rows_by_table: dict[str, int] = {}
        self.writing = False

    def _save(self, **values: object) -> None:
        ImportJob.objects.filter(pk=self.job_id, status=ImportStatus.RUNNING).update(**values)

    def __call__(
        self, label: str, rows_done: int, bytes_done: int, bytes_total: int | None
    ) -> None:
        if label == "writing":
            # Only the first call comes before the import's transaction; the later ones come
            # from inside it, where an update would show only once everything is written.
            if not self.writing:
                self.writing = True
                self._save(progress=90, stage="Writing the records")
            return
        self.bytes_by_table[label] = bytes_done
        self.rows_by_table[label] = rows_done
        read = sum(self.bytes_by_table.values())
        self._save(
            progress=min(self.READING_SHARE, self.READING_SHARE * read // self.total_bytes),
            rows_read=sum(self.rows_by_table.values()),
            stage="Checking the rows" if read >= self.total_bytes else f"Reading {label}",
        )


def stored_report(report: ImportReport, *, limit: int) -> dict[str, object]:
    """What the job keeps of the importer's report: the counts, the first ``limit`` errors
    and the number of errors by table and column, so the page stays small however many rows
    are rejected."""
    by_column = Counter((error.table, error.column) for error in report.errors)
    lengths = ERROR_FIELD_LENGTHS
    return {
        "applied": report.applied,
        "summary": report.summary(),
        "files": report.files,
        "rows_read": report.rows_read,
        "created": {k: v for k, v in report.created.items() if v},
        "updated": {k: v for k, v in report.updated.items() if v},
        "deleted": {k: v for k, v in report.deleted.items() if v},
        "error_count": len(report.errors),
        "errors_by_column": [
            {"table": table[: lengths["table"]], "column": column, "count": count}
            for (table, column), count in by_column.most_common(100)
        ],
        "errors": [
            {
                "table": error.table[: lengths["table"]],
                "row": error.row,
                "column": error.column[: lengths["column"]],
                "child": error.child[: lengths["child"]],
                "reason": error.reason[: lengths["reason"]],
            }
            for error in report.errors[:limit]
        ],
    }


def _finish(job_id: UUID | str, status: str, **values: object) -> None:
    """Record the outcome and delete the files: they hold children's data, and the job is
    not run again once it has an outcome."""
    with transaction.atomic():
        ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING).update(
            status=status, finished_at=timezone.now(), **values
        )
        ImportJobFile.objects.filter(job__pk=job_id).delete()


def import_job_run(*, job_id: UUID | str) -> None:
    """Run a claimed job. The requester's right to import is checked again now: someone who
    lost it since uploading gets a failed job, and nothing is written."""
    if not claim(
        ImportJob,
        job_id,
        pending=ImportStatus.PENDING,
        running=ImportStatus.RUNNING,
        stale_after=STALE_RUN,
        progress=0,
        rows_read=0,
        stage="Starting",
    ):
        return
    job = ImportJob.objects.select_related(
        "requested_by__organisation", "local_authority", "default_team"
    ).get(pk=job_id)
    if not may_import(job.requested_by, job.local_authority):
        _finish(job_id, ImportStatus.FAILED, error="You may no longer import for this authority.")
        return
    stored = list(job.files.all())
    progress = _JobProgress(job_id, sum(f.size for f in stored))
    try:
        report = import_903(
            local_authority=job.local_authority,
            files=[ImportFile(f.name, io.BytesIO(bytes(f.content)), f.size) for f in stored],
            imported_by=job.requested_by,
            progress=progress,
            today=local_today(),
            default_team=job.default_team,
        )
    except SoftTimeLimitExceeded:
        _finish(
            job_id,
            ImportStatus.FAILED,
            error=f"The import took more than {SOFT_TIME_LIMIT // 60} minutes and was stopped: "
            "nothing was imported. Import the tables in more than one go, or use manage.py "
            "import_903.",
        )
        return
    except Exception:
        logger.exception("SSDA903 import job %s failed", job_id)
        _finish(
            job_id,
            ImportStatus.FAILED,
            error="The import could not be completed: nothing was imported. Try again, or ask "
            "for help.",
        )
        return
    _finish(
        job_id,
        ImportStatus.IMPORTED if report.applied else ImportStatus.REJECTED,
        progress=100,
        stage="",
        rows_read=sum(report.rows_read.values()),
        report=stored_report(report, limit=settings.SSDA903_MAX_REPORTED_ERRORS),
    )
