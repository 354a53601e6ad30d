"""SSDA903 AD1 and PlacedAdoption: exported from the adoption cases, imported into them."""

from datetime import date

import pytest

from apps.adoption.models import AdoptionCase
from apps.adoption.services import adoption_case_create
from apps.children.models import Child
from apps.interop import codes
from apps.interop.selectors import CollectionYear, build_export
from tests.factories import ChildFactory, PeriodOfCareFactory, PlacementFactory
from tests.interop.helpers import database_state, import_texts

YEAR = CollectionYear.parse("2025/26")
AD1_HEADER = ",".join(codes.COLUMNS[codes.AD1]) + "\n"
PLACED_HEADER = ",".join(codes.COLUMNS[codes.PLACED_ADOPTION]) + "\n"


def _export(la):
    return build_export(Child.objects.filter(responsible_la=la), YEAR)


def _child(cast, reference, *, born, entry, end=None, reason_end="", legal_status="C2"):
    child = ChildFactory(
        responsible_la=cast.our_la, la_child_id=reference, date_of_birth=born, upn="UN1"
    )
    period = PeriodOfCareFactory(
        child=child,
        start_date=entry,
        end_date=end,
        reason_end=reason_end,
        legal_status=legal_status,
        category_of_need="N1",
    )
    return child, period


def _case(cast, child, **milestones):
    return adoption_case_create(child=child, created_by=cast.social_worker, data=milestones)


@pytest.fixture
def adoption_cohort(cast):
    """A: adopted in the year by two women, not the foster carers (placed A6 after the
    placement order). B: the plan changed in the year (RD1). C: the plan changed before the
    year (not returned). D: adopted in the year with no adoption case. E: decision after 31
    March (not returned)."""
    a, period = _child(
        cast,
        "A",
        born=date(2021, 3, 1),
        entry=date(2024, 5, 1),
        end=date(2026, 1, 15),
        reason_end="E11",
    )
    foster = PlacementFactory(
        period_of_care=period,
        start_date=date(2024, 5, 1),
        end_date=date(2025, 9, 1),
        place="U1",
        reason_place_change="CARPL",
    )
    a.legal_status_changes.create(
        period_of_care=period, start_date=date(2024, 11, 1), legal_status="E1"
    )
    PlacementFactory(
        period_of_care=period,
        start_date=foster.end_date,
        end_date=period.end_date,
        place="A6",
        place_provider="PR1",
    )
    _case(
        cast,
        a,
        adoption_plan_on=date(2024, 9, 1),
        adm_decision_on=date(2024, 10, 1),
        placement_order_on=date(2024, 11, 1),
        match_decision_on=date(2025, 8, 1),
        moved_in_on=date(2025, 9, 1),
        adoption_order_on=date(2026, 1, 15),
        adopters_sex="FF",
        adopters_legal_status="L12",
        adopted_by_foster_carers=False,
    )
    b, period = _child(cast, "B", born=date(2019, 2, 2), entry=date(2024, 6, 1))
    PlacementFactory(period_of_care=period, start_date=period.start_date, place="U1")
    _case(
        cast,
        b,
        adoption_plan_on=date(2024, 7, 1),
        adm_decision_on=date(2024, 8, 1),
        plan_changed_on=date(2025, 6, 1),
        plan_changed_reason="RD1",
        plan_changed_note="Her needs changed: long-term fostering",
    )
    c, period = _child(cast, "C", born=date(2018, 1, 1), entry=date(2023, 6, 1))
    PlacementFactory(period_of_care=period, start_date=period.start_date, place="U1")
    _case(
        cast,
        c,
        adoption_plan_on=date(2023, 9, 1),
        adm_decision_on=date(2023, 10, 1),
        plan_changed_on=date(2025, 2, 1),
        plan_changed_reason="RD3",
        plan_changed_note="No adopters found",
    )
    d, period = _child(
        cast,
        "D",
        born=date(2022, 5, 5),
        entry=date(2023, 1, 1),
        end=date(2025, 12, 1),
        reason_end="E12",
    )
    PlacementFactory(period_of_care=period, start_date=period.start_date, end_date=period.end_date)
    e, period = _child(cast, "E", born=date(2020, 5, 5), entry=date(2025, 1, 1))
    PlacementFactory(period_of_care=period, start_date=period.start_date, place="U1")
    _case(cast, e, adoption_plan_on=date(2026, 3, 1), adm_decision_on=date(2026, 4, 10))
    return {"A": a, "B": b, "C": c, "D": d, "E": e}


