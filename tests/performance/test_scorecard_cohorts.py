"""Known-answer cohorts: for each KPI, children whose facts give figures worked out by hand
(in the comments), for July 2019, the previous month and July 2018.

The scorecard is read on 2 September 2019, so July is complete: its figures are taken on
31 July (snapshots) or over windows ending then.
"""

from datetime import date
from decimal import Decimal

import pytest

from apps.performance.models import Kpi, KpiTarget
from apps.performance.rules import Direction, Rag
from apps.performance.selectors import kpi_drilldown, kpi_trend, scorecard
from tests.performance import builders as b

pytestmark = pytest.mark.django_db

JULY = date(2019, 7, 1)
TODAY = date(2019, 9, 2)
D = Decimal


def card(cast, **kwargs):
    return scorecard(local_authority=cast.our_la, month=JULY, today=TODAY, **kwargs)


def row(scorecard_, code):
    return next(r for r in scorecard_.rows if r.kpi.code == code)


def figures(figure):
    return (figure.numerator, figure.denominator, figure.result)


# --- IHAs ---------------------------------------------------------------------------------


@pytest.fixture
def ihas(cast):
    """Entries (deadlines from apps.assessments.rules.clocks, DOMAIN.md 1):
    A 8 Jul 2019 (request due 15 Jul, IHA due 5 Aug)   request on time, not held yet
    B 7 Jan 2019 (14 Jan, 4 Feb), UASC, team B         on time, held 1 Feb
    C 4 Feb 2019 (11 Feb, 4 Mar)                       complete ON the deadline, held late
    D 4 Mar 2019 (11 Mar, 1 Apr)                       on time, held 29 Mar
    E 1 Apr 2019 (8 Apr, 1 May)                        on time, held ON the due date
    F 13 May 2019 (20 May, 11 Jun), section 20         late request, never held
    G 9 Jul 2018 (16 Jul, 6 Aug 2018)                  late request, held on time
    H 11 Feb 2019                                      declined (left out, counted apart)
    I 11 Mar 2019                                      not required
    J another LA's child                               not ours
    K 4 Jun 2018 (11 Jun, 2 Jul 2018)                  on time, held late
    """
    la, a, bb = cast.our_la, cast.team_a, cast.team_b
    kids = {}

    def make(name, entry, team=a, la=la, legal="C2", **iha_facts):
        kid = b.child(la, team=team, la_child_id=f"IHA-{name}", **iha_facts.pop("child", {}))
        care = b.period(kid, entry, legal_status=legal)
        kids[name] = (kid, b.iha(kid, care, **iha_facts))

    make("A", date(2019, 7, 8), complete=date(2019, 7, 10), child={"born": date(2016, 1, 1)})
    make(
        "B",
        date(2019, 1, 7),
        team=bb,
        complete=date(2019, 1, 9),
        held=date(2019, 2, 1),
        provider=cast.provider_a,
        child={"uasc": True},
    )
    make(
        "C",
        date(2019, 2, 4),
        complete=date(2019, 2, 11),
        held=date(2019, 3, 6),
        provider=cast.provider_a,
    )
    make(
        "D",
        date(2019, 3, 4),
        complete=date(2019, 3, 5),
        held=date(2019, 3, 29),
        provider=cast.provider_a,
    )
    make("E", date(2019, 4, 1), complete=date(2019, 4, 2), held=date(2019, 5, 1))
    make("F", date(2019, 5, 13), complete=date(2019, 5, 22), legal="V2")
    make("G", date(2018, 7, 9), complete=date(2018, 7, 18), held=date(2018, 8, 3))
    make("H", date(2019, 2, 11), declined=date(2019, 2, 20))
    make("I", date(2019, 3, 11), not_required="RECENT_ASSESSMENT")
    make(
        "J",
        date(2019, 3, 11),
        team=cast.other_team,
        la=cast.other_la,
        complete=date(2019, 3, 12),
        held=date(2019, 3, 20),
    )
    make("K", date(2018, 6, 4), complete=date(2018, 6, 5), held=date(2018, 7, 10))
    return kids


