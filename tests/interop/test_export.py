"""Export of the 903 tables for a collection year: exact content of a known cohort, the round
trip (export, import into an empty LA, export again) and the commands."""

from datetime import date

import pytest
from django.core.management import call_command

from apps.assessments.models import Assessment, DentalCheck, ImmunisationRecord, SdqRecord
from apps.children.models import AnnualOutcome, Child
from apps.interop import codes
from apps.interop.selectors import CollectionYear, build_export
from tests.factories import ChildFactory, PeriodOfCareFactory, PlacementFactory
from tests.interop.helpers import import_samples, import_texts, sample

pytestmark = pytest.mark.django_db
YEAR = CollectionYear(2026)


def _export(la):
    return build_export(Child.objects.filter(responsible_la=la), YEAR)


def _record_health(child: Child) -> None:
    SdqRecord.objects.create(
        child=child, completed_on=date(2025, 10, 1), informant="CARER", total_score=12
    )
    DentalCheck.objects.create(child=child, checked_on=date(2025, 11, 5))
    ImmunisationRecord.objects.create(
        child=child, checked_on=date(2025, 11, 5), status="UP_TO_DATE"
    )
    Assessment.objects.filter(child=child, kind="IHA").update(
        request_sent_on=date(2025, 2, 11), held_on=date(2025, 4, 2)
    )
    AnnualOutcome.objects.create(
        child=child, year_ending=YEAR.end, convicted=False, substance_misuse=False
    )


def test_export_of_the_sample_cohort_is_exactly_the_sample_files_and_oc2(cast):
    assert import_samples(cast.our_la).ok
    _record_health(Child.objects.get(la_child_id="A001"))

    export = _export(cast.our_la)

    assert export.csv_text(codes.HEADER) == sample("header.csv")
    assert export.csv_text(codes.EPISODES) == sample("episodes.csv")
    assert export.csv_text(codes.UASC) == sample("uasc.csv")
    # Only A001 was looked after continuously for 12 months at 31 March 2026.
    assert export.csv_text(codes.OC2) == (
        ",".join(codes.COLUMNS[codes.OC2]) + "\nA001,15/06/2015,12,,0,,1,1,1,0,,\n"
    )
    # No adoption cases: both adoption tables are empty and nothing is missing.
    assert export.tables[codes.AD1] == [] and export.tables[codes.PLACED_ADOPTION] == []
    assert export.notes == [
        "SSDA903 return 2025/26 (01/04/2025 to 31/03/2026): 3 children, 7 episodes, 1 UASC, "
        "1 OC2, 0 AD1, 0 PlacedAdoption."
    ]


def test_round_trip_export_import_into_an_empty_la_export_gives_identical_files(cast):
    """Built through our own records (factories, a legal status change, a closed period),
    not from the sample files."""
    child = ChildFactory(responsible_la=cast.our_la, la_child_id="R1", sex="2", upn="UN1")
    child.date_of_birth = date(2022, 1, 5)
    child.save()
    period = PeriodOfCareFactory(
        child=child, start_date=date(2024, 12, 1), legal_status="V2", category_of_need="N5"
    )
    first = PlacementFactory(
        period_of_care=period,
        end_date=date(2025, 5, 1),
        place="U6",
        placement_postcode="ME14 1XQ",
        reason_place_change="STAND",
        urn="SC111111",
    )
    PlacementFactory(
        period_of_care=period, start_date=first.end_date, place="U4", place_provider="PR4"
    )
    child.legal_status_changes.create(
        period_of_care=period, start_date=date(2025, 7, 1), legal_status="C2"
    )
    # Left care before the year and came back in it: only the second period is returned.
    old = PeriodOfCareFactory(
        child=ChildFactory(responsible_la=cast.our_la, la_child_id="R2"),
        start_date=date(2024, 1, 1),
        end_date=date(2024, 6, 1),
        reason_end="E4A",
    )
    PlacementFactory(period_of_care=old, end_date=old.end_date)
    back = PeriodOfCareFactory(child=old.child, start_date=date(2025, 6, 2), legal_status="C1")
    PlacementFactory(period_of_care=back, place="K2", place_provider="PR4")
    ChildFactory(responsible_la=cast.other_la, la_child_id="NOTOURS")

    first_export = _export(cast.our_la)
    assert [row[0] for row in first_export.tables[codes.HEADER]] == ["R1", "R2"]
    assert [row[1:4] for row in first_export.tables[codes.EPISODES]] == [
        ["01/12/2024", "S", "V2"],
        ["01/05/2025", "P", "V2"],
        ["01/07/2025", "L", "C2"],
        ["02/06/2025", "S", "C1"],
    ]
    assert first_export.tables[codes.EPISODES][0][7:12] == [
        "01/05/2025",
        "X1",
        "STAND",
        "",
        "ME14 1XQ",
    ]
    target = cast.other_la
    Child.objects.filter(responsible_la=target).delete()
    report = import_texts(
        target,
        header=first_export.csv_text(codes.HEADER),
        episodes=first_export.csv_text(codes.EPISODES),
        uasc=first_export.csv_text(codes.UASC),
    )
    assert report.ok, report.errors

    second_export = _export(target)

    for table in (codes.HEADER, codes.EPISODES, codes.UASC):
        assert second_export.csv_text(table) == first_export.csv_text(table), table