def test_ad1_and_placed_adoption_rows_come_from_the_adoption_cases(cast, adoption_cohort):
    export = _export(cast.our_la)

    assert export.tables[codes.AD1] == [
        ["A", "01/03/2021", "01/10/2024", "01/08/2025", "0", "2", "FF", "L12"],
        # Adopted, but no adoption case: blank, for the DfE's validation to flag.
        ["D", "05/05/2022", "", "", "", "", "", ""],
    ]
    assert export.tables[codes.PLACED_ADOPTION] == [
        ["A", "01/03/2021", "01/10/2024", "", ""],
        ["B", "02/02/2019", "01/08/2024", "01/06/2025", "RD1"],
    ]
    assert export.csv_text(codes.AD1).startswith(AD1_HEADER)
    assert any(
        note.startswith("Child D: adopted in the year, but no adoption case")
        for note in export.notes
    )


def test_an_adopted_child_without_the_adopters_is_listed_in_the_notes(cast):
    child, period = _child(
        cast,
        "F",
        born=date(2021, 1, 1),
        entry=date(2023, 1, 1),
        end=date(2025, 10, 1),
        reason_end="E11",
    )
    PlacementFactory(period_of_care=period, start_date=period.start_date, place="A5")
    case = _case(cast, child, adoption_plan_on=date(2024, 1, 1), adm_decision_on=date(2024, 2, 1))
    # An adoption case recorded before the adopters were asked for (written around the service).
    AdoptionCase.objects.filter(pk=case.pk).update(match_decision_on=date(2024, 6, 1))

    export = _export(cast.our_la)

    assert export.tables[codes.AD1] == [
        ["F", "01/01/2021", "01/02/2024", "01/06/2024", "", "", "", ""]
    ]
    assert (
        "Child F: adopted in the year; not recorded: who adopted, the adopters' legal status, "
        "whether the foster carers adopted." in export.notes
    )


def test_round_trip_with_the_adoption_tables_gives_identical_files(cast, adoption_cohort):
    first = _export(cast.our_la)
    Child.objects.filter(responsible_la=cast.other_la).delete()

    report = import_texts(
        cast.other_la,
        header=first.csv_text(codes.HEADER),
        episodes=first.csv_text(codes.EPISODES),
        uasc=first.csv_text(codes.UASC),
        placed_adoption=first.csv_text(codes.PLACED_ADOPTION),
        # D's blank AD1 row would be refused: an LA's file has no such row.
        ad1=AD1_HEADER + first.csv_text(codes.AD1).splitlines()[1] + "\n",
    )
    assert report.ok, report.errors
    assert report.created["adoption cases"] == 2

    second = _export(cast.other_la)
    for table in (codes.HEADER, codes.EPISODES, codes.PLACED_ADOPTION):
        assert second.csv_text(table) == first.csv_text(table), table
    assert second.tables[codes.AD1][0] == first.tables[codes.AD1][0]

    a = AdoptionCase.objects.get(child__responsible_la=cast.other_la, child__la_child_id="A")
    # From the episodes: moved in at the first A6 episode, adopted when the period ended E11.
    assert (a.moved_in_on, a.adoption_order_on, a.stage) == (
        date(2025, 9, 1),
        date(2026, 1, 15),
        "ADOPTED",
    )
    b = AdoptionCase.objects.get(child__responsible_la=cast.other_la, child__la_child_id="B")
    # The return does not hold when adoption became the plan: no later than the decision.
    assert (b.adoption_plan_on, b.adm_decision_on) == (date(2024, 8, 1), date(2024, 8, 1))
    assert (b.plan_changed_on, b.plan_changed_reason) == (date(2025, 6, 1), "RD1")
    assert b.plan_changed_note == "Recorded in the SSDA903 return (PlacedAdoption)."


