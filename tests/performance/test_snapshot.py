"""The scorecard snapshot (issue 18): the stored figures of a month are exactly the live
computation's, for every KPI, every breakdown and every UASC option, on the published Kent
cohorts (the 2018/19 quarterly tables, tests/performance/fixtures) and on the known-answer
cohorts of test_scorecard_cohorts; the pages read them (saying when they were computed),
fall back to live figures (and say so) when a month has none for today, and their query
count does not grow with the population."""

import csv
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.performance.measures import MEASURES
from apps.performance.models import Kpi, ScorecardFigure, ScorecardSnapshot
from apps.performance.rules import shift_month
from apps.performance.selectors import BREAKDOWNS, UASC_OPTIONS, kpi_trend, scorecard
from apps.performance.snapshots import nightly_months, scorecard_snapshot_build
from apps.performance.tasks import build_scorecard_snapshots_nightly
from tests.helpers import signed_in_client
from tests.performance.test_breach_report import kent  # noqa: F401 - the Kent cohort fixture
from tests.performance.test_query_counts import populate
from tests.performance.test_scorecard_cohorts import (  # noqa: F401 - cohort fixtures
    assessments_in_date,
    care_leavers,
    dental_checks,
    ihas,
    reviews,
)

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures"
IHA_ROWS = list(csv.DictReader((FIXTURES / "kent_iha_2018_19.csv").open()))
RHA_ROWS = list(csv.DictReader((FIXTURES / "kent_rha_2018_19.csv").open()))
KENT_TODAY = date(2020, 1, 15)
# The last month of each quarter of 2018/19, and a month inside one.
KENT_MONTHS = [date(2018, 6, 1), date(2018, 9, 1), date(2018, 11, 1), date(2019, 3, 1)]
JULY = date(2019, 7, 1)
TODAY = date(2019, 9, 2)


def _build(la, months, today):
    wanted = set()
    for month in months:
        wanted |= {month, shift_month(month, -1), shift_month(month, -12)}
        wanted |= {shift_month(month, -offset) for offset in range(12)}
    return scorecard_snapshot_build(local_authority=la, months=sorted(wanted), today=today)


def _assert_snapshot_is_live(la, month, today):
    """Every figure of the scorecard (each UASC option, no breakdown and each breakdown)
    and of each KPI's trend, from the snapshot and live, compared whole."""
    for uasc in UASC_OPTIONS:
        for breakdown in [None, *BREAKDOWNS]:
            stored = scorecard(
                local_authority=la, month=month, uasc=uasc, breakdown=breakdown, today=today
            )
            live = scorecard(
                local_authority=la,
                month=month,
                uasc=uasc,
                breakdown=breakdown,
                today=today,
                live=True,
            )
            assert stored.computed_at is not None, "read from the snapshot"
            assert live.computed_at is None
            assert stored.as_at == live.as_at
            for got, expected in zip(stored.rows, live.rows, strict=True):
                assert got == expected, (month, uasc, breakdown, got.kpi.code)
        for kpi in Kpi.objects.filter(is_active=True):
            stored_trend = kpi_trend(
                local_authority=la, kpi=kpi, month=month, uasc=uasc, today=today
            )
            live_trend = kpi_trend(
                local_authority=la, kpi=kpi, month=month, uasc=uasc, today=today, live=True
            )
            assert list(stored_trend) == list(live_trend), (month, uasc, kpi.code)
            assert stored_trend.computed_at is not None, kpi.code
            assert live_trend.computed_at is None


@pytest.mark.usefixtures("kent")
def test_snapshot_equals_live_on_the_published_kent_cohort(cast):
    _build(cast.our_la, KENT_MONTHS, KENT_TODAY)
    for month in KENT_MONTHS:
        _assert_snapshot_is_live(cast.our_la, month, KENT_TODAY)


