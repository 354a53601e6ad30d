"""The SSDA903 readiness rules (apps.interop.readiness), on rows as the export writes them:
no database."""

from datetime import date

import pytest

from apps.interop import codes
from apps.interop.readiness import ChildReturn, Episode, problems

START, END = date(2025, 4, 1), date(2026, 3, 31)


def _episode(period=1, placement=1, placement_start=date(2025, 5, 3), **values) -> Episode:
    row = dict.fromkeys(codes.COLUMNS[codes.EPISODES], "")
    row.update(
        CHILD="C1",
        DECOM="03/05/2025",
        RNE="S",
        LS="C2",
        CIN="N1",
        PLACE="U1",
        PLACE_PROVIDER="PR1",
        HOME_POST="ME14 1XQ",
        PL_POST="CT1 1AA",
        URN="SC123456",
    )
    row.update(values)
    return Episode(row, period, date(2025, 5, 3), placement, placement_start)


def _child(episodes=None, oc2=None, is_uasc=False, born=date(2012, 1, 1), **header) -> ChildReturn:
    values = {"CHILD": "C1", "SEX": "M", "DOB": "01/01/2012", "ETHNIC": "WBRI", "UPN": "UN1"}
    values.update({"MOTHER": "", "MC_DOB": ""}, **header)
    return ChildReturn(
        "C1", values, [_episode()] if episodes is None else episodes, oc2, is_uasc, born
    )


def _oc2(**values) -> dict[str, str]:
    row = dict.fromkeys(codes.COLUMNS[codes.OC2], "")
    row.update(
        CHILD="C1",
        IMMUNISATIONS="1",
        TEETH_CHECK="1",
        HEALTH_ASSESSMENT="1",
        SUBSTANCE_MISUSE="0",
        CONVICTED="0",
        SDQ_SCORE="12",
    )
    row.update(values)
    return row


def _found(child: ChildReturn) -> list[tuple[tuple[str, ...], str]]:
    return [(p.rules, p.field) for p in problems(child, year_start=START, year_end=END)]


def test_a_complete_record_is_ready():
    assert _found(_child(oc2=_oc2())) == []


def test_a_child_not_in_the_return_has_nothing_to_check():
    assert _found(_child(episodes=[], UPN="")) == []


def test_no_upn_is_rule_442():
    child = _child(UPN="")
    assert _found(child) == [(("442",), "child.upn")]


def test_no_upn_on_short_breaks_only_is_not_asked():
    assert _found(_child(episodes=[_episode(LS="V3", URN="")], UPN="")) == []


def test_a_girl_whose_mother_status_is_blank_is_rules_393_and_607():
    assert _found(_child(SEX="F")) == [(("393", "607"), "child.is_mother")]
    assert _found(_child(SEX="F", MOTHER="0")) == []
    assert _found(_child(SEX="M")) == []


def test_a_placement_with_no_postcode_names_the_derived_items():
    [problem] = problems(_child([_episode(PL_POST="")]), year_start=START, year_end=END)
    assert problem.rules == ("169", "179", "392a", "392b")
    assert (problem.field, problem.record_id) == ("placement.placement_postcode", 1)
    assert problem.message.startswith("Placement from 3 May 2025 has no placement postcode")


def test_a_postcode_district_only_is_not_enough():
    [problem] = problems(_child([_episode(PL_POST="CT1")]), year_start=START, year_end=END)
    assert problem.rules == ("169", "179", "392a", "392c")
    assert "postcode district CT1" in problem.message


def test_a_uasc_child_needs_no_home_postcode_but_does_need_the_placement_postcode():
    assert _found(_child([_episode(HOME_POST="")], is_uasc=True)) == []
    assert _found(_child([_episode(PL_POST="")], is_uasc=True)) == [
        (("169", "179"), "placement.placement_postcode")
    ]


def test_no_home_postcode_is_rules_392a_and_392b():
    assert _found(_child([_episode(HOME_POST="")])) == [
        (("392a", "392b"), "placement.home_postcode")
    ]


def test_a_malformed_home_postcode_is_rule_392c():
    assert _found(_child([_episode(HOME_POST="ME")])) == [
        (("392c", "392a"), "placement.home_postcode")
    ]


def test_no_urn_for_a_placement_type_that_needs_one_is_rule_218_in_words():
    [problem] = problems(_child([_episode(URN="")]), year_start=START, year_end=END)
    assert problem.rules == ("218",)
    assert problem.message == (
        "Placement from 3 May 2025 has no Ofsted URN: required for placement type U1 "
        "(XXXXXXX when the provider has none)."
    )