def test_importing_the_adoption_tables_again_changes_nothing(cast, adoption_cohort):
    first = _export(cast.our_la)
    texts = {
        "header": first.csv_text(codes.HEADER),
        "episodes": first.csv_text(codes.EPISODES),
        "placed_adoption": first.csv_text(codes.PLACED_ADOPTION),
        "ad1": AD1_HEADER + first.csv_text(codes.AD1).splitlines()[1] + "\n",
    }
    Child.objects.filter(responsible_la=cast.other_la).delete()
    assert import_texts(cast.other_la, **texts).ok
    before = database_state(), AdoptionCase.history.count(), AdoptionCase.objects.count()

    again = import_texts(cast.other_la, **texts)

    assert again.ok and not again.changed, again.summary()
    assert (database_state(), AdoptionCase.history.count(), AdoptionCase.objects.count()) == before


HEADER = (
    ",".join(codes.COLUMNS[codes.HEADER])
    + "\nK1,F,01/03/2021,WBRI,UN1,,\nK2,M,02/02/2019,WBRI,UN1,,\n"
)


@pytest.mark.parametrize(
    ("table", "row", "expected"),
    [
        (
            codes.AD1,
            "K1,01/03/2021,01/10/2024,01/08/2025,0,1,MF,L11",
            ("NB_ADOPTR", "1, but SEX_ADOPTR MF is 2"),
        ),
        (
            codes.AD1,
            "K1,01/03/2021,01/10/2024,01/08/2025,0,2,MF,L12",
            ("LS_ADOPTR", "L12 does not fit SEX_ADOPTR MF"),
        ),
        (
            codes.AD1,
            "K1,01/03/2021,01/10/2024,01/08/2025,2,2,MF,L11",
            ("FOSTER_CARE", "'2' is not 0 or 1"),
        ),
        (
            codes.AD1,
            "K1,01/03/2021,01/10/2024,01/08/2024,0,2,MF,L11",
            ("DATE_MATCH", "Before DATE_INT (01/10/2024)"),
        ),
        (codes.AD1, "K1,01/03/2021,01/10/2024,,0,2,MF,L11", ("DATE_MATCH", "Required")),
        (
            codes.AD1,
            "K1,01/03/2021,01/10/2024,01/08/2025,0,2,XX,L11",
            ("SEX_ADOPTR", "'XX' is not a valid code"),
        ),
        (
            codes.AD1,
            "K1,02/03/2021,01/10/2024,01/08/2025,0,2,MF,L11",
            ("DOB", "Differs from the Header"),
        ),
        (
            codes.AD1,
            "ZZ,01/03/2021,01/10/2024,01/08/2025,0,2,MF,L11",
            ("CHILD", "not in the Header file"),
        ),
        (
            codes.PLACED_ADOPTION,
            "K2,02/02/2019,01/08/2024,01/06/2025,",
            ("REASON_PLACED_CEASED", "both given or both blank"),
        ),
        (
            codes.PLACED_ADOPTION,
            "K2,02/02/2019,01/08/2024,01/06/2025,RD9",
            ("REASON_PLACED_CEASED", "'RD9' is not a valid code"),
        ),
        (
            codes.PLACED_ADOPTION,
            "K2,02/02/2019,01/08/2024,01/06/2024,RD1",
            ("DATE_PLACED_CEASED", "Before DATE_PLACED (01/08/2024)"),
        ),
        (
            codes.PLACED_ADOPTION,
            "K2,02/02/2019,01/08/2018,,",
            ("DATE_PLACED", "Before the date of birth"),
        ),
        (codes.PLACED_ADOPTION, "K2,02/02/2019,31/12/2099,,", ("DATE_PLACED", "is in the future")),
    ],
)
def test_malformed_adoption_rows_are_reported_and_nothing_is_imported(cast, table, row, expected):
    before = database_state(), AdoptionCase.objects.count()
    name = "ad1" if table == codes.AD1 else "placed_adoption"
    columns = AD1_HEADER if table == codes.AD1 else PLACED_HEADER

    report = import_texts(cast.our_la, header=HEADER, **{name: columns + row + "\n"})

    assert not report.ok and not report.applied
    assert [(e.table, e.row, e.column) for e in report.errors] == [(table, 2, expected[0])]
    assert expected[1] in report.errors[0].reason
    assert (database_state(), AdoptionCase.objects.count()) == before