@pytest.mark.usefixtures("kent")
def test_snapshot_gives_the_published_kent_quarters(cast):
    """The quarter's RHAs by due date (RHA_BY_DUE_*, period Q) in the last month of each
    quarter are the published rows; IHAs held within 20 working days over the year (R12M
    to March 2019) are the four quarters' sum."""
    _build(cast.our_la, KENT_MONTHS, KENT_TODAY)
    by_quarter = {"Q1": date(2018, 6, 1), "Q2": date(2018, 9, 1), "Q4": date(2019, 3, 1)}
    codes = {"0-5": "RHA_BY_DUE_0_5", "5-18": "RHA_BY_DUE_5_18"}
    checked = 0
    for published in RHA_ROWS:
        month = by_quarter.get(published["period"])
        if month is None:
            continue
        card = scorecard(local_authority=cast.our_la, month=month, today=KENT_TODAY)
        assert card.computed_at is not None
        row = next(r for r in card.rows if r.kpi.code == codes[published["age_band"]])
        assert (row.current.numerator, row.current.denominator) == (
            int(published["within_timescale"]),
            int(published["due"]),
        )
        checked += 1
    assert checked
    march = scorecard(local_authority=cast.our_la, month=date(2019, 3, 1), today=KENT_TODAY)
    held = next(r for r in march.rows if r.kpi.code == "IHA_HELD_20WD")
    quarters = [r for r in IHA_ROWS if r["period"].startswith("Q")]
    assert (held.current.numerator, held.current.denominator) == (
        sum(int(r["within_timescale"]) for r in quarters),
        sum(int(r["requiring_iha"]) for r in quarters),
    )


@pytest.mark.usefixtures("ihas", "assessments_in_date", "dental_checks", "care_leavers", "reviews")
def test_snapshot_equals_live_on_the_known_answer_cohorts(cast):
    _build(cast.our_la, [JULY], TODAY)
    _assert_snapshot_is_live(cast.our_la, JULY, TODAY)


def test_snapshot_equals_live_for_the_month_in_progress(cast):
    populate(cast, 24)
    today = date(2019, 9, 17)
    september = date(2019, 9, 1)
    _build(cast.our_la, [september], today)
    assert ScorecardSnapshot.objects.get(month=september).as_at == date(2019, 9, 16)
    _assert_snapshot_is_live(cast.our_la, september, today)


def test_a_snapshot_of_the_month_in_progress_is_not_read_the_next_day(cast):
    populate(cast, 6)
    september = date(2019, 9, 1)
    _build(cast.our_la, [september], date(2019, 9, 17))
    assert (
        scorecard(local_authority=cast.our_la, month=september, today=date(2019, 9, 17))
    ).computed_at is not None
    # The next day the month's figures are taken on the 17th: yesterday's are out of date.
    later = scorecard(local_authority=cast.our_la, month=september, today=date(2019, 9, 18))
    assert later.computed_at is None
    # Nor is it passed off as the whole month once September has ended.
    assert (
        scorecard(local_authority=cast.our_la, month=september, today=date(2019, 10, 5))
    ).computed_at is None


def test_a_missing_comparison_month_means_live_figures(cast):
    populate(cast, 6)
    scorecard_snapshot_build(
        local_authority=cast.our_la, months=[JULY, shift_month(JULY, -1)], today=TODAY
    )
    # July 2018 (the year-ago column) has no snapshot.
    assert scorecard(local_authority=cast.our_la, month=JULY, today=TODAY).computed_at is None
    scorecard_snapshot_build(
        local_authority=cast.our_la, months=[shift_month(JULY, -12)], today=TODAY
    )
    assert scorecard(local_authority=cast.our_la, month=JULY, today=TODAY).computed_at


def test_a_kpi_activated_after_the_snapshot_means_live_figures(cast):
    populate(cast, 6)
    kpi = Kpi.objects.get(code="DENTAL_IN_DATE")
    kpi.is_active = False
    kpi.save()
    _build(cast.our_la, [JULY], TODAY)
    assert scorecard(local_authority=cast.our_la, month=JULY, today=TODAY).computed_at
    kpi.is_active = True
    kpi.save()
    card = scorecard(local_authority=cast.our_la, month=JULY, today=TODAY)
    assert card.computed_at is None
    assert any(r.kpi.code == "DENTAL_IN_DATE" and r.has_data for r in card.rows)


def test_rebuilding_a_month_replaces_its_figures(cast):
    populate(cast, 6)
    scorecard_snapshot_build(local_authority=cast.our_la, months=[JULY], today=TODAY)
    first = ScorecardFigure.objects.filter(snapshot__month=JULY).count()
    populate(cast, 10)
    scorecard_snapshot_build(local_authority=cast.our_la, months=[JULY], today=TODAY)
    assert ScorecardSnapshot.objects.filter(month=JULY).count() == 1
    totals = ScorecardFigure.objects.filter(snapshot__month=JULY, breakdown="")
    # Two total rows (UASC and not) per calculated active KPI, zeros included.
    calculated = [code for code, calculation in MEASURES.items() if calculation is not None]
    assert totals.count() == 2 * Kpi.objects.filter(is_active=True, code__in=calculated).count()
    assert ScorecardFigure.objects.filter(snapshot__month=JULY).count() >= first
    _build(cast.our_la, [JULY], TODAY)
    _assert_snapshot_is_live(cast.our_la, JULY, TODAY)