def test_iha_requests_within_5_working_days(cast, ihas):
    r = row(card(cast), "IHA_REQUEST_5WD")
    # Aug 2018-Jul 2019: A B C D E on time, F late.
    assert figures(r.current) == (5, 6, D("83.3"))
    assert r.rag == Rag.AMBER  # between the floor 80 and the target 90
    # Jul 2018-Jun 2019: B C D E on time; F and G late.
    assert figures(r.previous) == (4, 6, D("66.7"))
    # Aug 2017-Jul 2018: K on time, G late.
    assert figures(r.year_ago) == (1, 2, D("50.0"))
    assert r.direction == Direction.IMPROVING
    assert (r.target, r.floor) == (D(90), D(80))


def test_ihas_held_within_20_working_days_counts_ihas_due_in_the_window(cast, ihas):
    r = row(card(cast), "IHA_HELD_20WD")
    # Due Aug 2018-Jul 2019: G B D E in time, C late, F never held (A is due in August).
    assert figures(r.current) == (4, 6, D("66.7"))
    assert r.rag == Rag.RED  # below the floor 75
    # Due Jul 2018-Jun 2019: as above plus K (due 2 Jul 2018, held late).
    assert figures(r.previous) == (4, 7, D("57.1"))
    assert figures(r.year_ago) == (0, 1, D("0.0"))
    assert r.direction == Direction.IMPROVING


def test_declined_ihas_are_reported_apart_for_information(cast, ihas):
    r = row(card(cast), "IHA_DECLINED")
    # Entries A B C D E F H (I is not required): H declined.
    assert figures(r.current) == (1, 7, D("14.3"))
    assert r.rag is None  # activity only
    assert figures(r.previous) == (1, 7, D("14.3"))
    assert r.direction == Direction.SAME


def test_uasc_included_excluded_and_only_with_the_difference(cast, ihas):
    r = row(card(cast), "IHA_REQUEST_5WD")
    assert figures(r.uasc.including) == (5, 6, D("83.3"))
    assert figures(r.uasc.excluding) == (4, 5, D("80.0"))
    assert figures(r.uasc.uasc_only) == (1, 1, D("100.0"))
    # Excluding minus including (the published convention): 80.0 - 83.3.
    assert r.uasc.difference == D("-3.3")

    excluded = row(card(cast, uasc="exclude"), "IHA_REQUEST_5WD")
    assert figures(excluded.current) == (4, 5, D("80.0"))
    assert excluded.rag == Rag.AMBER  # the floor itself is amber
    only = row(card(cast, uasc="only"), "IHA_REQUEST_5WD")
    assert figures(only.current) == (1, 1, D("100.0"))
    assert only.rag is None  # fewer than 5


def _breakdown(scorecard_, code):
    return {g.key: (figures(g.figure), g.label, g.rag) for g in row(scorecard_, code).breakdown}


def test_breakdown_by_team(cast, ihas):
    groups = _breakdown(card(cast, breakdown="team"), "IHA_REQUEST_5WD")
    assert groups == {
        str(cast.team_a.pk): ((4, 5, D("80.0")), "North", Rag.AMBER),
        str(cast.team_b.pk): ((1, 1, D("100.0")), "East", None),
    }


def test_breakdown_by_age_band_on_entry(cast, ihas):
    # A was born 1 January 2016 (3 on entry); the others 1 June 2010 (8).
    groups = _breakdown(card(cast, breakdown="age_band"), "IHA_REQUEST_5WD")
    assert groups == {
        "0-4": ((1, 1, D("100.0")), "0-4", None),
        "5-9": ((4, 5, D("80.0")), "5-9", Rag.AMBER),
    }


def test_breakdown_by_legal_status(cast, ihas):
    groups = _breakdown(card(cast, breakdown="legal_status"), "IHA_REQUEST_5WD")
    assert groups == {
        "care_order": ((5, 5, D("100.0")), "Care order", Rag.GREEN),
        "section_20": ((0, 1, D("0.0")), "Section 20 (accommodated)", None),
    }


def test_breakdown_by_provider(cast, ihas):
    groups = _breakdown(card(cast, breakdown="provider"), "IHA_REQUEST_5WD")
    assert groups == {
        "RYY": ((3, 3, D("100.0")), "Provider A", None),
        "none": ((2, 3, D("66.7")), "Not recorded", None),
    }


