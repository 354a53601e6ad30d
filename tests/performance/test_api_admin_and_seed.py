"""The scorecard API gives the page's figures; the KPI definitions are seeded with DOMAIN.md
section 8's defaults and edited (with history) in the admin."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from apps.performance.models import Kpi, KpiTarget
from apps.performance.selectors import scorecard
from tests.helpers import signed_in_client
from tests.performance import builders as b

pytestmark = pytest.mark.django_db
TODAY = date(2019, 9, 2)

SECTION_8 = {
    # code: (polarity, period, target, floor)
    "IHA_REQUEST_5WD": ("H", "R12M", 90, 80),
    "IHA_HELD_20WD": ("H", "R12M", 85, 75),
    "HA_IN_DATE": ("H", "SS", 90, 85),
    "DENTAL_IN_DATE": ("H", "SS", 90, 85),
    "HEALTH_HISTORY_18": ("H", "M", 100, 90),
    "RHA_BY_DUE_0_5": ("H", "Q", 90, 85),
    "RHA_BY_DUE_5_18": ("H", "Q", 90, 85),
    "SDQ_AVERAGE": ("L", "YTD", None, None),
    "PLACEMENTS_3PLUS": ("L", "SS", 10, 12),
    "ADOPTION_ENTRY_TO_MOVED_IN": ("L", "R12M", 426, 487),
    "ADOPTION_PO_TO_MATCH": ("L", "R12M", 121, 150),
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_the_kpis_are_seeded_with_the_shipped_defaults():
    for code, (polarity, period, target, floor) in SECTION_8.items():
        kpi = Kpi.objects.get(code=code)
        assert (kpi.polarity, kpi.period_type) == (polarity, period)
        assert kpi.definition
        defaults = KpiTarget.objects.filter(kpi=kpi, local_authority__isnull=True)
        if target is None:
            assert not defaults.exists()
        else:
            assert [(d.target, d.floor) for d in defaults] == [(Decimal(target), Decimal(floor))]
    assert Kpi.objects.get(code="IHA_DECLINED").activity_only


def test_the_api_gives_the_figures_of_the_page(cast, api):
    for index, entry in enumerate([date(2019, 1, 7), date(2019, 2, 4), date(2019, 3, 4)]):
        kid = b.child(cast.our_la, team=cast.team_a, uasc=index == 0)
        # Held on 1 March, or on the day of entry for the child who entered after it (an
        # assessment is never held before entry to care: issue 13).
        b.iha(kid, b.period(kid, entry), complete=entry, held=max(entry, date(2019, 3, 1)))
    response = api(cast.performance_manager).get(
        "/api/v1/scorecard/", {"month": "2019-07", "breakdown": "team"}
    )
    assert response.status_code == 200
    body = response.json()
    expected = scorecard(
        local_authority=cast.our_la, month=date(2019, 7, 1), breakdown="team", today=TODAY
    )
    assert body["month"] == "2019-07"
    assert body["as_at"] == "2019-07-31"
    assert body["local_authority"] == {"code": "886", "name": "Kent County Council"}
    assert [k["code"] for k in body["kpis"]] == [r.kpi.code for r in expected.rows]
    iha = next(k for k in body["kpis"] if k["code"] == "IHA_REQUEST_5WD")
    assert (iha["numerator"], iha["denominator"], iha["result"]) == (3, 3, 100.0)
    assert iha["rag"] is None  # fewer than 5
    assert (iha["target"], iha["floor"]) == (90.0, 80.0)
    assert iha["window"] == {"start": "2018-08-01", "end": "2019-07-31"}
    assert iha["uasc"]["excluding"] == {"numerator": 2, "denominator": 2, "result": 100.0}
    assert iha["breakdown"] == [
        {
            "key": str(cast.team_a.pk),
            "label": "North",
            "numerator": 3,
            "denominator": 3,
            "result": 100.0,
            "rag": None,
        }
    ]
    adoption = next(k for k in body["kpis"] if k["code"] == "ADOPTION_PO_TO_MATCH")
    # No adoption cases in this cohort: counted, none found.
    assert adoption["denominator"] == 0 and adoption["result"] is None


def test_the_schema_validates(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
    text = (tmp_path / "schema.yml").read_text()
    assert "/api/v1/scorecard/" in text and "/api/v1/reports/breaches/" in text


def test_targets_are_edited_in_the_admin_with_history(cast, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pass")
    client = signed_in_client(admin)
    kpi = Kpi.objects.get(code="IHA_HELD_20WD")
    assert client.get("/admin/performance/kpi/").status_code == 200
    assert client.get(f"/admin/performance/kpi/{kpi.pk}/change/").status_code == 200
    response = client.post(
        "/admin/performance/kpitarget/add/",
        {
            "kpi": kpi.pk,
            "local_authority": cast.our_la.pk,
            "effective_from": "2019-04-01",
            "target": "88",
            "floor": "78",
        },
    )
    assert response.status_code == 302
    target = KpiTarget.objects.get(kpi=kpi, local_authority=cast.our_la)
    assert target.history.count() == 1
    assert client.get(f"/admin/performance/kpitarget/{target.pk}/history/").status_code == 200
    # A floor on the wrong side of the target is refused with the field named.
    response = client.post(
        "/admin/performance/kpitarget/add/",
        {
            "kpi": kpi.pk,
            "local_authority": cast.our_la.pk,
            "effective_from": "2019-05-01",
            "target": "80",
            "floor": "90",
        },
    )
    assert response.status_code == 200
    assert "the floor is below the target" in response.content.decode()
