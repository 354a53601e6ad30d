"""Who gets the performance pages and API (DOMAIN.md 9 and the scope decision in
apps/performance/selectors/access.py), what the pages show, and that a drill-down never
lists a child its viewer may not see. Bad input is a 400 naming the field, never a 500."""

from datetime import date

import pytest
import time_machine
from django.test import Client

from apps.performance.models import Kpi
from tests.helpers import signed_in_client
from tests.performance import builders as b

pytestmark = pytest.mark.django_db

TODAY = date(2019, 9, 2)
REPORTING = {"manager", "performance_manager", "designated", "auditor"}
OTHERS = [
    "social_worker",
    "social_worker_other_la",
    "health_admin_a",
    "nurse_a",
    "nurse_b",
    "admin",
    "outsider",
]
PAGES = [
    "/performance/scorecard/?month=2019-07",
    "/performance/scorecard/IHA_REQUEST_5WD/?month=2019-07",
    "/performance/scorecard/IHA_REQUEST_5WD/children/?month=2019-07",
    "/performance/breaches/?year=2019",
    "/performance/breaches/children/?year=2019&kind=IHA&quarter=Q1&column=requiring",
]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def world(cast):
    """A child of team A and one of team B (both our LA), and another LA's child placed in
    our area, each with an IHA in the year."""
    kids = {}
    for name, team, la in (
        ("north", cast.team_a, cast.our_la),
        ("east", cast.team_b, cast.our_la),
        ("medway", cast.other_team, cast.other_la),
    ):
        kid = b.child(la, team=team, la_child_id=f"W-{name}", last_name=f"Child-{name}")
        care = b.period(kid, date(2019, 5, 13))
        b.placement(care, date(2019, 5, 13), area=cast.our_la)
        b.iha(
            kid, care, complete=date(2019, 5, 14), held=date(2019, 6, 20), provider=cast.provider_a
        )
        kids[name] = kid
    return kids


@pytest.mark.parametrize("role", sorted(REPORTING))
@pytest.mark.parametrize("url", PAGES)
def test_reporting_roles_get_every_page(cast, world, role, url):
    response = signed_in_client(getattr(cast, role)).get(url)
    assert response.status_code == 200, response.content[:500]