def test_breakdown_groups_add_up_to_the_figure(cast, ihas):
    for breakdown in ("team", "provider", "age_band", "legal_status"):
        for r in card(cast, breakdown=breakdown).rows:
            if not r.has_data or r.kpi.unit != "PERCENT":
                continue
            assert sum(g.figure.denominator for g in r.breakdown) == r.current.denominator
            assert sum(g.figure.numerator for g in r.breakdown) == r.current.numerator


def _refs(drilldown):
    return sorted(r["la_child_id"] for r in drilldown.rows)


def test_drilldown_lists_the_children_behind_each_figure(cast, ihas):
    kpi = Kpi.objects.get(code="IHA_REQUEST_5WD")

    def listed(which, user=cast.performance_manager, **kwargs):
        return kpi_drilldown(
            user=user,
            local_authority=cast.our_la,
            kpi=kpi,
            month=JULY,
            which=which,
            today=TODAY,
            **kwargs,
        )

    assert _refs(listed("denominator")) == [f"IHA-{n}" for n in "ABCDEF"]
    assert _refs(listed("numerator")) == [f"IHA-{n}" for n in "ABCDE"]
    assert _refs(listed("not_met")) == ["IHA-F"]
    # A group of a breakdown: team B.
    team_b = listed("denominator", breakdown="team", group=str(cast.team_b.pk))
    assert _refs(team_b) == ["IHA-B"]
    assert _refs(listed("denominator", breakdown="legal_status", group="section_20")) == ["IHA-F"]
    assert _refs(listed("denominator", breakdown="age_band", group="0-4")) == ["IHA-A"]
    assert _refs(listed("denominator", breakdown="provider", group="RYY")) == [
        "IHA-B",
        "IHA-C",
        "IHA-D",
    ]
    # The team manager of team A sees only team A's children, and the total says more exist.
    mine = listed("denominator", user=cast.manager)
    assert _refs(mine) == [f"IHA-{n}" for n in "ACDEF"]
    assert mine.total == 6


def test_la_specific_targets_in_force_on_the_reporting_date(cast, ihas):
    kpi = Kpi.objects.get(code="IHA_REQUEST_5WD")
    KpiTarget.objects.create(
        kpi=kpi, local_authority=cast.our_la, effective_from=date(2019, 7, 1), target=80, floor=70
    )
    KpiTarget.objects.create(
        kpi=kpi, local_authority=cast.our_la, effective_from=date(2019, 8, 1), target=95, floor=94
    )
    KpiTarget.objects.create(
        kpi=kpi, local_authority=cast.other_la, effective_from=date(2019, 1, 1), target=99, floor=98
    )
    r = row(card(cast), "IHA_REQUEST_5WD")
    assert (r.target, r.floor) == (D(80), D(70))
    assert r.rag == Rag.GREEN  # 83.3 meets the LA's own target of 80


def test_trend_has_twelve_months_each_against_its_target(cast, ihas):
    kpi = Kpi.objects.get(code="IHA_REQUEST_5WD")
    points = kpi_trend(local_authority=cast.our_la, kpi=kpi, month=JULY, today=TODAY)
    assert [p.month for p in points][0] == date(2018, 8, 1)
    assert [p.month for p in points][-1] == JULY
    assert figures(points[-1].figure) == (5, 6, D("83.3"))
    assert figures(points[-2].figure) == (4, 6, D("66.7"))
    assert points[-1].rag == Rag.AMBER
    # August 2018: Sep 2017-Aug 2018 holds G (late) and K (on time).
    assert figures(points[0].figure) == (1, 2, D("50.0"))


# --- Health assessments in date -----------------------------------------------------------


