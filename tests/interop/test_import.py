"""Import of the 903 Header, Episodes and UASC tables: what it records, idempotency, and the
report for malformed files (with the database left unchanged)."""

from datetime import date

import pytest

from apps.children.models import Child, LegalStatusChange, PeriodOfCare
from apps.placements.models import Placement
from tests.interop.helpers import database_state, import_samples, import_texts, sample

pytestmark = pytest.mark.django_db

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
    "HOME_POST,PL_POST,URN\n"
)


def test_import_records_children_periods_placements_and_legal_status(cast):
    report = import_samples(cast.our_la)

    assert report.ok and report.applied, report.errors
    a001 = Child.objects.get(responsible_la=cast.our_la, la_child_id="A001")
    assert (a001.sex, a001.date_of_birth, a001.upn) == ("1", date(2015, 6, 15), "A123456789012")
    assert (a001.first_name, a001.last_name, a001.team) == ("Child", "A001", None)
    period = a001.periods_of_care.get()
    assert (period.start_date, period.legal_status, period.category_of_need) == (
        date(2025, 2, 10),
        "C1",
        "N1",
    )
    assert period.end_date is None and period.reason_new_episode == "S"
    assert list(
        LegalStatusChange.objects.filter(child=a001).values_list("start_date", "legal_status")
    ) == [(date(2025, 6, 1), "C2")]
    first, second = a001.placements.order_by("start_date")
    assert (first.place, first.end_date, first.reason_place_change) == (
        "U6",
        date(2025, 9, 15),
        "CARPL",
    )
    assert (first.home_postcode, first.placement_postcode, first.postcode_district, first.urn) == (
        "ME14 1XQ",
        "ME15 6AA",
        "ME15",
        "SC123456",
    )
    assert (second.place, second.place_provider, second.end_date) == ("U4", "PR4", None)
    assert second.area == cast.our_la

    a002 = Child.objects.get(la_child_id="A002")
    assert a002.is_uasc and a002.uasc_ceased_on is None and a002.upn == "UN5"
    period = a002.periods_of_care.get()
    # The period began before this return: its record starts at its first episode here.
    assert (period.start_date, period.reason_new_episode, period.end_date, period.reason_end) == (
        date(2023, 11, 20),
        "T",
        date(2025, 9, 30),
        "E4A",
    )
    assert [p.same_carer for p in a002.placements.order_by("start_date")] == [False, True]

    a003 = Child.objects.get(la_child_id="A003")
    assert (a003.is_mother, a003.mother_child_dob) == (True, date(2025, 2, 10))
    assert a003.periods_of_care.count() == 2
    assert a003.placements.filter(end_date__isnull=True).count() == 1


def test_importing_the_same_files_again_changes_nothing(cast):
    assert import_samples(cast.our_la).ok
    before = database_state()

    again = import_samples(cast.our_la)

    assert again.ok and not again.changed
    assert again.summary() == "Nothing to change: the records already match the files."
    assert database_state() == before


def test_reimport_with_one_change_updates_only_that(cast):
    import_samples(cast.our_la)
    before = database_state()
    changed = sample("header.csv").replace("A001,M,15/06/2015,WBRI", "A001,M,15/06/2015,WIRI")

    report = import_texts(cast.our_la, header=changed)

    assert report.ok and dict(report.updated) == {"children": 1}
    assert not any(report.created.values())
    assert Child.objects.get(la_child_id="A001").ethnicity == "WIRI"
    after = database_state()
    assert after["Child history"] == before["Child history"] + 1
    assert after["Placement history"] == before["Placement history"]


def test_import_is_for_the_importing_la_only(cast):
    import_samples(cast.our_la)
    import_samples(cast.other_la)

    assert Child.objects.filter(la_child_id="A001").count() == 2
    assert Child.objects.filter(responsible_la=cast.other_la).count() == 3


def _assert_rejected(cast, expected: list[tuple[str, int, str, str]], **texts):
    before = database_state()
    report = import_texts(cast.our_la, **texts)
    assert not report.ok and not report.applied
    found = [(e.table, e.row, e.column) for e in report.errors]
    for table, row, column, reason in expected:
        assert (table, row, column) in found, report.errors
        error = report.errors[found.index((table, row, column))]
        assert reason in error.reason
    assert database_state() == before
    assert report.summary().startswith(f"{len(report.errors)} error(s): nothing was imported")
    return report


def test_wrong_columns_are_reported_and_nothing_is_written(cast):
    header = sample("header.csv").replace("ETHNIC", "ETHNICITY")
    report = _assert_rejected(
        cast,
        [("header.csv", 1, "", "nearest is Header (missing ETHNIC; unexpected ETHNICITY)")],
        header=header,
        episodes=sample("episodes.csv"),
    )
    assert "Expected: CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB" in report.errors[0].reason


def test_a_table_we_do_not_import_is_refused_naming_it(cast):
    _assert_rejected(
        cast,
        [("other.csv", 1, "", "The columns do not match any 903 table")],
        other="CHILD,DOB,MISSING,SOMETHING\n",
    )


