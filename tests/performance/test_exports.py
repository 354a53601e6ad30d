"""Exports: CSV and XLSX of the scorecard and drill-downs straight from the page, and long
exports as background jobs that are kept until fetched once, then deleted."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.performance.models import ExportJob, ExportStatus
from apps.performance.selectors import scorecard
from apps.performance.services import STALE_RUN, export_job_fetch, export_job_request
from apps.performance.tasks import run_export_job
from apps.performance.views import STREAM_LIMIT
from tests.helpers import signed_in_client
from tests.performance import builders as b

pytestmark = pytest.mark.django_db
TODAY = date(2019, 9, 2)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def cohort(cast):
    """Six IHAs entered in 2019, five requested in time; one child's name would be a
    spreadsheet formula if written as is."""
    for index, entry in enumerate(
        [
            date(2019, 1, 7),
            date(2019, 2, 4),
            date(2019, 3, 4),
            date(2019, 4, 1),
            date(2019, 5, 13),
            date(2019, 6, 3),
        ]
    ):
        kid = b.child(
            cast.our_la,
            team=cast.team_a,
            la_child_id=f"X{index}",
            first_name='=HYPERLINK("http://evil")' if index == 0 else "Sam",
        )
        care = b.period(kid, entry)
        complete = entry if index < 5 else date(2019, 6, 28)
        b.iha(kid, care, complete=complete)


def _csv(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_scorecard_csv_has_the_selectors_figures(cast, cohort):
    response = signed_in_client(cast.performance_manager).get(
        "/performance/scorecard/", {"month": "2019-07", "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="scorecard-886-2019-07.csv"'
    rows = {r["KPI code"]: r for r in _csv(response)}
    expected = scorecard(local_authority=cast.our_la, month=date(2019, 7, 1), today=TODAY)
    assert set(rows) == {r.kpi.code for r in expected.rows}
    iha = rows["IHA_REQUEST_5WD"]
    assert (iha["Numerator"], iha["Denominator"], iha["Result"], iha["RAG"]) == (
        "5",
        "6",
        "83.3",
        "Amber",
    )
    assert (iha["Target"], iha["Floor"], iha["From"], iha["To"]) == (
        "90.00",
        "80.00",
        "2018-08-01",
        "2019-07-31",
    )
    assert rows["ADOPTION_PO_TO_MATCH"]["Result"] == ""


def test_scorecard_csv_includes_breakdown_rows(cast, cohort):
    response = signed_in_client(cast.performance_manager).get(
        "/performance/scorecard/", {"month": "2019-07", "breakdown": "team", "format": "csv"}
    )
    groups = [r for r in _csv(response) if r["KPI code"] == "IHA_REQUEST_5WD"]
    assert [(r["Group"], r["Numerator"], r["Denominator"]) for r in groups] == [
        ("All", "5", "6"),
        ("North", "5", "6"),
    ]


def test_scorecard_xlsx_opens_with_openpyxl(cast, cohort):
    response = signed_in_client(cast.performance_manager).get(
        "/performance/scorecard/", {"month": "2019-07", "format": "xlsx"}
    )
    assert (
        response["Content-Type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["Scorecard"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    iha = next(r for r in rows if r[header.index("KPI code")] == "IHA_REQUEST_5WD")
    assert iha[header.index("Numerator")] == 5
    assert iha[header.index("Denominator")] == 6
    assert Decimal(str(iha[header.index("Result")])) == Decimal("83.3")


def test_drilldown_csv_lists_the_children_and_defuses_formulas(cast, cohort):
    response = signed_in_client(cast.performance_manager).get(
        "/performance/scorecard/IHA_REQUEST_5WD/children/",
        {"month": "2019-07", "set": "denominator", "format": "csv"},
    )
    rows = _csv(response)
    assert sorted(r["LA reference"] for r in rows) == [f"X{i}" for i in range(6)]
    assert sorted(r["Met"] for r in rows) == ["No"] + ["Yes"] * 5
    formula = next(r for r in rows if r["LA reference"] == "X0")
    assert formula["First name"].startswith("'=")


def test_drilldown_xlsx_opens(cast, cohort):
    response = signed_in_client(cast.performance_manager).get(
        "/performance/scorecard/IHA_REQUEST_5WD/children/", {"month": "2019-07", "format": "xlsx"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:2] == ("Record", "LA reference")
    assert len(values) == 7
    assert all(not str(v[2]).startswith("=") for v in values[1:])


def test_a_long_list_is_prepared_in_the_background(cast, cohort, monkeypatch):
    # The KPI drill-down's own binding (apps.performance.views is a package since issue 12).
    monkeypatch.setattr("apps.performance.views.scorecard.STREAM_LIMIT", 3)
    client = signed_in_client(cast.performance_manager)
    page = client.get(
        "/performance/scorecard/IHA_REQUEST_5WD/children/", {"month": "2019-07", "format": "csv"}
    )
    assert page.status_code == 200
    assert "prepare the download in the background" in page.content.decode()
    assert STREAM_LIMIT > 3


def test_export_job_end_to_end(cast, cohort, django_capture_on_commit_callbacks):
    client = signed_in_client(cast.performance_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/performance/exports/",
            {
                "kind": "DRILLDOWN",
                "file_format": "csv",
                "kpi": "IHA_REQUEST_5WD",
                "month": "2019-07",
                "set": "numerator",
            },
        )
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/performance/exports/{job.pk}/"
    # The eager worker ran it after commit.
    job.refresh_from_db()
    assert (job.status, job.progress, job.row_count) == (ExportStatus.READY, 100, 5)
    status = client.get(f"/performance/exports/{job.pk}/")
    assert "Your file is ready" in status.content.decode()
    assert "hx-get" not in status.content.decode()  # nothing left to poll

    download = client.get(f"/performance/exports/{job.pk}/download/")
    assert download.status_code == 200
    rows = _csv(download)
    assert sorted(r["LA reference"] for r in rows) == [f"X{i}" for i in range(5)]
    job.refresh_from_db()
    assert job.status == ExportStatus.FETCHED and job.content is None and job.fetched_at
    # Fetched once: the file is gone.
    again = client.get(f"/performance/exports/{job.pk}/download/")
    assert again.status_code == 302
    assert "has been deleted" in client.get(f"/performance/exports/{job.pk}/").content.decode()


def test_a_waiting_job_is_polled_with_htmx(cast, cohort):
    job = ExportJob.objects.create(
        requested_by=cast.performance_manager,
        kind="SCORECARD",
        file_format="xlsx",
        params={"month": "2019-07"},
    )
    text = (
        signed_in_client(cast.performance_manager)
        .get(f"/performance/exports/{job.pk}/progress/")
        .content.decode()
    )
    assert f'hx-get="/performance/exports/{job.pk}/progress/"' in text and "0% done" in text


def test_the_job_is_idempotent_and_claimed_once(cast, cohort):
    job = ExportJob.objects.create(
        requested_by=cast.performance_manager,
        kind="SCORECARD",
        file_format="csv",
        params={"month": "2019-07"},
    )
    run_export_job(str(job.pk))
    job.refresh_from_db()
    first = (job.status, bytes(job.content), job.finished_at)
    run_export_job(str(job.pk))  # a redelivered message
    job.refresh_from_db()
    assert (job.status, bytes(job.content), job.finished_at) == first
    assert job.filename == "scorecard-886-2019-07.csv"


def test_a_job_abandoned_by_a_dead_worker_is_claimed_again(cast, cohort):
    job = ExportJob.objects.create(
        requested_by=cast.performance_manager,
        kind="SCORECARD",
        file_format="csv",
        params={"month": "2019-07"},
        status=ExportStatus.RUNNING,
        started_at=timezone.now() - STALE_RUN * 2,
    )
    run_export_job(str(job.pk))
    job.refresh_from_db()
    assert job.status == ExportStatus.READY


def test_a_job_runs_with_the_requesters_access_at_run_time(cast, cohort):
    job = ExportJob.objects.create(
        requested_by=cast.manager,
        kind="DRILLDOWN",
        file_format="csv",
        params={"kpi": "IHA_REQUEST_5WD", "month": "2019-07"},
    )
    cast.manager.role = "SOCIAL_WORKER"
    cast.manager.save()
    run_export_job(str(job.pk))
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert job.content is None


def test_bad_export_parameters_are_refused_up_front(cast):
    with pytest.raises(ValidationError) as error:
        export_job_request(
            requested_by=cast.performance_manager,
            kind="SCORECARD",
            file_format="csv",
            params={"month": "2025-13"},
        )
    assert "month" in error.value.message_dict
    response = signed_in_client(cast.performance_manager).post(
        "/performance/exports/", {"kind": "BREACHES", "file_format": "pdf"}
    )
    assert response.status_code == 400
    assert ExportJob.objects.count() == 0


def test_someone_elses_export_is_404(cast, cohort):
    job = ExportJob.objects.create(
        requested_by=cast.performance_manager, kind="SCORECARD", file_format="csv", params={}
    )
    run_export_job(str(job.pk))
    other = signed_in_client(cast.auditor)
    assert other.get(f"/performance/exports/{job.pk}/").status_code == 404
    assert other.get(f"/performance/exports/{job.pk}/download/").status_code == 404
    with pytest.raises(ValidationError):
        export_job_fetch(job=job, user=cast.auditor)
    job.refresh_from_db()
    assert job.status == ExportStatus.READY


def test_a_job_left_running_by_a_dead_worker_is_sent_again_then_failed_for_its_requester(
    cast, cohort
):
    from apps.performance.services import GAVE_UP, export_jobs_requeue_stale
    from apps.performance.tasks import requeue_stale_export_jobs

    job = ExportJob.objects.create(
        requested_by=cast.performance_manager,
        kind="SCORECARD",
        file_format="csv",
        params={"month": "2019-07"},
        status=ExportStatus.RUNNING,
        started_at=timezone.now() - STALE_RUN * 2,
        attempts=1,
    )
    alive = ExportJob.objects.create(
        requested_by=cast.performance_manager,
        kind="SCORECARD",
        file_format="csv",
        params={"month": "2019-07"},
        status=ExportStatus.RUNNING,
        started_at=timezone.now(),
        attempts=1,
    )
    # Put back and sent again (tasks run in-process here): it completes on its second run.
    assert requeue_stale_export_jobs() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ExportStatus.READY, 2)
    alive.refresh_from_db()
    assert (alive.status, alive.attempts) == (ExportStatus.RUNNING, 1), "a live run is left alone"

    # Out of attempts: failed, with a message on the requester's page.
    ExportJob.objects.filter(pk=alive.pk).update(
        started_at=timezone.now() - STALE_RUN * 2, attempts=3
    )
    assert export_jobs_requeue_stale() == []
    alive.refresh_from_db()
    assert alive.status == ExportStatus.FAILED
    assert alive.error == GAVE_UP.format(attempts=3)
    page = signed_in_client(cast.performance_manager).get(f"/performance/exports/{alive.pk}/")
    assert "The export stopped 3 times before it finished" in page.content.decode()
