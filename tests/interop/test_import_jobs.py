"""SSDA903 imports as background jobs (issue 17: 10): the upload is checked cheaply and
stored, a worker imports it with progress, and the report it keeps is bounded however many
rows are rejected. Only the LA's performance managers import (issue 17: 12)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import Role
from apps.children.models import Child
from apps.interop.models import ImportJob, ImportJobFile, ImportStatus
from apps.interop.services import STALE_RUN, import_job_request
from apps.interop.tasks import requeue_stale_import_jobs, run_import_job
from tests.factories import UserFactory
from tests.helpers import signed_in_client
from tests.interop.helpers import database_state, sample

pytestmark = pytest.mark.django_db
IMPORT = "/interop/903/import/"
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"


def _csv(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _samples():
    return [_csv(name, sample(name)) for name in ("header.csv", "episodes.csv", "uasc.csv")]


def _good_header(rows: int) -> str:
    return HEADER + "".join(f"G{n:05d},M,15/06/2015,WBRI,,,\n" for n in range(rows))


def _post(client, files, on_commit, **data):
    with on_commit(execute=True):
        response = client.post(IMPORT, {"files": files, **data})
    return response


# The upload, checked in the request --------------------------------------------------------


def test_an_upload_over_the_cap_is_refused_naming_the_files_field(cast, settings):
    settings.SSDA903_MAX_UPLOAD_BYTES = 1024 * 1024
    big = _csv("header.csv", _good_header(40_000))  # about 1.2 MB
    response = signed_in_client(cast.performance_manager).post(IMPORT, {"files": [big]})
    text = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#files">The selected files must be 1 MB or smaller in total' in text
    assert 'id="files-error"' in text
    assert not ImportJob.objects.exists() and not ImportJobFile.objects.exists()


def test_the_default_cap_is_20_mb(settings):
    assert settings.SSDA903_MAX_UPLOAD_BYTES == 20 * 1024 * 1024


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("header.xlsx", b"PK\x03\x04"), "header.xlsx must be a CSV file"),
        (SimpleUploadedFile("header.csv", b""), "header.csv is empty"),
        (SimpleUploadedFile("header.csv", "CHILD,SEX\n".encode("utf-16")), "not a CSV file"),
        (SimpleUploadedFile("header.csv", "CHILD,Zoë\n".encode("latin-1")), "not UTF-8 text"),
    ],
)
def test_a_file_that_is_not_utf8_csv_is_refused_up_front(cast, upload, message):
    response = signed_in_client(cast.performance_manager).post(IMPORT, {"files": [upload]})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_more_files_than_tables_are_refused(cast):
    from apps.interop import codes

    tables = len(codes.IMPORT_TABLES)  # one file per table we import (OC2 included now)
    uploads = [_csv(f"header{n}.csv", _good_header(1)) for n in range(tables + 1)]
    response = signed_in_client(cast.performance_manager).post(IMPORT, {"files": uploads})
    assert response.status_code == 400
    assert f"Choose at most {tables} files" in response.content.decode()


# The job -----------------------------------------------------------------------------------


def test_a_job_runs_on_commit_shows_progress_and_then_the_result(
    cast, django_capture_on_commit_callbacks
):
    client = signed_in_client(cast.performance_manager)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(IMPORT, {"files": [_csv("header.csv", _good_header(1200))]})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/interop/903/import/{job.pk}/"
    assert (job.status, job.requested_by, job.local_authority) == (
        ImportStatus.PENDING,
        cast.performance_manager,
        cast.our_la,
    )
    # Waiting: the panel polls itself.
    waiting = client.get(f"/interop/903/import/{job.pk}/progress/").content.decode()
    assert f'hx-get="/interop/903/import/{job.pk}/progress/"' in waiting
    assert "Waiting: 0% done, 0 rows read" in waiting
    assert not Child.objects.exists()

    with CaptureQueriesContext(connection) as queries:
        for callback in callbacks:
            callback()
    progress_updates = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('UPDATE "interop_importjob" SET "progress"')
    ]
    # Every 500 rows read, the end of the file, then the start of the writing.
    assert len(progress_updates) == 4
    assert "Writing the records" in progress_updates[-1]

    job.refresh_from_db()
    assert (job.status, job.progress, job.rows_read) == (ImportStatus.IMPORTED, 100, 1200)
    assert job.report["created"] == {"children": 1200}
    assert not job.files.exists()  # the upload is deleted once imported
    page = client.get(f"/interop/903/import/{job.pk}/").content.decode()
    assert "Import complete" in page and "Imported: created 1200 children." in page
    assert "Rows read: Header 1,200." in page
    assert "hx-get" not in page  # nothing left to poll
    assert Child.objects.filter(responsible_la=cast.our_la).count() == 1200


def test_a_failing_import_shows_a_bounded_report(cast, django_capture_on_commit_callbacks):
    # 5,000 rows with a bad sex and an impossible date of birth, and one with a child
    # reference of 100,000 characters (the report once quoted such cells in full).
    rows = "".join(f"B{n:05d},X,31/02/2015,WBRI,,,\n" for n in range(5000))
    text = HEADER + rows + "Z" * 100_000 + ",M,15/06/2015,WBRI,,,\n"
    client = signed_in_client(cast.performance_manager)
    response = _post(client, [_csv("header.csv", text)], django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.status == ImportStatus.REJECTED
    assert job.report["error_count"] == 10_001
    assert len(job.report["errors"]) == 200
    assert job.report["errors_by_column"] == [
        {"table": "Header", "column": "SEX", "count": 5000},
        {"table": "Header", "column": "DOB", "count": 5000},
        {"table": "Header", "column": "CHILD", "count": 1},
    ]

    page = client.get(f"/interop/903/import/{job.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert len(page.content) < 300_000, len(page.content)
    assert "Nothing was imported" in body
    assert "10001 error(s): nothing was imported." in body
    assert "Rejected rows: the first 200 of 10,001 errors" in body
    assert '<td class="govuk-table__cell">DOB</td>' in body and "5,000" in body
    assert "&#x27;31/02/2015&#x27; is not a real date" in body
    assert not Child.objects.exists()
    assert not job.files.exists()


def test_the_reported_errors_follow_the_setting(cast, settings, django_capture_on_commit_callbacks):
    settings.SSDA903_MAX_REPORTED_ERRORS = 3
    rows = "".join(f"B{n:05d},X,15/06/2015,WBRI,,,\n" for n in range(10))
    _post(
        signed_in_client(cast.performance_manager),
        [_csv("header.csv", HEADER + rows)],
        django_capture_on_commit_callbacks,
    )
    report = ImportJob.objects.get().report
    assert (report["error_count"], len(report["errors"])) == (10, 3)


def test_a_date_of_birth_in_1800_is_a_row_error_on_the_job_page(
    cast, django_capture_on_commit_callbacks
):
    client = signed_in_client(cast.performance_manager)
    _post(
        client,
        [_csv("header.csv", HEADER + "D001,M,01/01/1800,WBRI,,,\n")],
        django_capture_on_commit_callbacks,
    )
    job = ImportJob.objects.get()
    assert job.report["errors"] == [
        {
            "table": "Header",
            "row": 2,
            "column": "DOB",
            "child": "D001",
            "reason": "01/01/1800 is before 01/01/1900",
        }
    ]
    assert (
        "01/01/1800 is before 01/01/1900"
        in client.get(f"/interop/903/import/{job.pk}/").content.decode()
    )
    assert not Child.objects.exists()


def test_the_task_is_idempotent(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = import_job_request(requested_by=cast.performance_manager, uploads=_samples())
    run_import_job(str(job.pk))
    job.refresh_from_db()
    after_first = (database_state(), job.status, job.finished_at, job.report)
    assert job.status == ImportStatus.IMPORTED
    run_import_job(str(job.pk))  # a redelivered message: the claim matches nothing
    job.refresh_from_db()
    assert (database_state(), job.status, job.finished_at, job.report) == after_first
    assert Child.objects.count() == 3


def test_a_job_abandoned_by_a_dead_worker_is_requeued_and_claimed_again(cast):
    with_files = import_job_request(requested_by=cast.performance_manager, uploads=_samples())
    ImportJob.objects.filter(pk=with_files.pk).update(
        status=ImportStatus.RUNNING, started_at=timezone.now() - STALE_RUN * 2
    )
    assert requeue_stale_import_jobs() == 1
    with_files.refresh_from_db()
    assert with_files.status == ImportStatus.IMPORTED
    assert Child.objects.count() == 3


def test_a_running_job_is_not_claimed_twice(cast):
    job = import_job_request(requested_by=cast.performance_manager, uploads=_samples())
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, started_at=timezone.now() - timedelta(minutes=1)
    )
    assert requeue_stale_import_jobs() == 0
    run_import_job(str(job.pk))
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING and job.files.exists()
    assert not Child.objects.exists()


# Who may import, and see a job -------------------------------------------------------------


def test_a_job_cannot_be_seen_by_another_las_user(cast, django_capture_on_commit_callbacks):
    _post(
        signed_in_client(cast.performance_manager), _samples(), django_capture_on_commit_callbacks
    )
    job = ImportJob.objects.get()
    other_la = UserFactory(
        username="performance.other", role=Role.PERFORMANCE_MANAGER, organisation=cast.other_la
    )
    same_la = UserFactory(
        username="performance.two", role=Role.PERFORMANCE_MANAGER, organisation=cast.our_la
    )
    for user in (other_la, same_la, cast.admin, cast.social_worker_other_la):
        client = signed_in_client(user)
        assert client.get(f"/interop/903/import/{job.pk}/").status_code == 404
        assert client.get(f"/interop/903/import/{job.pk}/progress/").status_code == 404
    assert (
        signed_in_client(cast.performance_manager).get(f"/interop/903/import/{job.pk}/").status_code
        == 200
    )


def test_an_la_admin_may_not_import(cast):
    client = signed_in_client(cast.admin)
    assert client.get(IMPORT).status_code == 404
    assert client.post(IMPORT, {"files": _samples()}).status_code == 404
    with pytest.raises(ValidationError) as error:
        import_job_request(requested_by=cast.admin, uploads=_samples())
    assert "files" in error.value.message_dict
    assert not ImportJob.objects.exists() and not Child.objects.exists()


def test_the_right_to_import_is_checked_again_when_the_job_runs(cast):
    job = import_job_request(requested_by=cast.performance_manager, uploads=_samples())
    cast.performance_manager.role = Role.ADMIN
    cast.performance_manager.save()
    run_import_job(str(job.pk))
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "no longer import" in job.error
    assert not Child.objects.exists() and not job.files.exists()