@pytest.mark.parametrize("place", ["P1", "P3", "R1", "R2", "R5", "T0", "T4"])
def test_placement_types_exempt_from_the_urn(place):
    assert _found(_child([_episode(URN="", PLACE=place)])) == []


def test_no_urn_is_not_asked_outside_england_or_for_episodes_ended_before_the_year():
    assert _found(_child([_episode(URN="", PL_POST="CF10 1AA")])) == []
    ended = _episode(URN="", DECOM="01/01/2025", DEC="01/03/2025", REC="E4A")
    assert _found(_child([ended])) == []


def _moved(reason: str, next_rne="P", place="U1", next_place="U4"):
    first = _episode(DEC="01/09/2025", REC="X1", REASON_PLACE_CHANGE=reason, PLACE=place)
    second = _episode(
        placement=2,
        placement_start=date(2025, 9, 1),
        DECOM="01/09/2025",
        RNE=next_rne,
        PLACE=next_place,
    )
    return _child([first, second])


def test_a_move_with_no_reason_for_the_change_is_rule_225():
    [problem] = problems(_moved(""), year_start=START, year_end=END)
    assert (problem.rules, problem.field, problem.record_id) == (
        ("225",),
        "placement.reason_place_change",
        1,
    )
    assert problem.message == (
        "Placement from 3 May 2025 ended on 1 September 2025 with a move to another "
        "placement, but the reason for the change is not recorded."
    )
    assert _found(_moved("CARPL")) == []


def test_no_reason_is_needed_for_a_legal_status_change_or_a_temporary_placement():
    assert _found(_moved("", next_rne="L")) == []
    assert _found(_moved("", place="T1")) == []
    assert _found(_moved("", next_place="T2")) == []


def test_a_blank_category_of_need_in_a_continuing_period_is_rule_504_once():
    episodes = [
        _episode(CIN="", DEC="01/09/2025", REC="X1"),
        _episode(CIN="", DECOM="01/09/2025", RNE="L", LS="C1", DEC="01/10/2025", REC="X1"),
        _episode(CIN="", DECOM="01/10/2025", RNE="L", LS="C2"),
    ]
    [problem] = problems(_child(episodes), year_start=START, year_end=END)
    assert (problem.rules, problem.field) == (("504",), "period_of_care.category_of_need")
    assert (
        problem.message
        == "The period of care from 3 May 2025 has no category of need at its start."
    )


def test_a_blank_category_of_need_in_a_single_episode_is_not_rule_504():
    assert _found(_child([_episode(CIN="")])) == []


def test_oc2_items_left_blank_are_rule_191_and_182_or_547_when_others_are_given():
    assert _found(_child(oc2=_oc2(SUBSTANCE_MISUSE=""))) == [
        (("191", "182"), "annual_outcome.substance_misuse")
    ]
    assert _found(_child(oc2=_oc2(SUBSTANCE_MISUSE="", CONVICTED="", HEALTH_CHECK="1"))) == [
        (("191", "182", "547"), "annual_outcome.substance_misuse"),
        (("543",), "annual_outcome.convicted"),
    ]
    assert _found(_child(oc2=_oc2(SUBSTANCE_MISUSE="", CONVICTED=""), born=date(2018, 1, 1))) == [
        (("191",), "annual_outcome.substance_misuse")
    ]


def test_convictions_are_asked_from_the_10th_birthday_before_31_march():
    assert _found(_child(oc2=_oc2(CONVICTED=""), born=date(2016, 3, 30))) == [
        (("543",), "annual_outcome.convicted")
    ]
    # Ten on 31 March itself: the DfE's rule asks only after the birthday.
    assert _found(_child(oc2=_oc2(CONVICTED=""), born=date(2016, 3, 31))) == []


def test_the_oc2_message_names_the_year():
    [problem] = problems(_child(oc2=_oc2(SUBSTANCE_MISUSE="")), year_start=START, year_end=END)
    assert problem.message == (
        "For the year to 31 March 2026 (looked after for 12 months): substance misuse is not "
        "recorded."
    )