@pytest.fixture
def assessments_in_date(cast):
    """Snapshots 31 Jul 2019, 30 Jun 2019 and 31 Jul 2018 (in date = no IHA/RHA overdue):
    P1 in since Jan 2018, every clock met               in date at all three
    P2 in since Jan 2018, RHA due 30 Jan 2019 not held   out, out, in
       (and a second overdue RHA: still one child)
    P3 under 5, in since Sep 2018, RHA due 20 Mar 2019
       held 15 Jul                                       in, out, not in care
    P4 entered 15 Jul 2019 (IHA due 12 Aug)              too new on 31 Jul
    P5 entered 3 Jun 2019, IHA due 1 Jul not held         out; too new on 30 Jun
    P6 in 2017 to 10 Jul 2019, RHA due 10 May 2019 open   left; out; in
    P7 IHA declined                                      in date at all three
    P8 another LA's child with an overdue IHA            not ours
    P9 UASC, in since Jan 2019, IHA held                 in, in, not in care
    """
    la, team = cast.our_la, cast.team_a

    def make(name, entry, end=None, born=date(2010, 6, 1), uasc=False, la=la):
        kid = b.child(la, team=team, born=born, uasc=uasc, la_child_id=f"HA-{name}")
        return kid, b.period(kid, entry, end)

    kid, care = make("P1", date(2018, 1, 8))
    iha = b.iha(kid, care, held=date(2018, 1, 30))
    rha = b.rha(kid, care, iha, due=date(2019, 1, 30), held=date(2019, 1, 20))
    b.rha(kid, care, rha, due=date(2020, 1, 20))

    kid, care = make("P2", date(2018, 1, 8))
    iha = b.iha(kid, care, held=date(2018, 1, 30))
    b.rha(kid, care, iha, due=date(2019, 1, 30))
    b.rha(kid, care, iha, due=date(2019, 2, 15))

    kid, care = make("P3", date(2018, 9, 3), born=date(2016, 3, 1))
    iha = b.iha(kid, care, held=date(2018, 9, 20))
    b.rha(kid, care, iha, due=date(2019, 3, 20), held=date(2019, 7, 15))

    kid, care = make("P4", date(2019, 7, 15))
    b.iha(kid, care)

    kid, care = make("P5", date(2019, 6, 3))
    b.iha(kid, care)

    kid, care = make("P6", date(2017, 5, 1), end=date(2019, 7, 10))
    iha = b.iha(kid, care, held=date(2017, 5, 20))
    rha = b.rha(kid, care, iha, due=date(2018, 5, 20), held=date(2018, 5, 10))
    b.rha(kid, care, rha, due=date(2019, 5, 10))

    kid, care = make("P7", date(2018, 2, 5))
    b.iha(kid, care, declined=date(2018, 2, 20))

    kid, care = make("P8", date(2018, 1, 8), la=cast.other_la)
    b.iha(kid, care)

    kid, care = make("P9", date(2019, 1, 7), uasc=True)
    b.iha(kid, care, held=date(2019, 1, 25))


def test_health_assessments_in_date(cast, assessments_in_date):
    r = row(card(cast), "HA_IN_DATE")
    assert figures(r.current) == (4, 6, D("66.7"))  # P1 P3 P7 P9 of P1 P2 P3 P5 P7 P9
    assert r.rag == Rag.RED
    assert figures(r.previous) == (3, 6, D("50.0"))  # P1 P7 P9 of P1 P2 P3 P6 P7 P9
    assert figures(r.year_ago) == (4, 4, D("100.0"))  # P1 P2 P6 P7
    assert r.direction == Direction.IMPROVING
    assert figures(r.uasc.excluding) == (3, 5, D("60.0"))


def test_health_assessments_drilldown_matches_the_counts(cast, assessments_in_date):
    kpi = Kpi.objects.get(code="HA_IN_DATE")
    for which, expected in (
        ("denominator", ["P1", "P2", "P3", "P5", "P7", "P9"]),
        ("numerator", ["P1", "P3", "P7", "P9"]),
        ("not_met", ["P2", "P5"]),
    ):
        listed = kpi_drilldown(
            user=cast.performance_manager,
            local_authority=cast.our_la,
            kpi=kpi,
            month=JULY,
            which=which,
            today=TODAY,
        )
        assert _refs(listed) == [f"HA-{name}" for name in expected]


def test_health_assessments_trend_uses_each_month_end(cast, assessments_in_date):
    kpi = Kpi.objects.get(code="HA_IN_DATE")
    points = {
        p.month: p for p in kpi_trend(local_authority=cast.our_la, kpi=kpi, month=JULY, today=TODAY)
    }
    assert figures(points[JULY].figure) == (4, 6, D("66.7"))
    assert figures(points[date(2019, 6, 1)].figure) == (3, 6, D("50.0"))


# --- Dental -------------------------------------------------------------------------------