def test_adoption_rows_that_disagree_with_each_other_are_reported(cast):
    placed = PLACED_HEADER + (
        "K1,01/03/2021,01/10/2024,,\n"
        "K2,02/02/2019,01/08/2024,01/06/2025,RD1\n"
        "K2,02/02/2019,01/09/2025,,\n"
    )
    ad1 = AD1_HEADER + (
        "K1,01/03/2021,02/10/2024,01/08/2025,0,2,MF,L11\n"
        "K2,02/02/2019,01/08/2024,01/08/2025,0,2,MF,L11\n"
    )

    report = import_texts(cast.our_la, header=HEADER, placed_adoption=placed, ad1=ad1)

    found = {(e.table, e.row, e.column): e.reason for e in report.errors}
    assert "one adoption decision per child" in found[(codes.PLACED_ADOPTION, 4, "CHILD")]
    assert "Differs from DATE_PLACED" in found[(codes.AD1, 2, "DATE_INT")]
    assert "cannot also be adopted" in found[(codes.AD1, 3, "CHILD")]
    assert len(report.errors) == 3
    assert not Child.objects.exists() and not AdoptionCase.objects.exists()


def test_an_import_that_contradicts_our_adoption_case_is_refused(cast, adoption_cohort):
    """Our case for A has a match on 01/08/2025; a file saying the decision came after it is
    refused on its row, naming the column, and the case is unchanged."""
    case = AdoptionCase.objects.get(child=adoption_cohort["A"])
    placed = PLACED_HEADER + "A,01/03/2021,01/09/2025,,\n"

    report = import_texts(cast.our_la, placed_adoption=placed)

    found = {(e.table, e.row, e.column): e.reason for e in report.errors}
    # Our match and placement order would both come before the file's decision.
    assert set(found) == {
        (codes.PLACED_ADOPTION, 2, "DATE_MATCH"),
        (codes.PLACED_ADOPTION, 2, "CHILD"),
    }
    assert (
        "Match (01/08/2025) cannot be before the ADM decision"
        in found[(codes.PLACED_ADOPTION, 2, "DATE_MATCH")]
    )
    assert all(r.startswith("With our record of the adoption case") for r in found.values())
    case.refresh_from_db()
    assert case.adm_decision_on == date(2024, 10, 1)


def test_dates_from_the_episodes_are_taken_only_when_they_fit_the_case(cast):
    """The A5 episode starts before the match in AD1: the move-in and adoption order are
    not taken from the episodes (the case keeps what AD1 says), and the import is not
    refused for it."""
    header = ",".join(codes.COLUMNS[codes.HEADER]) + "\nK1,F,01/03/2021,WBRI,UN1,,\n"
    episodes = (
        ",".join(codes.COLUMNS[codes.EPISODES])
        + "\n"
        + (
            "K1,01/05/2024,S,E1,N1,U6,PR1,01/07/2025,X1,CARPL,,ME15 6AA,SC048213\n"
            "K1,01/07/2025,T,E1,N1,A5,PR1,15/01/2026,E11,,,ME15 6AA,SC048213\n"
        )
    )
    ad1 = AD1_HEADER + "K1,01/03/2021,01/10/2024,01/08/2025,1,2,MF,L11\n"

    report = import_texts(cast.our_la, header=header, episodes=episodes, ad1=ad1)

    assert report.ok, report.errors
    case = AdoptionCase.objects.get()
    assert (case.match_decision_on, case.moved_in_on, case.adoption_order_on) == (
        date(2025, 8, 1),
        None,
        None,
    )
