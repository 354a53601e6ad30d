"""Subject-access export (issue 17): one child's whole record for the data protection
officer, prepared as an export job, asked for by the auditor of the child's LA, logged."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from apps.assessments.models import Assessment
from apps.audit.models import AccessEvent
from apps.audit.subject_access import child_tables
from apps.children.models import Child
from apps.children.services import period_of_care_start
from apps.performance.models import ExportJob, ExportStatus
from tests.factories import ChildFactory, PlacementFactory, UserFactory
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db


def _reaches_child(model, depth=0, seen=frozenset()) -> bool:
    """Written apart from the export's own walk: does any chain of foreign keys lead from
    ``model`` to Child?"""
    if depth > 4:
        return False
    for field in model._meta.concrete_fields:
        target = field.related_model if field.is_relation else None
        if target is Child:
            return True
        if (
            target is not None
            and target not in seen
            and _reaches_child(target, depth + 1, seen | {model})
        ):
            return True
    return False


def test_every_model_with_a_path_to_the_child_is_in_the_export():
    expected = {
        model._meta.label
        for model in apps.get_models()
        # An unmanaged model holds no rows of its own (the snapshot build's temporary table).
        if model._meta.managed
        and (
            model is Child
            or getattr(model, "instance_type", None) is Child
            or model is AccessEvent
            or _reaches_child(model)
        )
    }
    exported = {table.label for table in child_tables()}
    assert exported == expected
    # The record DOMAIN.md describes, and each table's history, by name.
    for label in [
        "children.Child",
        "children.PeriodOfCare",
        "children.LegalStatusChange",
        "placements.Placement",
        "assessments.Assessment",
        "assessments.Appointment",
        "assessments.HealthClock",
        "assessments.DentalCheck",
        "assessments.SdqRecord",
        "assessments.ImmunisationRecord",
        "assessments.HealthPlan",
        "assessments.HealthPlanAction",
        "assessments.HealthHistory",
        "assessments.OutOfAreaReferral",
        "adoption.AdoptionCase",
        "adoption.AdoptionWorkItem",
    ]:
        app_label, name = label.split(".")
        assert label in exported
        if label != "assessments.HealthClock":  # derived; not tracked by simple-history
            assert f"{app_label}.Historical{name}" in exported
    assert "audit.AccessEvent" in exported
    assert "accounts.User" not in exported and "performance.Kpi" not in exported


@pytest.fixture
def child(cast, django_capture_on_commit_callbacks):
    kid = ChildFactory(responsible_la=cast.our_la, team=cast.team_a, first_name="Subject")
    with django_capture_on_commit_callbacks(execute=True):
        period = period_of_care_start(
            child=kid,
            start_date=timezone.localdate() - timedelta(days=40),
            legal_status="C2",
            started_by=cast.social_worker,
        )
    PlacementFactory(child=kid, period_of_care=period, start_date=period.start_date)
    # Someone else's child, whose rows must not appear.
    other = ChildFactory(responsible_la=cast.our_la, team=cast.team_a)
    with django_capture_on_commit_callbacks(execute=True):
        period_of_care_start(
            child=other,
            start_date=timezone.localdate() - timedelta(days=40),
            legal_status="C2",
            started_by=cast.social_worker,
        )
    signed_in_client(cast.social_worker).get(f"/children/{kid.pk}/")  # an access log entry
    return kid


def _archive(content: bytes) -> tuple[dict, zipfile.ZipFile]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return json.loads(archive.read("manifest.json")), archive


def test_the_auditor_gets_the_whole_record_and_the_request_and_download_are_logged(
    cast, child, django_capture_on_commit_callbacks
):
    client = signed_in_client(cast.auditor)
    page = client.get(f"/children/{child.pk}/subject-access/")
    assert page.status_code == 200 and "Prepare a subject access export" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/children/{child.pk}/subject-access/")
    assert response.status_code == 302
    job = ExportJob.objects.get(kind="SUBJECT_ACCESS")
    assert (job.status, job.params, job.file_format) == (
        ExportStatus.READY,
        {"child_id": child.pk},
        "zip",
    )
    asked = AccessEvent.objects.get(action="EXPORT", view_name="subject-access-export-request")
    assert (asked.username, asked.role, asked.child_id, asked.object_id) == (
        "auditor",
        "AUDITOR",
        child.pk,
        str(job.pk),
    )

    listed = client.get(f"/children/{child.pk}/subject-access/").content.decode()
    download_url = f"/children/{child.pk}/subject-access/{job.pk}/download/"
    assert download_url in listed
    download = client.get(download_url)
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    fetched = AccessEvent.objects.get(path=download_url)
    assert (fetched.action, fetched.outcome, fetched.child_id, fetched.username) == (
        "EXPORT",
        "ALLOWED",
        child.pk,
        "auditor",
    )

    manifest, archive = _archive(download.content)
    counts = {table["model"]: table["rows"] for table in manifest["tables"]}
    assert manifest["child_id"] == child.pk
    assert counts["children.Child"] == 1
    assert counts["children.HistoricalChild"] >= 1
    assert counts["children.PeriodOfCare"] == 1
    assert counts["placements.Placement"] == 1
    assert counts["assessments.Assessment"] == Assessment.objects.filter(child=child).count() > 0
    assert counts["assessments.HistoricalAssessment"] == (
        Assessment.history.filter(child_id=child.pk).count()
    )
    assert counts["placements.HistoricalPlacement"] >= 1
    # The social worker's view of the child page; the export request itself.
    assert counts["audit.AccessEvent"] >= 2
    assert manifest["total_rows"] == sum(counts.values())
    assessments = json.loads(archive.read("tables/assessments.Assessment.json"))
    assert {row["child_id"] for row in assessments} == {child.pk}
    log = json.loads(archive.read("tables/audit.AccessEvent.json"))
    assert {row["child_id"] for row in log} == {child.pk}
    assert {row["path"] for row in log} >= {f"/children/{child.pk}/"}

    # Handed over once, then deleted.
    again = client.get(download_url)
    assert again.status_code == 302
    job.refresh_from_db()
    assert job.status == ExportStatus.FETCHED and job.content is None


def test_only_the_auditor_of_the_childs_la_may_ask(cast, child):
    other_auditor = UserFactory(
        username="auditor.other", role="AUDITOR", organisation=cast.other_la
    )
    provider_auditor = UserFactory(
        username="auditor.provider", role="AUDITOR", organisation=cast.provider_a
    )
    for user in [
        cast.social_worker,  # sees the child, but is not the DPO's delegate
        cast.manager,
        cast.performance_manager,
        cast.designated,
        cast.nurse_a,
        cast.admin,
        other_auditor,
        provider_auditor,
    ]:
        client = signed_in_client(user)
        assert client.get(f"/children/{child.pk}/subject-access/").status_code == 404, user
        assert client.post(f"/children/{child.pk}/subject-access/").status_code == 404, user
    assert not ExportJob.objects.exists()
    # The auditor cannot export a child of another LA.
    elsewhere = ChildFactory(responsible_la=cast.other_la, team=cast.other_team)
    client = signed_in_client(cast.auditor)
    assert client.post(f"/children/{elsewhere.pk}/subject-access/").status_code == 404
    refused = AccessEvent.objects.filter(
        path=f"/children/{elsewhere.pk}/subject-access/", outcome="NOT_FOUND"
    )
    assert refused.get().child_id == elsewhere.pk


def test_the_api_asks_lists_and_downloads(cast, child, api, django_capture_on_commit_callbacks):
    base = f"/api/v1/children/{child.pk}/subject-access-requests/"
    assert api(cast.social_worker).post(base).status_code == 404
    client = api(cast.auditor)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(base)
    assert created.status_code == 202 and created.json()["status"] == "PENDING"
    listed = client.get(base).json()
    assert [(row["id"], row["status"]) for row in listed] == [(created.json()["id"], "READY")]
    download = client.get(f"{base}{created.json()['id']}/download/")
    assert download.status_code == 200
    manifest, _ = _archive(download.content)
    assert manifest["child_id"] == child.pk
    assert client.get(f"{base}{created.json()['id']}/download/").status_code == 409
    exports = AccessEvent.objects.filter(action="EXPORT", child_id=child.pk)
    assert exports.filter(outcome="ALLOWED").count() == 2  # the request and the download
    assert exports.filter(outcome="CONFLICT").count() == 1  # the second download, refused


def test_a_report_export_cannot_ask_for_a_subject_access_file(cast):
    response = signed_in_client(cast.performance_manager).post(
        "/performance/exports/", {"kind": "SUBJECT_ACCESS", "file_format": "zip"}
    )
    assert response.status_code == 400
    assert not ExportJob.objects.exists()


def test_a_record_deleted_as_entered_in_error_is_still_disclosed(
    cast, child, django_capture_on_commit_callbacks
):
    """Soft-deleted rows are hidden from every worklist and report, but they are still
    held about the child, so the subject access file lists them with who deleted them."""
    from apps.assessments.corrections import dental_check_delete
    from apps.assessments.models import DentalCheck

    today = timezone.localdate()
    kept = DentalCheck.objects.create(child=child, checked_on=today, practice="A")
    wrong = DentalCheck.objects.create(
        child=child, checked_on=today - timedelta(days=1), practice="B"
    )
    dental_check_delete(check=wrong, deleted_by=cast.nurse_a, reason="Entered on the wrong child")
    assert list(DentalCheck.objects.filter(child=child)) == [kept]

    client = signed_in_client(cast.auditor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/children/{child.pk}/subject-access/")
    job = ExportJob.objects.get(kind="SUBJECT_ACCESS")
    download = client.get(f"/children/{child.pk}/subject-access/{job.pk}/download/")
    manifest, archive = _archive(download.content)
    rows = json.loads(archive.read("tables/assessments.DentalCheck.json"))
    by_practice = {row["practice"]: row for row in rows}
    assert set(by_practice) == {"A", "B"}
    assert by_practice["A"]["deleted_at"] is None
    assert by_practice["B"]["deleted_at"] is not None
    assert by_practice["B"]["deletion_reason"] == "Entered on the wrong child"
    assert by_practice["B"]["deleted_by_id"] == cast.nurse_a.pk