@pytest.fixture
def dental_checks(cast):
    """31 Jul 2019 / 30 Jun 2019 / 31 Jul 2018:
    D1 check 1 Aug 2018                 in, in, out (none yet, first was due 2017)
    D2 check 30 Jul 2018                out, in, in
    D3 check 31 Jul 2018 (due 31 Jul 2019, in date ON the day)   in, in, in
    D4 entered 1 May 2019, no check (first due 1 Aug)   in, in, -
    D5 entered 30 Apr 2019, no check (first due 30 Jul)  out, in, -
    D6 back in care 1 Jun 2019, last check 2017          out, out, -
    D7 in since 2018, first check 5 Aug 2019             out, out, out
    """
    la, team = cast.our_la, cast.team_a

    def make(name, entry, check=None):
        kid = b.child(la, team=team, la_child_id=f"DEN-{name}")
        b.period(kid, entry)
        if check:
            b.dental(kid, check)
        return kid

    make("D1", date(2017, 1, 1), date(2018, 8, 1))
    make("D2", date(2017, 1, 1), date(2018, 7, 30))
    make("D3", date(2017, 1, 1), date(2018, 7, 31))
    make("D4", date(2019, 5, 1))
    make("D5", date(2019, 4, 30))
    kid = b.child(la, team=team, la_child_id="DEN-D6")
    b.period(kid, date(2016, 6, 1), date(2017, 6, 1))
    b.period(kid, date(2019, 6, 1))
    b.dental(kid, date(2017, 1, 1))
    make("D7", date(2018, 1, 1), date(2019, 8, 5))


def test_dental_checks_in_date(cast, dental_checks):
    r = row(card(cast), "DENTAL_IN_DATE")
    assert figures(r.current) == (3, 7, D("42.9"))
    assert r.rag == Rag.RED
    assert figures(r.previous) == (5, 7, D("71.4"))
    assert figures(r.year_ago) == (2, 4, D("50.0"))
    assert r.direction == Direction.WORSENING


# --- Turned 18 ----------------------------------------------------------------------------


@pytest.fixture
def care_leavers(cast):
    la, team, writer = cast.our_la, cast.team_a, cast.nurse_a

    def make(name, born, start=date(2015, 1, 1), end=None, given=None, la=la):
        kid = b.child(la, team=team, born=born, la_child_id=f"Y-{name}")
        b.period(kid, start, end)
        if given:
            b.history(kid, given, writer)

    make("Y1", date(2001, 7, 10), end=date(2019, 7, 10), given=date(2019, 6, 1))  # yes
    make("Y2", date(2001, 7, 31))  # no history
    make("Y3", date(2001, 7, 1), given=date(2019, 7, 20))  # yes, after the birthday
    make("Y4", date(2001, 8, 1), given=date(2019, 6, 1))  # turns 18 in August
    make("Y5", date(2001, 6, 30), end=date(2019, 6, 30), given=date(2019, 6, 15))  # June
    make("Y6", date(2001, 7, 15), end=date(2018, 12, 1))  # left care at 17
    make("Y7", date(2001, 7, 20), given=date(2019, 8, 2))  # after the month end
    make("Y8", date(2001, 7, 5), la=cast.other_la)  # not ours
    make("Y9", date(2001, 7, 25), given=date(2019, 7, 1))  # yes


def test_turned_18_in_month_with_health_history(cast, care_leavers):
    r = row(card(cast), "HEALTH_HISTORY_18")
    assert figures(r.current) == (3, 5, D("60.0"))  # Y1 Y3 Y9 of Y1 Y2 Y3 Y7 Y9
    assert r.rag == Rag.RED
    assert figures(r.previous) == (1, 1, D("100.0"))  # Y5
    assert figures(r.year_ago) == (0, 0, None)
    assert r.direction == Direction.WORSENING


def test_born_on_29_february_is_counted_in_march_of_a_common_year(cast):
    kid = b.child(cast.our_la, team=cast.team_a, born=date(2000, 2, 29))
    b.period(kid, date(2012, 1, 1))
    march = scorecard(local_authority=cast.our_la, month=date(2018, 3, 1), today=TODAY)
    february = scorecard(local_authority=cast.our_la, month=date(2018, 2, 1), today=TODAY)
    assert row(march, "HEALTH_HISTORY_18").current.denominator == 1
    assert row(february, "HEALTH_HISTORY_18").current.denominator == 0