@pytest.mark.parametrize("role", OTHERS)
@pytest.mark.parametrize("url", PAGES)
def test_other_roles_get_404(cast, world, role, url):
    assert signed_in_client(getattr(cast, role)).get(url).status_code == 404


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_sign_in(url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("role", sorted(REPORTING))
def test_reporting_roles_get_the_api(cast, api, world, role):
    user = getattr(cast, role)
    assert api(user).get("/api/v1/scorecard/", {"month": "2019-07"}).status_code == 200
    assert api(user).get("/api/v1/reports/breaches/", {"year": "2019"}).status_code == 200


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_get_404_from_the_api(cast, api, role):
    assert api(getattr(cast, role)).get("/api/v1/scorecard/").status_code == 404
    assert api(getattr(cast, role)).get("/api/v1/reports/breaches/").status_code == 404


def test_anonymous_api_is_401(api):
    assert api(None).get("/api/v1/scorecard/").status_code == 401
    assert api(None).get("/api/v1/reports/breaches/").status_code == 401


def _listed(response):
    text = response.content.decode()
    return {name for name in ("north", "east", "medway") if f"W-{name}" in text}


def test_drilldowns_list_only_children_the_viewer_may_see(cast, world):
    url = "/performance/scorecard/IHA_REQUEST_5WD/children/?month=2019-07&set=denominator"
    # The figure counts both of our LA's children, never the Medway child placed here.
    assert _listed(signed_in_client(cast.performance_manager).get(url)) == {"north", "east"}
    assert _listed(signed_in_client(cast.designated).get(url)) == {"north", "east"}
    # A team manager sees their own team's child, and is told another is not listed.
    response = signed_in_client(cast.manager).get(url)
    assert _listed(response) == {"north"}
    assert "1 of the 2 are children outside your access" in response.content.decode()
    breach_url = "/performance/breaches/children/?year=2019&kind=IHA&quarter=Year&column=requiring"
    assert _listed(signed_in_client(cast.manager).get(breach_url)) == {"north"}
    assert _listed(signed_in_client(cast.auditor).get(breach_url)) == {"north", "east"}


def test_drilldown_exports_respect_visibility(cast, world):
    url = "/performance/scorecard/IHA_REQUEST_5WD/children/?month=2019-07&format=csv"
    text = signed_in_client(cast.manager).get(url).content.decode("utf-8-sig")
    assert "W-north" in text and "W-east" not in text


def test_a_commissioner_reports_on_each_area_it_serves(cast, world, api):
    cast.commissioner.areas.add(cast.other_la)
    client = signed_in_client(cast.designated)
    ours = client.get("/performance/scorecard/", {"month": "2019-07", "la": "886"})
    theirs = client.get("/performance/scorecard/", {"month": "2019-07", "la": "887"})
    assert ours.status_code == theirs.status_code == 200
    assert "Kent County Council (886)" in ours.content.decode()
    assert "Medway Council (887)" in theirs.content.decode()
    body = api(cast.designated).get("/api/v1/scorecard/", {"month": "2019-07", "la": "887"}).json()
    iha = next(k for k in body["kpis"] if k["code"] == "IHA_REQUEST_5WD")
    assert (iha["numerator"], iha["denominator"]) == (1, 1)  # the Medway child only


def test_an_la_outside_the_users_scope_is_refused(cast, api):
    response = api(cast.performance_manager).get("/api/v1/scorecard/", {"la": "887"})
    assert response.status_code == 400
    assert "la" in response.json()
    page = signed_in_client(cast.performance_manager).get("/performance/scorecard/", {"la": "887"})
    assert page.status_code == 400


def test_scorecard_page_shows_every_kpi_with_rag_and_links(cast, world):
    response = signed_in_client(cast.performance_manager).get(
        "/performance/scorecard/", {"month": "2019-07", "show_uasc_effect": "on"}
    )
    text = response.content.decode()
    for kpi in Kpi.objects.all():
        assert kpi.name in text
    assert 'class="govuk-table app-scorecard"' in text
    assert "/performance/scorecard/IHA_REQUEST_5WD/children/?" in text
    assert "Including UASC" in text
    assert "ADOPTION_PO_TO_MATCH" in text  # the adoption measures are on the scorecard
    assert 'class="govuk-checkboxes__input"' in text


def test_scorecard_breakdown_rows_link_to_their_groups(cast, world):
    response = signed_in_client(cast.performance_manager).get(
        "/performance/scorecard/", {"month": "2019-07", "breakdown": "team"}
    )
    text = response.content.decode()
    assert "app-breakdown-row" in text
    assert f"group={cast.team_a.pk}" in text


def test_kpi_page_has_a_chart_with_its_data_table(cast, world):
    response = signed_in_client(cast.performance_manager).get(
        "/performance/scorecard/IHA_HELD_20WD/", {"month": "2019-07"}
    )
    text = response.content.decode()
    assert "<svg" in text and 'role="img"' in text and "<title id=" in text
    assert "Data for the chart" in text
    assert text.count("govuk-table__row") >= 13  # header and 12 months
    assert "<script" not in text.split("<main", 1)[1].split("</main>", 1)[0]


def test_breach_page_has_charts_with_data_tables(cast, world):
    text = (
        signed_in_client(cast.auditor)
        .get("/performance/breaches/", {"year": "2019"})
        .content.decode()
    )
    assert text.count("<svg") == 2
    assert "IHA breaches by party" in text and "RHA breaches by party" in text


def test_unknown_kpi_is_404(cast):
    client = signed_in_client(cast.performance_manager)
    assert client.get("/performance/scorecard/NOPE/").status_code == 404
    assert client.get("/performance/scorecard/NOPE/children/").status_code == 404


@pytest.mark.parametrize(
    ("url", "field", "message"),
    [
        ("/performance/scorecard/?month=2025-13", "month", "Reporting month must be a real month"),
        ("/performance/scorecard/?month=abc", "month", "Reporting month must be a real month"),
        ("/performance/scorecard/?month=2019-10", "month", "this month or in the past"),
        ("/performance/scorecard/?uasc=maybe", "uasc", "Choose one of"),
        ("/performance/scorecard/?breakdown=colour", "breakdown", "Choose one of"),
        ("/performance/scorecard/?format=pdf", "", "csv or xlsx"),
        ("/performance/scorecard/IHA_REQUEST_5WD/?month=2025-13", "month", "must be a real month"),
        ("/performance/scorecard/IHA_REQUEST_5WD/children/?set=some", "set", "Choose one of"),
        ("/performance/scorecard/IHA_REQUEST_5WD/children/?group=1", "group", "needs a breakdown"),
        ("/performance/breaches/?year=abc", "year", "the year the financial year starts in"),
        ("/performance/breaches/?year=2030", "year", "future"),
        ("/performance/breaches/?provider=NOPE", "provider", "no health provider"),
        ("/performance/breaches/children/?kind=XYZ", "kind", "Choose one of"),
        ("/performance/breaches/children/?kind=RHA&band=9-99", "band", "Choose one of"),
        ("/performance/breaches/children/?quarter=Q5", "quarter", "Choose one of"),
    ],
)
def test_bad_page_input_is_a_400_with_a_govuk_error_summary(cast, url, field, message):
    response = signed_in_client(cast.performance_manager).get(url)
    assert response.status_code == 400
    text = response.content.decode()
    assert "govuk-error-summary" in text and message in text
    if field:
        assert f'href="#id_{field}"' in text


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        ("/api/v1/scorecard/", {"month": "2025-13"}, "month"),
        ("/api/v1/scorecard/", {"month": "July"}, "month"),
        ("/api/v1/scorecard/", {"month": "2030-01"}, "month"),
        ("/api/v1/scorecard/", {"uasc": "maybe"}, "uasc"),
        ("/api/v1/scorecard/", {"breakdown": "colour"}, "breakdown"),
        ("/api/v1/reports/breaches/", {"year": "abc"}, "year"),
        ("/api/v1/reports/breaches/", {"year": "2030"}, "year"),
        ("/api/v1/reports/breaches/", {"provider": "NOPE"}, "provider"),
    ],
)
def test_bad_api_input_is_a_400_naming_the_field(cast, api, url, params, field):
    response = api(cast.performance_manager).get(url, params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_group_that_matches_nothing_lists_nobody(cast, world):
    client = signed_in_client(cast.performance_manager)
    for group in ("abc", "99999"):
        response = client.get(
            "/performance/scorecard/IHA_REQUEST_5WD/children/",
            {"month": "2019-07", "breakdown": "team", "group": group},
        )
        assert response.status_code == 200
        assert _listed(response) == set()
