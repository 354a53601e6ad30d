"""Who may download the 903 export and use the import page: the LA's performance managers;
everyone else gets 404. LA administrators no longer import (issue 17: 12): they may not see
the allocated children an import rewrites."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.accounts.models import Role
from apps.children.models import Child
from tests.factories import UserFactory
from tests.helpers import signed_in_client
from tests.interop.helpers import import_samples, sample

pytestmark = pytest.mark.django_db
EXPORT = "/interop/903/export/"
IMPORT = "/interop/903/import/"


def _client(user) -> Client:
    return signed_in_client(user)


def test_performance_manager_downloads_the_las_return(cast):
    import_samples(cast.our_la)
    import_samples(cast.other_la)

    response = _client(cast.performance_manager).get(EXPORT, {"year": "2025/26"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "ssda903_886_2025_26.zip" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == [
        "README.txt",
        "ad1.csv",
        "episodes.csv",
        "header.csv",
        "oc2.csv",
        "placed_adoption.csv",
        "uasc.csv",
    ]
    # Our LA's three children only, not the other LA's children with the same references.
    assert archive.read("header.csv").decode() == sample("header.csv")
    assert b"0 AD1, 0 PlacedAdoption" in archive.read("README.txt")


def test_performance_manager_sees_the_export_page(cast):
    response = _client(cast.performance_manager).get(EXPORT)
    assert response.status_code == 200
    assert b"AD1 and PlacedAdoption" in response.content


@pytest.mark.parametrize(
    "who",
    [
        "social_worker",
        "manager",
        "auditor",
        "admin",
        "nurse_a",
        "health_admin_a",
        "designated",
        "social_worker_other_la",
        "outsider",
    ],
)
def test_everyone_else_gets_404_for_the_export(cast, who):
    response = _client(getattr(cast, who)).get(EXPORT, {"year": "2025/26"})
    assert response.status_code == 404


def test_another_las_performance_manager_gets_only_their_own_children(cast):
    import_samples(cast.our_la)
    other = UserFactory(
        username="performance.other", role=Role.PERFORMANCE_MANAGER, organisation=cast.other_la
    )
    response = _client(other).get(EXPORT, {"year": "2025/26"})
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.read("header.csv").decode() == "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"


def test_anonymous_is_sent_to_log_in(cast):
    assert Client().get(EXPORT).status_code == 302


def _upload(*names):
    return [
        SimpleUploadedFile(name, sample(name).encode(), content_type="text/csv") for name in names
    ]


def _post(client, data, on_commit):
    """Post the upload; the job runs (eagerly, in tests) when the upload commits."""
    with on_commit(execute=True):
        response = client.post(IMPORT, data)
    assert response.status_code == 302, response.content
    return client.get(response["Location"])


def test_performance_manager_imports_for_their_la(cast, django_capture_on_commit_callbacks):
    client = _client(cast.performance_manager)
    assert client.get(IMPORT).status_code == 200

    response = _post(
        client,
        {"files": _upload("header.csv", "episodes.csv", "uasc.csv")},
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 200
    assert b"Imported: created 3 children" in response.content
    assert Child.objects.filter(responsible_la=cast.our_la).count() == 3


def test_import_page_lists_rejected_rows_and_imports_nothing(
    cast, django_capture_on_commit_callbacks
):
    bad = SimpleUploadedFile(
        "header.csv", b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nA1,M,31/02/2015,WBRI,,,\n"
    )
    response = _post(
        _client(cast.performance_manager), {"files": [bad]}, django_capture_on_commit_callbacks
    )

    assert response.status_code == 200
    assert b"Nothing was imported" in response.content
    assert b"&#x27;31/02/2015&#x27; is not a real date" in response.content
    assert not Child.objects.exists()


@pytest.mark.parametrize(
    "who", ["admin", "social_worker", "manager", "auditor", "nurse_a", "designated", "outsider"]
)
def test_everyone_else_gets_404_for_the_import(cast, who):
    client = _client(getattr(cast, who))
    assert client.get(IMPORT).status_code == 404
    assert client.post(IMPORT, {"files": _upload("header.csv")}).status_code == 404
    assert not Child.objects.exists()