def test_a_build_that_started_earlier_does_not_overwrite_a_later_one(cast):
    populate(cast, 4)
    later = datetime(2019, 9, 2, 2, 10, tzinfo=UTC)
    with time_machine.travel(later, tick=False):
        scorecard_snapshot_build(local_authority=cast.our_la, months=[JULY], today=TODAY)
    with time_machine.travel(datetime(2019, 9, 2, 2, 5, tzinfo=UTC), tick=False):
        build = scorecard_snapshot_build(local_authority=cast.our_la, months=[JULY], today=TODAY)
    assert build.written == 0
    assert ScorecardSnapshot.objects.get(month=JULY).computed_at == later


def test_the_nightly_job_stores_the_months_the_default_pages_read(cast):
    populate(cast, 6)
    with time_machine.travel(datetime(2019, 9, 2, 2, 0, tzinfo=UTC), tick=False):
        written = build_scorecard_snapshots_nightly()
    stored = set(
        ScorecardSnapshot.objects.filter(local_authority=cast.our_la).values_list(
            "month", flat=True
        )
    )
    assert stored == set(nightly_months(TODAY))
    assert written >= len(stored)
    # The default month (August), its comparisons and its trend all come from them.
    august = date(2019, 8, 1)
    assert scorecard(local_authority=cast.our_la, month=august, today=TODAY).computed_at
    kpi = Kpi.objects.get(code="HA_IN_DATE")
    assert kpi_trend(local_authority=cast.our_la, kpi=kpi, month=august, today=TODAY).computed_at


def test_the_nightly_job_is_scheduled_after_the_sweep():
    from config.celery_app import app

    schedule = app.conf.beat_schedule
    nightly = schedule["scorecard-snapshots-nightly"]
    assert nightly["task"] == "apps.performance.tasks.build_scorecard_snapshots_nightly"
    sweep = schedule["sweep-clocks-nightly"]["schedule"]
    assert (min(nightly["schedule"].hour), min(nightly["schedule"].minute)) > (
        min(sweep.hour),
        min(sweep.minute),
    )


def test_the_command_builds_one_month(cast, capsys):
    populate(cast, 4)
    call_command(
        "build_scorecard_snapshot",
        "--month",
        "2019-07",
        "--la",
        cast.our_la.code,
        "--today",
        "2019-09-02",
    )
    assert "1 of 1 month(s) written" in capsys.readouterr().out
    assert ScorecardSnapshot.objects.get(local_authority=cast.our_la).month == JULY


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2019-13"], "--month: The month must be between 01 and 12."),
        ([], "Give either --month YYYY-MM or --nightly."),
        (["--month", "2019-07", "--la", "XXX"], "--la: there is no local authority"),
        (["--nightly", "--today", "2nd Sept"], "Enter --today as YYYY-MM-DD"),
    ],
)
def test_the_command_names_the_option_it_cannot_use(cast, args, message):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("build_scorecard_snapshot", *args)


# --- pages and the API --------------------------------------------------------------------


def test_the_page_says_when_its_figures_were_computed(cast):
    populate(cast, 4)
    with time_machine.travel(datetime(2019, 9, 2, 1, 10, tzinfo=UTC), tick=False):
        _build(cast.our_la, [JULY], TODAY)
    with time_machine.travel(datetime(2019, 9, 2, 9, 0, tzinfo=UTC), tick=False):
        client = signed_in_client(cast.performance_manager)
        page = client.get("/performance/scorecard/", {"month": "2019-07"}).content.decode()
        # 01:10 UTC is 02:10 in London (summer time).
        assert "Figures as at 2 September 2019, 02:10" in page
        trend = client.get("/performance/scorecard/HA_IN_DATE/", {"month": "2019-07"})
        assert "Figures as at 2 September 2019, 02:10" in trend.content.decode()
        api = client.get("/api/v1/scorecard/", {"month": "2019-07"}).json()
        assert api["computed_at"] == "2019-09-02T02:10:00+01:00"
        live = client.get("/performance/scorecard/", {"month": "2019-06"}).content.decode()
        assert "computed now" in live
        assert client.get("/api/v1/scorecard/", {"month": "2019-06"}).json()["computed_at"] is None


