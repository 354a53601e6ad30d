"""The quarterly breach report against Kent's published 2018/19 tables
(tests/performance/fixtures/kent_iha_2018_19.csv and kent_rha_2018_19.csv).

A synthetic cohort is built to the published counts: per quarter, IHAs (and RHAs per age
band) due in it, within timescale or breached, each breach charged to the LA or to health
(some through a manager's override, some of health's with no reason), plus rows that must
NOT count (not required, declined, another LA, due outside the year). The report must
print the published rows exactly. Every published row balances (within + LA + health =
requiring), so every row is reproduced; none had to be left out.
"""

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from apps.assessments.models import Assessment
from apps.children.models import Child, PeriodOfCare
from apps.performance.rules import quarter_window
from apps.performance.selectors import breach_drilldown, breach_report
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures"
IHA_ROWS = list(csv.DictReader((FIXTURES / "kent_iha_2018_19.csv").open()))
RHA_ROWS = list(csv.DictReader((FIXTURES / "kent_rha_2018_19.csv").open()))
TODAY = date(2020, 1, 15)
YEAR = 2018
COLUMNS = ("requiring", "within", "compliance_pct", "breaches_la", "breaches_health")


class _Cohort:
    def __init__(self, cast) -> None:
        self.cast = cast
        self.children: list[Child] = []
        self.specs: list[dict] = []
        self.no_reason = {"IHA": 0, "0-5": 0, "5-18": 0}
        self.by_provider_a = 0

    def add(self, *, kind, due, band="", outcome, la=None, **facts):
        """One child with one assessment due on ``due``. outcome: within / la / health /
        health_no_reason / la_by_override / health_by_override."""
        self.specs.append(
            {"kind": kind, "due": due, "band": band, "outcome": outcome, "la": la, **facts}
        )

    def build(self) -> None:
        cast = self.cast
        children = []
        for index, spec in enumerate(self.specs):
            years = 3 if spec["band"] == "0-5" else 10
            children.append(
                Child(
                    responsible_la=spec["la"] or cast.our_la,
                    team=cast.team_a if spec["la"] is None else cast.other_team,
                    la_child_id=f"K{index:05d}",
                    first_name="Kent",
                    last_name=f"Child{index:05d}",
                    date_of_birth=spec["due"] - timedelta(days=365 * years + 40),
                    sex="1",
                )
            )
        children = Child.objects.bulk_create(children)
        periods = PeriodOfCare.objects.bulk_create(
            [
                PeriodOfCare(
                    child=kid, start_date=spec["due"] - timedelta(days=400), legal_status="C2"
                )
                for kid, spec in zip(children, self.specs, strict=True)
            ]
        )
        # Every RHA follows an earlier assessment (long before the year).
        earlier = Assessment.objects.bulk_create(
            [
                Assessment(
                    child=kid,
                    period_of_care=care,
                    kind="IHA",
                    clock_start=care.start_date,
                    request_due=care.start_date + timedelta(days=7),
                    due_date=care.start_date + timedelta(days=28),
                    held_on=care.start_date + timedelta(days=20),
                    status="MET",
                )
                for kid, care, spec in zip(children, periods, self.specs, strict=True)
                if spec["kind"] == "RHA"
            ]
        )
        previous = iter(earlier)
        rows = []
        for index, (kid, care, spec) in enumerate(zip(children, periods, self.specs, strict=True)):
            due = spec["due"]
            row = Assessment(
                child=kid,
                period_of_care=care if spec["kind"] == "RHA" else None,
                kind=spec["kind"],
                previous=next(previous) if spec["kind"] == "RHA" else None,
                provider=self.cast.provider_a if index % 3 == 0 else self.cast.provider_b,
                clock_start=due - timedelta(days=28),
                request_due=due - timedelta(days=21),
                due_date=due,
                request_sent_on=due - timedelta(days=25),
                request_complete_on=due - timedelta(days=24),
                not_required_reason=spec.get("not_required", ""),
                declined_on=spec.get("declined"),
            )
            if spec["kind"] == "IHA":
                # One IHA per period of care: the IHA rows' own periods.
                row.period_of_care = care
            outcome = spec["outcome"]
            if outcome == "within":
                row.held_on, row.status = due - timedelta(days=1), "MET"
            else:
                row.held_on = due + timedelta(days=3) if index % 2 else None
                row.status = "BREACHED" if row.held_on else "OVERDUE"
                row.breach_party, row.breach_reason = {
                    "la": ("LA", "LATE_REQUEST"),
                    "health": ("HEALTH", "CLINICAL_CAPACITY"),
                    "health_no_reason": ("HEALTH", ""),
                    "la_by_override": ("HEALTH", ""),
                    "health_by_override": ("LA", "PLACEMENT_MOVE"),
                }[outcome]
                if outcome == "la_by_override":
                    row.override_party, row.override_reason = "LA", "WAS_NOT_BROUGHT"
                if outcome == "health_by_override":
                    row.override_party, row.override_reason = "HEALTH", "HEALTH_CANCELLED"
            if row.declined_on or row.not_required_reason:
                row.held_on, row.status = None, "DECLINED" if row.declined_on else "NOT_REQUIRED"
            if (
                spec["la"] is None
                and not spec.get("not_required")
                and not spec.get("declined")
                and row.provider_id == self.cast.provider_a.pk
                and quarter_window(YEAR, 1).start <= due <= quarter_window(YEAR, 4).end
                and spec["kind"] == "IHA"
            ):
                self.by_provider_a += 1
            rows.append(row)
        Assessment.objects.bulk_create(rows)