# --- RHAs by age band ---------------------------------------------------------------------


@pytest.fixture
def reviews(cast):
    la, team = cast.our_la, cast.team_a
    young = b.child(la, team=team, born=date(2016, 1, 1), la_child_id="R-young")
    young_care = b.period(young, date(2017, 1, 2))
    young_iha = b.iha(young, young_care, held=date(2017, 1, 20))
    older = b.child(la, team=team, born=date(2010, 6, 1), la_child_id="R-older")
    older_care = b.period(older, date(2017, 1, 2))
    older_iha = b.iha(older, older_care, held=date(2017, 1, 20))
    birthday = b.child(la, team=team, born=date(2014, 7, 10), la_child_id="R-birthday")
    birthday_care = b.period(birthday, date(2017, 1, 2))
    birthday_iha = b.iha(birthday, birthday_care, held=date(2017, 1, 20))

    def review(kid, care, previous, due, **facts):
        return b.rha(kid, care, previous, due=due, start=date(2018, 7, 1), **facts)

    # Under 5 on the due date.
    review(young, young_care, young_iha, date(2019, 7, 5), held=date(2019, 7, 5))  # met
    review(young, young_care, young_iha, date(2019, 7, 20), held=date(2019, 7, 25))  # late
    review(young, young_care, young_iha, date(2019, 7, 31))  # not held
    review(young, young_care, young_iha, date(2019, 7, 12), held=date(2019, 7, 10))  # met
    review(young, young_care, young_iha, date(2019, 8, 1))  # due in August
    review(young, young_care, young_iha, date(2019, 6, 15), held=date(2019, 6, 14))  # Q1
    # The day before the 5th birthday is 0-5; the birthday itself is 5-18.
    review(birthday, birthday_care, birthday_iha, date(2019, 7, 9), held=date(2019, 7, 1))
    review(birthday, birthday_care, birthday_iha, date(2019, 7, 10), held=date(2019, 7, 1))
    # 5 and over.
    review(older, older_care, older_iha, date(2019, 7, 15), held=date(2019, 7, 15))
    review(older, older_care, older_iha, date(2019, 7, 16), not_required="AGED_18")
    review(older, older_care, older_iha, date(2019, 7, 17), declined=date(2019, 7, 16))
    review(older, older_care, older_iha, date(2019, 7, 18), held=date(2019, 7, 2))
    review(older, older_care, older_iha, date(2019, 7, 19), held=date(2019, 7, 3))
    review(older, older_care, older_iha, date(2019, 7, 22), held=date(2019, 7, 30))  # late


def test_rhas_held_by_due_date_by_age_band(cast, reviews):
    scorecard_ = card(cast)
    under_5 = row(scorecard_, "RHA_BY_DUE_0_5")
    # July (the quarter to date): 5 Jul, 9 Jul (birthday eve), 12 Jul met; 20 Jul late; 31 Jul not held.
    assert figures(under_5.current) == (3, 5, D("60.0"))
    assert under_5.rag == Rag.RED
    assert figures(under_5.previous) == (1, 1, D("100.0"))  # April-June: 15 Jun
    assert figures(under_5.year_ago) == (0, 0, None)
    assert under_5.direction == Direction.WORSENING
    over_5 = row(scorecard_, "RHA_BY_DUE_5_18")
    # 10 Jul (birthday), 15, 18, 19 Jul met; 22 Jul late; not required and declined left out.
    assert figures(over_5.current) == (4, 5, D("80.0"))
    assert over_5.rag == Rag.RED
    assert figures(over_5.previous) == (0, 0, None)
    assert over_5.direction is None


# --- SDQ ----------------------------------------------------------------------------------