def test_a_performance_manager_can_ask_for_the_month_to_be_built(cast):
    populate(cast, 4)
    client = signed_in_client(cast.performance_manager)
    with time_machine.travel(datetime(2019, 9, 2, 9, 0, tzinfo=UTC), tick=False):
        response = client.post(
            "/performance/scorecard/snapshot/", {"la": cast.our_la.code, "month": "2019-07"}
        )
        assert response.status_code == 302
        assert response["Location"] == "/performance/scorecard/?la=886&month=2019-07"
        # Embedded Celery (no broker in tests) runs the build in-process: the month, the
        # months it is compared with and its trend's are stored, so both pages read them.
        page = client.get(response["Location"]).content.decode()
        assert "Figures as at 2 September 2019, 10:00" in page
        trend = client.get("/performance/scorecard/HA_IN_DATE/", {"month": "2019-07"})
        assert "Figures as at 2 September 2019, 10:00" in trend.content.decode()
        # Asked from the trend page, it goes back there; never to another site.
        for back, expected in (
            ("/performance/scorecard/HA_IN_DATE/?month=2019-07", None),
            ("https://example.org/performance/scorecard/", "/performance/scorecard/?la=886"),
        ):
            response = client.post(
                "/performance/scorecard/snapshot/",
                {"la": cast.our_la.code, "month": "2019-07", "next": back},
            )
            assert response["Location"].startswith(expected or back)


def test_the_page_offers_the_build_to_a_performance_manager_only(cast):
    populate(cast, 4)
    button = "Store the figures for July 2019"
    with time_machine.travel(datetime(2019, 9, 2, 9, 0, tzinfo=UTC), tick=False):
        url = "/performance/scorecard/?month=2019-07"
        assert button in signed_in_client(cast.performance_manager).get(url).content.decode()
        assert button not in signed_in_client(cast.manager).get(url).content.decode()
        _build(cast.our_la, [JULY], TODAY)
        assert button not in signed_in_client(cast.performance_manager).get(url).content.decode()


def test_only_a_performance_manager_may_ask_for_a_build(cast):
    for user in (cast.manager, cast.designated, cast.auditor):
        response = signed_in_client(user).post(
            "/performance/scorecard/snapshot/", {"la": cast.our_la.code, "month": "2019-07"}
        )
        assert response.status_code == 404, user
    assert not ScorecardSnapshot.objects.exists()


def test_asking_for_a_build_of_a_bad_month_names_the_field(cast):
    client = signed_in_client(cast.performance_manager)
    response = client.post(
        "/performance/scorecard/snapshot/", {"la": cast.our_la.code, "month": "July"}
    )
    assert response.status_code == 400
    assert "Enter a month as YYYY-MM" in response.content.decode()
    assert not ScorecardSnapshot.objects.exists()


# --- query count --------------------------------------------------------------------------

PAGES = {
    "scorecard": "/performance/scorecard/?month=2019-07",
    **{
        f"scorecard by {breakdown}": f"/performance/scorecard/?month=2019-07&breakdown={breakdown}"
        for breakdown in BREAKDOWNS
    },
    "scorecard excluding UASC": "/performance/scorecard/?month=2019-07&uasc=exclude",
    "KPI trend": "/performance/scorecard/HA_IN_DATE/?month=2019-07",
    "API scorecard": "/api/v1/scorecard/?month=2019-07&breakdown=team",
}


def _page_queries(cast) -> dict[str, int]:
    with time_machine.travel(datetime(2019, 9, 2, 9, 0, tzinfo=UTC), tick=False):
        _build(cast.our_la, [JULY], TODAY)
        client = signed_in_client(cast.performance_manager)
        client.get("/performance/scorecard/")  # settle the session writes of a first request
        counts = {}
        for name, url in PAGES.items():
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, name
            assert b"Figures as at" in response.content or url.startswith("/api/"), name
            counts[name] = len(captured.captured_queries)
    return counts


def test_scorecard_pages_from_the_snapshot_issue_the_same_queries_at_two_sizes(cast):
    populate(cast, 4)
    small = _page_queries(cast)
    populate(cast, 36)
    large = _page_queries(cast)
    assert large == small
    # Session, user and device, the KPIs, the snapshots, their figures, targets, labels.
    assert max(small.values()) <= 14, small