def test_bad_codes_and_dates_name_row_column_and_reason(cast):
    header = HEADER + "B001,X,31/02/2015,WBRI,ABC,,\nB002,F,2015-01-01,ZZZZ,,2,\n"
    episodes = EPISODES + (
        "B001,01/05/2025,Q,C9,N9,U9,PR9,,,,,,\n"
        "B002,01/05/2025,S,C2,N1,Z11,PR1,01/04/2025,E4A,,,NOT A POSTCODE,SC1\n"
    )
    _assert_rejected(
        cast,
        [
            ("Header", 2, "SEX", "'X' is not a valid code"),
            ("Header", 2, "DOB", "'31/02/2015' is not a real date"),
            ("Header", 2, "UPN", "is not a UPN"),
            ("Header", 3, "DOB", "not a date in the form DD/MM/YYYY"),
            ("Header", 3, "ETHNIC", "'ZZZZ' is not a valid code"),
            ("Header", 3, "MOTHER", "'2' is not 0 or 1"),
            ("Episodes", 2, "RNE", "'Q' is not a valid code"),
            ("Episodes", 2, "LS", "'C9' is not a valid code"),
            ("Episodes", 2, "CIN", "'N9' is not a valid code"),
            ("Episodes", 2, "PLACE", "'U9' is not a valid code"),
            ("Episodes", 2, "PLACE_PROVIDER", "'PR9' is not a valid code"),
            (
                "Episodes",
                3,
                "PLACE",
                "'Z11' is a valid 903 code that this system does not record yet",
            ),
            ("Episodes", 3, "PL_POST", "is not a postcode"),
            ("Episodes", 3, "URN", "is not an Ofsted URN"),
            ("Episodes", 3, "DEC", "Before the episode started (01/05/2025)"),
        ],
        header=header,
        episodes=episodes,
    )


def test_duplicate_children_are_reported(cast):
    header = sample("header.csv") + "A001,M,15/06/2015,WBRI,,,\n"
    _assert_rejected(
        cast,
        [("Header", 5, "CHILD", "Child A001 is already on row 2")],
        header=header,
        episodes=sample("episodes.csv"),
    )


def test_episode_before_birth_and_broken_sequences_are_reported(cast):
    header = HEADER + "C001,M,01/01/2020,WBRI,,,\nC002,F,01/01/2012,WBRI,,0,\n"
    episodes = EPISODES + (
        "C001,01/12/2019,S,C2,N1,U6,PR1,,,,,,\n"
        "C002,01/05/2025,S,C2,N1,U6,PR1,01/06/2025,X1,,,,\n"
        "C002,02/06/2025,P,C1,N1,U4,PR1,,,,,,\n"
        "C003,01/05/2025,S,C2,N1,U6,PR1,01/06/2025,E4A,,,,\n"
    )
    _assert_rejected(
        cast,
        [
            ("Episodes", 2, "DECOM", "Before the child's date of birth (01/01/2020)"),
            ("Episodes", 4, "DECOM", "starts the day the previous one ended (01/06/2025, row 3)"),
            ("Episodes", 4, "RNE", "P (placement change only), but LS changed: use U or B"),
            ("Episodes", 5, "CHILD", "Child C003 is not in the Header file or our records"),
        ],
        header=header,
        episodes=episodes,
    )


def test_dob_after_entry_to_care_already_recorded_is_reported(cast):
    import_samples(cast.our_la)
    header = sample("header.csv").replace("A001,M,15/06/2015", "A001,M,15/06/2025")
    _assert_rejected(
        cast,
        [("Header", 2, "DOB", "After the child's recorded entry to care (10/02/2025)")],
        header=header,
    )


def test_one_bad_file_stops_the_good_ones_too(cast):
    bad_uasc = "CHILD,SEX,DOB,DUC\nA002,F,02/03/2009,01/01/2030\n"
    report = _assert_rejected(
        cast,
        [("UASC", 2, "DUC", "01/01/2030 is in the future")],
        header=sample("header.csv"),
        episodes=sample("episodes.csv"),
        uasc=bad_uasc,
    )
    assert report.rows_read == {"Header": 3, "Episodes": 7, "UASC": 1}
    assert not Child.objects.exists() and not PeriodOfCare.objects.exists()
    assert not Placement.objects.exists()


def test_import_recomputes_the_health_clocks_of_imported_children(cast):
    from apps.assessments.models import Assessment

    import_samples(cast.our_la)

    a001 = Child.objects.get(la_child_id="A001")
    iha = Assessment.objects.get(child=a001, kind="IHA")
    assert iha.clock_start == date(2025, 2, 10)
    assert Child.objects.filter(clocks_stale_since__isnull=False).count() == 0


def test_a_period_imported_part_way_has_no_iha_clock_to_breach(cast):
    """A002's first episode on record is not RNE S: its real entry to care is not known, so
    its IHA is not required here (no false breach); A001, recorded from entry, has one."""
    from apps.assessments.models import Assessment

    assert import_samples(cast.our_la).ok
    a002 = Assessment.objects.get(child__la_child_id="A002", kind="IHA")
    assert a002.not_required_reason == "BEFORE_RECORDS"
    assert a002.get_not_required_reason_display() == (
        "The period of care began before our records of it"
    )
    first = Assessment.objects.filter(child__la_child_id="A001", kind="IHA").order_by("id").first()
    assert first.not_required_reason == "" and first.due_date is not None