def _spread(window, count):
    """``count`` due dates spread over the quarter."""
    days = (window.end - window.start).days + 1
    return [window.start + timedelta(days=(i * days) // max(count, 1)) for i in range(count)]


def _outcomes(within, la, health):
    """The outcomes of one published row: some LA breaches by override of a health
    attribution, some health ones by override, one of health's with no reason."""
    outcomes = ["within"] * within
    outcomes += ["la_by_override" if i == 0 else "la" for i in range(la)]
    health_kinds = []
    for i in range(health):
        health_kinds.append(
            "health_no_reason" if i == 0 else "health_by_override" if i == 1 else "health"
        )
    return outcomes + health_kinds


@pytest.fixture
def kent(cast):
    cohort = _Cohort(cast)
    for published in IHA_ROWS:
        if published["period"] == "Year":
            continue
        quarter = int(published["period"][1])
        outcomes = _outcomes(
            int(published["within_timescale"]),
            int(published["breaches_la"]),
            int(published["breaches_health"]),
        )
        assert len(outcomes) == int(published["requiring_iha"])
        for due, outcome in zip(
            _spread(quarter_window(YEAR, quarter), len(outcomes)), outcomes, strict=True
        ):
            cohort.add(kind="IHA", due=due, outcome=outcome)
        cohort.no_reason["IHA"] += int(int(published["breaches_health"]) > 0)
    for published in RHA_ROWS:
        if published["period"] == "Year":
            continue
        quarter = int(published["period"][1])
        outcomes = _outcomes(
            int(published["within_timescale"]),
            int(published["breaches_la"]),
            int(published["breaches_health"]),
        )
        assert len(outcomes) == int(published["due"])
        band = published["age_band"]
        for due, outcome in zip(
            _spread(quarter_window(YEAR, quarter), len(outcomes)), outcomes, strict=True
        ):
            cohort.add(kind="RHA", due=due, band=band, outcome=outcome)
        cohort.no_reason[band] += int(int(published["breaches_health"]) > 0)
    # Rows that must not count anywhere.
    q1 = quarter_window(YEAR, 1).start
    cohort.add(kind="IHA", due=q1, outcome="la", not_required="LEFT_CARE")
    cohort.add(kind="IHA", due=q1, outcome="la", declined=q1 - timedelta(days=5))
    cohort.add(kind="IHA", due=q1, outcome="within", la=cast.other_la)
    cohort.add(kind="IHA", due=date(2018, 3, 31), outcome="la")  # the year before
    cohort.add(kind="IHA", due=date(2019, 4, 1), outcome="la")  # the year after
    cohort.add(kind="RHA", due=date(2019, 4, 1), band="5-18", outcome="health")
    cohort.add(kind="RHA", due=q1, band="0-5", outcome="health", not_required="AGED_18")
    cohort.build()
    return cohort


def _as_published(row):
    return (row.requiring, row.within, row.compliance_pct, row.breaches_la, row.breaches_health)


def _published(rows, key):
    return [tuple(int(r[c]) for c in key) for r in rows]


def test_iha_rows_are_printed_as_published(cast, kent):
    report = breach_report(local_authority=cast.our_la, year=YEAR, today=TODAY)
    assert [r.period for r in report.iha] == [r["period"] for r in IHA_ROWS]
    assert [_as_published(r) for r in report.iha] == _published(
        IHA_ROWS,
        ("requiring_iha", "within_timescale", "compliance_pct", "breaches_la", "breaches_health"),
    )
    # Health's breaches with no reason are their own column (one per quarter with any).
    assert report.iha[-1].no_reason == kent.no_reason["IHA"]
    assert all(r.not_attributed == 0 for r in report.iha)


@pytest.mark.parametrize("band", ["0-5", "5-18"])
def test_rha_rows_are_printed_as_published(cast, kent, band):
    report = breach_report(local_authority=cast.our_la, year=YEAR, today=TODAY)
    published = [r for r in RHA_ROWS if r["age_band"] == band]
    assert [r.period for r in report.rha[band]] == [r["period"] for r in published]
    assert [_as_published(r) for r in report.rha[band]] == _published(
        published, ("due", "within_timescale", "compliance_pct", "breaches_la", "breaches_health")
    )
    assert report.rha[band][-1].no_reason == kent.no_reason[band]


def test_provider_filter_counts_that_providers_assessments_only(cast, kent):
    report = breach_report(
        local_authority=cast.our_la, year=YEAR, provider=cast.provider_a, today=TODAY
    )
    assert report.iha[-1].requiring == kent.by_provider_a
    everyone = breach_report(local_authority=cast.our_la, year=YEAR, today=TODAY)
    other = breach_report(
        local_authority=cast.our_la, year=YEAR, provider=cast.provider_b, today=TODAY
    )
    assert report.iha[-1].requiring + other.iha[-1].requiring == everyone.iha[-1].requiring


def test_drilldown_of_a_cell_lists_its_assessments(cast, kent):
    rows, total = breach_drilldown(
        user=cast.performance_manager,
        local_authority=cast.our_la,
        year=YEAR,
        kind="IHA",
        band="",
        quarter="Q2",
        column="breaches_health",
        today=TODAY,
    )
    assert total == 9 == len(list(rows))
    assert {r["party"] for r in rows} == {"HEALTH"}
    no_reason, _ = breach_drilldown(
        user=cast.performance_manager,
        local_authority=cast.our_la,
        year=YEAR,
        kind="RHA",
        band="5-18",
        quarter="Year",
        column="no_reason",
        today=TODAY,
    )
    assert len(list(no_reason)) == kent.no_reason["5-18"]
    assert {(r["party"], r["reason"]) for r in no_reason} == {("HEALTH", "")}


def test_the_page_and_the_exports_print_the_published_rows(cast, kent):
    client = signed_in_client(cast.performance_manager)
    page = client.get("/performance/breaches/", {"year": "2018"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "April 2018 to March 2019" in text
    assert ">439<" in text and ">337<" in text and "77%" in text

    response = client.get("/performance/breaches/", {"year": "2018", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="breaches-886-2018.csv"'
    lines = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    iha = [
        (
            int(r["Requiring"]),
            int(r["Within timescale"]),
            int(r["Compliance %"]),
            int(r["Breaches LA"]),
            int(r["Breaches health"]),
        )
        for r in lines
        if r["Assessment"] == "IHA"
    ]
    assert iha == _published(
        IHA_ROWS,
        ("requiring_iha", "within_timescale", "compliance_pct", "breaches_la", "breaches_health"),
    )
    rha = [
        (
            r["Age band"],
            r["Period"],
            int(r["Requiring"]),
            int(r["Within timescale"]),
            int(r["Compliance %"]),
        )
        for r in lines
        if r["Assessment"] == "RHA"
    ]
    assert rha == [
        (
            r["age_band"],
            r["period"],
            int(r["due"]),
            int(r["within_timescale"]),
            int(r["compliance_pct"]),
        )
        for r in sorted(RHA_ROWS, key=lambda r: r["age_band"] != "0-5")
    ]

    response = client.get("/performance/breaches/", {"year": "2018", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][3:9] == (
        "Assessment",
        "Age band",
        "Period",
        "Requiring",
        "Within timescale",
        "Compliance %",
    )
    year_iha = next(v for v in values if v[3] == "IHA" and v[5] == "Year")
    assert year_iha[6:11] == (439, 337, 77, 65, 37)


def test_the_api_returns_the_same_figures(cast, kent, api):
    response = api(cast.designated).get("/api/v1/reports/breaches/", {"year": "2018"})
    assert response.status_code == 200
    body = response.json()
    assert body["label"] == "April 2018 to March 2019"
    assert [
        (r["requiring"], r["within"], r["compliance_pct"], r["breaches_la"], r["breaches_health"])
        for r in body["iha"]
    ] == _published(
        IHA_ROWS,
        ("requiring_iha", "within_timescale", "compliance_pct", "breaches_la", "breaches_health"),
    )
    bands = {b["age_band"]: b["rows"] for b in body["rha"]}
    assert [r["requiring"] for r in bands["0-5"]] == [
        int(r["due"]) for r in RHA_ROWS if r["age_band"] == "0-5"
    ]