def test_average_sdq_since_1_april(cast):
    kid = b.child(cast.our_la, team=cast.team_a)
    other = b.child(cast.other_la, team=cast.other_team)
    for day, score in (
        (date(2019, 4, 1), 10),
        (date(2019, 5, 15), 20),
        (date(2019, 6, 10), 11),
        (date(2019, 7, 31), 15),
        (date(2019, 3, 31), 30),  # the previous year
        (date(2019, 8, 1), 40),  # after July
        (date(2018, 6, 1), 12),  # last year
    ):
        b.sdq(kid, day, score)
    b.sdq(kid, date(2019, 5, 1), None, reason="SDQ2")  # not completed: no score
    b.sdq(other, date(2019, 5, 1), 5)
    r = row(card(cast), "SDQ_AVERAGE")
    assert figures(r.current) == (56, 4, D("14.0"))
    assert r.rag is None  # no target
    assert figures(r.previous) == (41, 3, D("13.7"))
    assert figures(r.year_ago) == (12, 1, D("12.0"))
    assert r.direction == Direction.WORSENING  # lower is better


# --- Placement stability ------------------------------------------------------------------


def test_three_or_more_placements_in_the_last_12_months(cast):
    la, team = cast.our_la, cast.team_a

    def make(name, entry, starts, end=None):
        kid = b.child(la, team=team, la_child_id=f"S-{name}")
        care = b.period(kid, entry, end)
        for index, start in enumerate(starts):
            last = index == len(starts) - 1
            b.placement(
                care, start, None if last and end is None else (end if last else starts[index + 1])
            )

    make("S1", date(2018, 9, 1), [date(2018, 9, 1), date(2019, 1, 1), date(2019, 6, 1)])
    # The first placement starts exactly 12 months before 31 July 2019: not in the window.
    make("S2", date(2018, 7, 31), [date(2018, 7, 31), date(2018, 10, 1), date(2019, 2, 1)])
    make(
        "S3",
        date(2018, 8, 1),
        [date(2018, 8, 1), date(2018, 11, 1), date(2019, 3, 1), date(2019, 7, 15)],
    )
    make("S4", date(2017, 1, 1), [date(2017, 1, 1)])
    make(
        "S5",
        date(2018, 12, 1),
        [date(2018, 12, 1), date(2019, 2, 1), date(2019, 5, 1)],
        end=date(2019, 7, 1),
    )
    make("S6", date(2019, 1, 1), [date(2019, 1, 1)])
    make("S7", date(2019, 1, 1), [date(2019, 1, 1)])
    r = row(card(cast), "PLACEMENTS_3PLUS")
    assert figures(r.current) == (2, 6, D("33.3"))  # S1 S3
    assert r.rag == Rag.RED  # lower is better: above the floor of 12%
    assert figures(r.previous) == (4, 7, D("57.1"))  # S1 S2 S3 S5
    assert figures(r.year_ago) == (0, 2, D("0.0"))  # S2 S4 in care on 31 July 2018
    assert r.direction == Direction.IMPROVING


# --- Adoption -----------------------------------------------------------------------------


def test_adoption_kpis_come_from_the_adoption_cases(cast):
    """Days entry -> moved in, and placement order -> match, for children whose later
    milestone falls in the 12 months to July 2019 (the measures of apps.adoption)."""
    from apps.adoption.models import AdoptionCase
    from tests.factories import ChildFactory, PeriodOfCareFactory

    child = ChildFactory(
        responsible_la=cast.our_la, team=cast.team_a, date_of_birth=date(2017, 1, 1)
    )
    PeriodOfCareFactory(child=child, start_date=date(2018, 1, 2))
    AdoptionCase.objects.create(
        child=child,
        adoption_plan_on=date(2018, 3, 1),
        adm_decision_on=date(2018, 4, 2),
        placement_order_on=date(2018, 6, 1),
        match_decision_on=date(2018, 10, 1),
        moved_in_on=date(2018, 11, 1),
    )
    other_la_child = ChildFactory(
        responsible_la=cast.other_la, team=cast.other_team, date_of_birth=date(2017, 1, 1)
    )
    PeriodOfCareFactory(child=other_la_child, start_date=date(2018, 1, 2))
    AdoptionCase.objects.create(
        child=other_la_child,
        adoption_plan_on=date(2018, 3, 1),
        adm_decision_on=date(2018, 4, 2),
        match_decision_on=date(2018, 10, 1),
        moved_in_on=date(2018, 11, 1),
    )
    scorecard_ = card(cast)
    moved_in = row(scorecard_, "ADOPTION_ENTRY_TO_MOVED_IN")
    assert (moved_in.current.numerator, moved_in.current.denominator) == (
        303,
        1,
    )  # 2 Jan to 1 Nov 2018
    to_match = row(scorecard_, "ADOPTION_PO_TO_MATCH")
    assert (to_match.current.numerator, to_match.current.denominator) == (
        122,
        1,
    )  # 1 Jun to 1 Oct 2018
    assert to_match.rag is None  # fewer than 5 children


