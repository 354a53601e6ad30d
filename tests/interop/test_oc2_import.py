"""SSDA903 OC2 imported: the year's outcome items go into the child's AnnualOutcome, our own
health records come first on export, and import -> export is identical for all six tables
(the demo data set, imported into an empty LA)."""

from datetime import date

import pytest

from apps.accounts.models import Organisation, OrganisationKind
from apps.assessments.models import DentalCheck
from apps.assessments.tasks import recompute_deferred
from apps.children.models import AnnualOutcome, Child
from apps.devtools.demo import (
    adoption_journeys,
    create_children,
    health_journeys,
    load_organisations,
)
from apps.interop import codes
from apps.interop.importer import import_903
from apps.interop.selectors import CollectionYear, build_export, readiness_of
from tests.interop.helpers import database_state, files, import_samples, sample

pytestmark = pytest.mark.django_db
YEAR = CollectionYear(2026)
OC2_HEADER = ",".join(codes.COLUMNS[codes.OC2]) + "\n"
# A001 (born 15/06/2015) is the sample child looked after for the whole of 2025/26.
A001 = "A001,15/06/2015,"


def _import(la, **texts):
    return import_903(local_authority=la, files=files(**texts), year=YEAR)


def _oc2_text(la) -> str:
    return build_export(Child.objects.filter(responsible_la=la), YEAR).csv_text(codes.OC2)


def test_oc2_items_are_recorded_in_the_years_annual_outcome_and_exported_as_given(cast):
    assert import_samples(cast.our_la).ok
    row = A001 + "23,,1,,1,1,1,0,1,0\n"

    report = _import(cast.our_la, oc2=OC2_HEADER + row)

    assert report.ok, report.errors
    assert report.created["annual outcomes"] == 1
    outcome = AnnualOutcome.objects.get(child__la_child_id="A001", year_ending=YEAR.end)
    assert (outcome.convicted, outcome.substance_misuse) == (True, False)
    assert (outcome.intervention_received, outcome.intervention_offered) == (True, False)
    assert (outcome.reported_sdq_score, outcome.reported_sdq_reason) == (23, "")
    assert outcome.reported_health_check is None  # not asked: A001 is over 5
    assert (outcome.reported_immunisations, outcome.reported_teeth_check) == (True, True)
    assert outcome.reported_health_assessment is True
    assert _oc2_text(cast.our_la) == OC2_HEADER + row


def test_an_sdq_reason_is_kept_and_exported_in_place_of_a_score(cast):
    assert import_samples(cast.our_la).ok
    row = A001 + ",SDQ2,0,,0,0,0,0,0,0\n"

    assert _import(cast.our_la, oc2=OC2_HEADER + row).ok

    assert _oc2_text(cast.our_la) == OC2_HEADER + row


def test_a_check_recorded_here_is_not_undone_by_an_imported_return(cast):
    assert import_samples(cast.our_la).ok
    child = Child.objects.get(la_child_id="A001")
    DentalCheck.objects.create(child=child, checked_on=date(2025, 11, 5))

    assert _import(cast.our_la, oc2=OC2_HEADER + A001 + "12,,0,,0,0,0,0,,\n").ok

    teeth = codes.COLUMNS[codes.OC2].index("TEETH_CHECK")
    assert _oc2_text(cast.our_la).splitlines()[1].split(",")[teeth] == "1"


def test_importing_the_same_oc2_again_changes_nothing(cast):
    assert import_samples(cast.our_la).ok
    text = OC2_HEADER + A001 + "12,,0,,1,0,1,0,,\n"
    assert _import(cast.our_la, oc2=text).ok
    before = database_state()

    again = _import(cast.our_la, oc2=text)

    assert again.ok and not again.changed, again.summary()
    assert database_state() == before


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (A001 + "41,,,,,,,,,", "SDQ_SCORE", "'41' is not a score from 0 to 40"),
        (A001 + "12,SDQ1,,,,,,,,", "SDQ_REASON", "give the score or the reason, not both"),
        (A001 + ",SDQ9,,,,,,,,", "SDQ_REASON", "'SDQ9' is not a valid code"),
        (A001 + ",,2,,,,,,,", "CONVICTED", "'2' is not 0 or 1"),
        ("A001,16/06/2015,,,,,,,,,,", "DOB", "Differs from the Header / our record"),
        ("Z999,16/06/2015,,,,,,,,,,", "CHILD", "not in the Header file or our records"),
    ],
)
def test_a_bad_oc2_row_names_its_column_and_nothing_is_imported(cast, row, column, reason):
    assert import_samples(cast.our_la).ok
    before = database_state()

    report = _import(cast.our_la, oc2=OC2_HEADER + row + "\n")

    assert not report.applied
    assert [(e.table, e.row, e.column) for e in report.errors] == [(codes.OC2, 2, column)]
    assert reason in report.errors[0].reason
    assert database_state() == before


def test_the_demo_data_round_trips_through_all_six_tables(time_machine):
    today = date(2026, 11, 25)
    time_machine.move_to(today)
    orgs = load_organisations("demo")
    with recompute_deferred():
        create_children(count=80, orgs=orgs, today=today, seed=2026)
        adoption_journeys(orgs=orgs, today=today, seed=2026)
        health_journeys(orgs=orgs, today=today, seed=2026)
    kent = Organisation.objects.get(code="886", kind=OrganisationKind.LOCAL_AUTHORITY)
    first = build_export(Child.objects.filter(responsible_la=kent), YEAR)
    # The demo passes the DfE's validator (CI): our readiness list agrees that it is ready.
    readiness = readiness_of(Child.objects.filter(responsible_la=kent), YEAR)
    assert len(readiness) == len(first.tables[codes.HEADER])
    assert {pk: problems for pk, problems in readiness.items() if problems} == {}
    assert len(first.tables[codes.OC2]) >= 20
    # The items the demo records are filled in for some child, so the round trip tests them.
    for column in ("SDQ_SCORE", "CONVICTED", "IMMUNISATIONS", "TEETH_CHECK", "SUBSTANCE_MISUSE"):
        index = codes.COLUMNS[codes.OC2].index(column)
        assert {row[index] for row in first.tables[codes.OC2]} - {""}, column
    empty_la = Organisation.objects.create(
        name="Round Trip Council", code="999", kind=OrganisationKind.LOCAL_AUTHORITY
    )

    report = import_903(
        local_authority=empty_la,
        files=files(**{codes.FILE_NAMES[t][:-4]: first.csv_text(t) for t in codes.EXPORT_TABLES}),
        year=YEAR,
    )

    assert report.ok, report.errors[:5]
    second = build_export(Child.objects.filter(responsible_la=empty_la), YEAR)
    for table in codes.EXPORT_TABLES:
        assert second.csv_text(table) == first.csv_text(table), table
    # And the OC2 back into the LA that holds the health records: its export is unchanged.
    again = import_903(local_authority=kent, files=files(oc2=first.csv_text(codes.OC2)), year=YEAR)
    assert again.ok, again.errors[:5]
    assert build_export(Child.objects.filter(responsible_la=kent), YEAR).csv_text(
        codes.OC2
    ) == first.csv_text(codes.OC2)


def test_the_samples_are_unchanged_by_an_oc2_import(cast):
    assert import_samples(cast.our_la).ok
    assert _import(cast.our_la, oc2=OC2_HEADER + A001 + "5,,,,1,1,1,0,,\n").ok
    export = build_export(Child.objects.filter(responsible_la=cast.our_la), YEAR)
    assert export.csv_text(codes.HEADER) == sample("header.csv")
    assert export.csv_text(codes.EPISODES) == sample("episodes.csv")