def test_no_sdq_from_4_to_16_is_rule_186_and_at_4_or_17_in_the_year_197b():
    assert _found(_child(oc2=_oc2(SDQ_SCORE=""), born=date(2015, 1, 1))) == [
        (("186",), "sdq_record.total_score")
    ]
    assert _found(_child(oc2=_oc2(SDQ_SCORE=""), born=date(2021, 9, 1))) == [
        (("197B",), "sdq_record.total_score")
    ]
    assert _found(_child(oc2=_oc2(SDQ_SCORE=""), born=date(2009, 3, 1))) == [
        (("197B",), "sdq_record.total_score")
    ]
    assert _found(_child(oc2=_oc2(SDQ_SCORE="", SDQ_REASON="SDQ2"), born=date(2015, 1, 1))) == []
    assert (
        _found(_child(oc2=_oc2(SDQ_SCORE=""), born=date(2022, 6, 1))) == []
    )  # under 4 on 31 March


# With the ONS postcode directory's facts for each episode (apps.core.postcodes).
KENT, MEDWAY = "E10000016", "E06000035"


def _placed(derived_la=KENT, placement_listed=True, home_listed=True, name="", **values):
    from dataclasses import replace

    from apps.core.postcodes import Derived
    from apps.interop.readiness import Place

    location = None if not placement_listed else ("IN" if derived_la == KENT else "OUT")
    place = Place(
        placement_listed,
        home_listed,
        Derived(derived_la if placement_listed else None, location, 12.3),
        name,
    )
    return replace(_episode(**values), place=place)


def _kent_child(episodes, **kwargs):
    from dataclasses import replace

    return replace(_child(episodes, **kwargs), local_authority=KENT)


def test_a_listed_placement_postcode_in_our_area_is_ready():
    assert _found(_kent_child([_placed()])) == []


def test_a_full_placement_postcode_not_in_the_directory_is_rule_392c_with_the_derived_items():
    [problem] = problems(
        _kent_child([_placed(placement_listed=False, PL_POST="CT1 0AA")]),
        year_start=START,
        year_end=END,
    )
    assert problem.rules == ("169", "179", "392a", "392c")
    assert problem.field == "placement.placement_postcode"
    assert "CT1 0AA, that is not in the ONS postcode directory" in problem.message


def test_a_full_home_postcode_not_in_the_directory_is_rule_392c():
    assert _found(_kent_child([_placed(home_listed=False, HOME_POST="ME1 0ZZ")])) == [
        (("392c", "392a"), "placement.home_postcode")
    ]


def test_a_uasc_childs_unlisted_postcode_is_not_asked_for_the_distance():
    assert _found(
        _kent_child([_placed(placement_listed=False, PL_POST="CT1 0AA")], is_uasc=True)
    ) == [(("169", "179", "392c"), "placement.placement_postcode")]


def test_the_councils_own_provision_placed_in_another_area_is_rule_1015_in_words():
    episode = _placed(
        derived_la=MEDWAY, name="Medway", PLACE="K2", PLACE_PROVIDER="PR1", PL_POST="ME4 4TR"
    )
    [problem] = problems(_kent_child([episode]), year_start=START, year_end=END)
    assert problem.rules == ("1015",)
    assert problem.field == "placement.place_provider"
    assert problem.message == (
        "Placement from 3 May 2025 is recorded as the council's own provision (PR1), but its "
        "postcode ME4 4TR is in Medway, outside the council's area: check the provider or "
        "the postcode."
    )


@pytest.mark.parametrize(
    "values",
    [
        {"PLACE": "U4", "PLACE_PROVIDER": "PR1"},  # fostering is placed anywhere
        {"PLACE": "K3", "PLACE_PROVIDER": "PR1"},
        {"PLACE": "K2", "PLACE_PROVIDER": "PR4"},  # not the council's own provision
        {"PLACE": "K2", "PLACE_PROVIDER": "PR1", "LS": "V3"},  # short breaks are not checked
    ],
)
def test_rule_1015_leaves_alone_what_the_validator_does_not_check(values):
    assert _found(_kent_child([_placed(derived_la=MEDWAY, **values)])) == []


def test_rule_1015_needs_the_las_ons_code():
    episode = _placed(derived_la=MEDWAY, PLACE="K2", PLACE_PROVIDER="PR1")
    assert _found(_child([episode])) == []  # the LA's ONS code is not recorded


@pytest.mark.parametrize("country", ["SCO", "WAL", "NIR"])
def test_no_urn_is_not_asked_where_the_directory_puts_the_placement_outside_england(country):
    assert _found(_kent_child([_placed(derived_la=country, URN="", PL_POST="EH1 1YZ")])) == []


def test_an_english_postcode_in_a_welsh_looking_area_still_needs_the_urn():
    # With the directory, the PL_LA it derives decides, not the postcode's letters.
    assert _found(_kent_child([_placed(derived_la=KENT, URN="", PL_POST="CF10 1AA")])) == [
        (("218",), "placement.urn")
    ]
