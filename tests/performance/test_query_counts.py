"""A constant number of queries whatever the population: every report is counted with
set-based aggregates, never one query per child. Each report is run over two populations
(4 and 40 children with every kind of record) and must issue the same queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.performance.models import Kpi
from apps.performance.selectors import breach_report, kpi_drilldown, kpi_trend, scorecard
from tests.helpers import signed_in_client
from tests.performance import builders as b

pytestmark = pytest.mark.django_db
TODAY = date(2019, 9, 2)
JULY = date(2019, 7, 1)


def populate(cast, count: int) -> None:
    teams = [cast.team_a, cast.team_b]
    providers = [cast.provider_a, cast.provider_b, None]
    for index in range(count):
        kid = b.child(
            cast.our_la,
            team=teams[index % 2],
            born=date(2002 + index % 16, 1 + index % 12, 1 + index % 28),
            uasc=index % 5 == 0,
        )
        entry = date(2018, 1, 8) + timedelta(days=11 * index)
        care = b.period(kid, entry, legal_status="V2" if index % 3 else "C2")
        for step in range(1 + index % 3):
            b.placement(
                care, entry + timedelta(days=30 * step), entry + timedelta(days=30 * step + 20)
            )
        iha = b.iha(
            kid,
            care,
            complete=entry + timedelta(days=index % 9),
            held=entry + timedelta(days=20 + index % 15),
            provider=providers[index % 3],
        )
        b.rha(
            kid,
            care,
            iha,
            due=iha.held_on + timedelta(days=180),
            held=iha.held_on + timedelta(days=170),
        )
        b.dental(kid, entry + timedelta(days=60))
        b.sdq(kid, date(2019, 4, 1) + timedelta(days=index), index % 40)
        if index % 4 == 0:
            b.history(kid, date(2019, 6, 1), cast.nurse_a)


def _queries(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        result = run()
        if hasattr(result, "rows") and hasattr(result.rows, "__iter__"):
            list(result.rows)
    return len(captured.captured_queries)


def _count_everything(cast) -> dict[str, int]:
    la = cast.our_la
    kpi = Kpi.objects.get(code="HA_IN_DATE")
    counts = {
        # The live computation (no snapshot is asked for; the pages, below, first look for
        # one: one query more, whatever the population).
        "scorecard": _queries(
            lambda: scorecard(local_authority=la, month=JULY, today=TODAY, live=True)
        ),
        "trend": _queries(lambda: kpi_trend(local_authority=la, kpi=kpi, month=JULY, today=TODAY)),
        "breaches": _queries(lambda: breach_report(local_authority=la, year=2018, today=TODAY)),
        "drilldown": _queries(
            lambda: kpi_drilldown(
                user=cast.manager, local_authority=la, kpi=kpi, month=JULY, today=TODAY
            )
        ),
    }
    for breakdown in ("team", "provider", "age_band", "legal_status"):
        counts[f"scorecard by {breakdown}"] = _queries(
            lambda breakdown=breakdown: scorecard(
                local_authority=la, month=JULY, breakdown=breakdown, today=TODAY, live=True
            )
        )
    client = signed_in_client(cast.performance_manager)
    client.get("/performance/scorecard/")  # settle the session writes of a first request
    for name, url in (
        ("scorecard page", "/performance/scorecard/?month=2019-07&breakdown=team"),
        ("breach page", "/performance/breaches/?year=2018"),
        ("trend page", "/performance/scorecard/HA_IN_DATE/?month=2019-07"),
        ("drill-down page", "/performance/scorecard/HA_IN_DATE/children/?month=2019-07"),
    ):
        counts[name] = _queries(lambda url=url: client.get(url))
    return counts


def test_the_number_of_queries_does_not_grow_with_the_population(cast):
    populate(cast, 4)
    small = _count_everything(cast)
    populate(cast, 36)
    large = _count_everything(cast)
    assert large == small
    # The whole scorecard (12 KPIs, three months each): settings, targets, KPIs, then one
    # query per table (assessments, periods of care, children, SDQs) and the transaction.
    assert small["scorecard"] <= 12
    assert small["breaches"] <= 6
