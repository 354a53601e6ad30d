"""Teams for imported children: the LA's own TEAM column, else the default team chosen for
the import (page and command); a child who has a team keeps it."""

import pytest
from django.core.management import CommandError, call_command

from apps.children.models import Child
from apps.interop.importer import import_903
from tests.helpers import signed_in_client
from tests.interop.helpers import files, sample

pytestmark = pytest.mark.django_db

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,TEAM\nT001,M,15/06/2015,WBRI,,,,East\nT002,F,02/03/2012,WBRI,,,,\n"


def _teams():
    return {c.la_child_id: c.team for c in Child.objects.all()}


def test_the_team_column_comes_first_then_the_default_team(cast):
    report = import_903(
        local_authority=cast.our_la, files=files(header=HEADER), default_team=cast.team_a
    )
    assert report.ok, report.errors
    assert _teams() == {"T001": cast.team_b, "T002": cast.team_a}


def test_an_import_never_undoes_an_allocation(cast):
    import_903(local_authority=cast.our_la, files=files(header=HEADER))
    assert _teams()["T002"] is None
    t001 = Child.objects.get(la_child_id="T001")
    t001.team = cast.team_a
    t001.save()
    report = import_903(
        local_authority=cast.our_la, files=files(header=HEADER), default_team=cast.team_b
    )
    assert report.ok
    assert _teams() == {"T001": cast.team_a, "T002": cast.team_b}


def test_an_unknown_team_is_a_rejected_row_naming_the_column(cast):
    text = HEADER.replace("East", "Nowhere")
    report = import_903(local_authority=cast.our_la, files=files(header=text))
    assert [(e.row, e.column) for e in report.errors] == [(2, "TEAM")]
    assert not Child.objects.exists()


def test_a_default_team_of_another_la_is_refused(cast):
    report = import_903(
        local_authority=cast.our_la, files=files(header=HEADER), default_team=cast.other_team
    )
    assert not report.ok and not Child.objects.exists()


def test_the_import_page_takes_the_default_team(cast, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed_in_client(cast.performance_manager)
    page = client.get("/interop/903/import/")
    assert 'name="default_team"' in page.content.decode()
    upload = SimpleUploadedFile("header.csv", sample("header.csv").encode(), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/interop/903/import/", {"files": [upload], "default_team": cast.team_b.pk}
        )
    assert response.status_code == 302
    assert Child.objects.exists()
    assert all(team == cast.team_b for team in _teams().values())


def test_the_command_takes_the_default_team_by_name(cast, tmp_path):
    path = tmp_path / "header.csv"
    path.write_text(sample("header.csv"))
    call_command("import_903", str(path), la="886", default_team="north", quiet_progress=True)
    assert all(team == cast.team_a for team in _teams().values())
    with pytest.raises(CommandError):
        call_command("import_903", str(path), la="886", default_team="Medway team")
