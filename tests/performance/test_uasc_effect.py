"""The effect of excluding UASC has the published sign, the same in the selector, the API,
the page and the exports.

The published Kent scorecard's "Impact of UASC" table gives the result excluding UASC minus
the result including them. The cohort below is built so that, for "IHA requests within 5
working days" in the 12 months to July 2019, including UASC gives 27/54 = 50.0% and
excluding them 27/43 = 62.8% (62.79...), so the effect of excluding UASC is +12.8:
- 43 children who are not UASC, 27 requested on the day they entered care, 16 two weeks late;
- 11 UASC, all requested two weeks late.
Entries are Mondays from 7 January to 20 May 2019; a request 14 days after a Monday entry is
always after working day 5, Easter 2019 included.
"""

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
import time_machine

from apps.performance.selectors import scorecard
from tests.helpers import signed_in_client
from tests.performance import builders as b

pytestmark = pytest.mark.django_db
TODAY = date(2019, 9, 2)
JULY = date(2019, 7, 1)
CODE = "IHA_REQUEST_5WD"
HEADING = "Effect of excluding UASC"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def cohort(cast):
    facts = [(False, True)] * 27 + [(False, False)] * 16 + [(True, False)] * 11
    for index, (uasc, in_time) in enumerate(facts):
        entry = date(2019, 1, 7) + timedelta(weeks=index % 20)
        kid = b.child(cast.our_la, team=cast.team_a, uasc=uasc)
        care = b.period(kid, entry)
        b.iha(kid, care, complete=entry if in_time else entry + timedelta(days=14))


def test_the_effect_of_excluding_uasc_is_excluding_minus_including(cast, cohort):
    card = scorecard(local_authority=cast.our_la, month=JULY, today=TODAY)
    effect = next(r for r in card.rows if r.kpi.code == CODE).uasc
    assert (effect.including.numerator, effect.including.denominator) == (27, 54)
    assert effect.including.result == Decimal("50.0")
    assert (effect.excluding.numerator, effect.excluding.denominator) == (27, 43)
    assert effect.excluding.result == Decimal("62.8")
    assert (effect.uasc_only.numerator, effect.uasc_only.denominator) == (0, 11)
    assert effect.difference == Decimal("12.8")


def test_the_api_gives_the_published_sign_and_says_so(cast, cohort, api):
    client = api(cast.performance_manager)
    body = client.get("/api/v1/scorecard/", {"month": "2019-07"}).json()
    effect = next(k for k in body["kpis"] if k["code"] == CODE)["uasc"]
    assert (effect["including"]["result"], effect["excluding"]["result"]) == (50.0, 62.8)
    assert effect["difference"] == 12.8
    schema = client.get("/api/schema/?format=json").json()
    help_text = schema["components"]["schemas"]["UascEffectOut"]["properties"]["difference"]
    assert help_text["description"].startswith(
        "Effect of excluding UASC: the result excluding UASC minus the result including UASC"
    )


def _cells(html: str, row_id: str) -> list[str]:
    row = re.search(rf'<tr class="govuk-table__row" id="{row_id}">(.*?)</tr>', html, re.S)
    assert row, row_id
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    ]


def test_the_page_shows_the_same_effect_under_its_label(cast, cohort):
    response = signed_in_client(cast.performance_manager).get(
        "/performance/scorecard/", {"month": "2019-07", "show_uasc_effect": "on"}
    )
    html = response.content.decode()
    assert f">{HEADING}</th>" in html
    including, excluding, effect = _cells(html, f"kpi-{CODE}")[-3:]
    assert (including, excluding, effect) == ("50.0%", "62.8%", "+12.8")


def test_the_csv_and_xlsx_exports_give_the_same_effect_under_its_label(cast, cohort):
    client = signed_in_client(cast.performance_manager)
    response = client.get("/performance/scorecard/", {"month": "2019-07", "format": "csv"})
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    row = next(r for r in rows if r["KPI code"] == CODE)
    assert (row["Including UASC"], row["Excluding UASC"], row[HEADING]) == (
        "50.0",
        "62.8",
        "12.8",
    )

    response = client.get("/performance/scorecard/", {"month": "2019-07", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Scorecard"]
    header, *values = list(sheet.iter_rows(values_only=True))
    row = next(r for r in values if r[header.index("KPI code")] == CODE)
    assert Decimal(str(row[header.index(HEADING)])) == Decimal("12.8")