def test_other_las_children_placed_here_are_not_counted(cast):
    """DOMAIN.md 6: an OLA child living in our area is its own LA's KPI."""
    kid = b.child(cast.other_la, team=cast.other_team)
    care = b.period(kid, date(2019, 3, 4))
    b.placement(care, date(2019, 3, 4), area=cast.our_la)
    b.iha(kid, care, complete=date(2019, 3, 5), held=date(2019, 3, 20))
    scorecard_ = card(cast)
    for code in ("IHA_REQUEST_5WD", "IHA_HELD_20WD", "HA_IN_DATE", "DENTAL_IN_DATE"):
        assert row(scorecard_, code).current.denominator == 0


def test_health_assessments_by_age_band_count_failures_in_their_group(cast, assessments_in_date):
    # P3 was 3 on 31 July 2019 and in date; P1 P2 P5 P7 P9 were 9 (P2 and P5 out of date).
    groups = _breakdown(card(cast, breakdown="age_band"), "HA_IN_DATE")
    assert groups == {
        "0-4": ((1, 1, D("100.0")), "0-4", None),
        "5-9": ((3, 5, D("60.0")), "5-9", Rag.RED),
    }


@pytest.mark.parametrize("breakdown", ["team", "provider", "age_band", "legal_status"])
def test_every_breakdown_of_every_kpi_adds_up(
    cast, ihas, assessments_in_date, dental_checks, care_leavers, reviews, breakdown
):
    plain = {r.kpi.code: r for r in card(cast).rows}
    for r in card(cast, breakdown=breakdown).rows:
        assert figures(r.current) == figures(plain[r.kpi.code].current)
        assert figures(r.previous) == figures(plain[r.kpi.code].previous)
        if not r.has_data or r.kpi.unit != "PERCENT":
            continue
        assert sum(g.figure.denominator for g in r.breakdown) == r.current.denominator
        assert sum(g.figure.numerator for g in r.breakdown) == r.current.numerator
        kpi = r.kpi
        for group in r.breakdown:
            listed = kpi_drilldown(
                user=cast.performance_manager,
                local_authority=cast.our_la,
                kpi=kpi,
                month=JULY,
                which="numerator",
                breakdown=breakdown,
                group=group.key,
                today=TODAY,
            )
            # The children listed behind a group's numerator are exactly as many as it says.
            assert listed.rows.count() == group.figure.numerator, (kpi.code, group)


def test_the_month_in_progress_counts_up_to_yesterday(cast):
    """On 17 September 2019 the September scorecard is taken on the 16th."""
    for name, entry, complete in (
        ("a", date(2019, 8, 20), date(2019, 8, 21)),  # August: in both windows
        ("b", date(2019, 9, 2), date(2019, 9, 3)),  # this month, on time
        ("c", date(2019, 9, 16), None),  # yesterday: request not in yet
        ("d", date(2019, 9, 17), date(2019, 9, 17)),  # today: not yet counted
    ):
        kid = b.child(cast.our_la, team=cast.team_a, la_child_id=f"NOW-{name}")
        b.iha(kid, b.period(kid, entry), complete=complete)
    today = date(2019, 9, 17)
    september = scorecard(local_authority=cast.our_la, month=date(2019, 9, 1), today=today)
    assert september.is_provisional and september.as_at == date(2019, 9, 16)
    r = row(september, "IHA_REQUEST_5WD")
    assert figures(r.current) == (2, 3, D("66.7"))
    assert figures(r.previous) == (1, 1, D("100.0"))
    assert r.window.end == date(2019, 9, 16)
    kpi = Kpi.objects.get(code="IHA_REQUEST_5WD")
    points = kpi_trend(local_authority=cast.our_la, kpi=kpi, month=date(2019, 9, 1), today=today)
    assert figures(points[-1].figure) == (2, 3, D("66.7"))