def test_episodes_open_at_31_march_are_returned_open_and_later_ones_left_out(cast):
    assert import_samples(cast.our_la).ok

    export = build_export(
        Child.objects.filter(responsible_la=cast.our_la), CollectionYear.parse("2024/25")
    )

    # 2024/25 ended on 31/03/2025: A001's first episode was open then, A003's had begun.
    assert [row[:3] + row[7:9] for row in export.tables[codes.EPISODES]] == [
        ["A001", "10/02/2025", "S", "", ""],
        ["A002", "20/11/2023", "T", "", ""],
        ["A003", "01/03/2025", "S", "", ""],
    ]


def test_collection_year_parsing():
    assert CollectionYear.parse("2025/26") == CollectionYear(2026)
    assert CollectionYear.parse("2026").start == date(2025, 4, 1)
    assert CollectionYear.latest_complete(date(2026, 3, 31)) == CollectionYear(2025)
    assert CollectionYear.latest_complete(date(2026, 4, 1)) == CollectionYear(2026)
    with pytest.raises(ValueError):
        CollectionYear.parse("2025/27")


def test_commands_import_then_export_the_same_files(cast, tmp_path, capsys):
    from django.conf import settings

    samples = settings.BASE_DIR / "fixtures" / "ssda903"
    call_command(
        "import_903",
        str(samples / "header.csv"),
        str(samples / "episodes.csv"),
        str(samples / "uasc.csv"),
        la="886",
    )
    assert "Imported: created 3 children" in capsys.readouterr().out

    call_command("export_903", la="886", year="2025/26", out=tmp_path)

    for name in ("header.csv", "episodes.csv", "uasc.csv"):
        assert (tmp_path / name).read_text() == (samples / name).read_text()
    assert (tmp_path / "oc2.csv").exists()
    assert (
        tmp_path / "ad1.csv"
    ).read_text() == "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n"
    assert (tmp_path / "placed_adoption.csv").exists()


def test_import_command_lists_every_rejected_row_and_fails(cast, tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "header.csv"
    bad.write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nA1,M,1/1/2015,WBRI,,,\n")
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_903", str(bad), la="886", quiet_progress=True)
    assert not Child.objects.exists()


def test_export_command_help_names_every_file_it_writes():
    from apps.interop import codes
    from apps.interop.management.commands.export_903 import Command

    help_text = " ".join(Command().create_parser("manage.py", "export_903").format_help().split())
    assert "Header, Episodes, UASC, OC2, AD1 and PlacedAdoption CSV files" in help_text
    assert codes.EXPORT_TABLES == ["Header", "Episodes", "UASC", "OC2", "AD1", "PlacedAdoption"]
    assert "No AD1" not in help_text
    assert "no adoption data model" not in help_text
