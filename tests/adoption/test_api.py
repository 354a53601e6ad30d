"""The adoption API: validation 400s naming the field, 409 for a stale edit, filters and
the status the API reports. "Today" is frozen on 30 June 2021."""

from datetime import date

import pytest
import time_machine

from apps.adoption.models import WorkItemKind
from apps.adoption.rules import STAGE_LABELS, Stage, case_stage
from apps.adoption.selectors import with_stage
from apps.adoption.services import adoption_work_item_complete, adoption_work_item_request
from tests.adoption.conftest import make_case

pytestmark = pytest.mark.django_db
TODAY = date(2021, 6, 30)
CASES = "/api/v1/adoption/cases/"
ITEMS = "/api/v1/adoption/work-items/"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def sw(api, cast):
    return api(cast.social_worker)


@pytest.fixture
def case(cast):
    return make_case(cast, milestones={"adoption_plan_on": date(2019, 3, 1)})


def ask(case, cast, advisers, kind=WorkItemKind.CHILD_HEALTH_REPORT, on=date(2021, 5, 1), to=None):
    return adoption_work_item_request(
        case=case,
        kind=kind,
        requested_on=on,
        assigned_to=to or advisers.adviser_a,
        requested_by=cast.social_worker,
    )


# ---------------------------------------------------------------------------------------
# Cases


def test_a_case_reads_with_its_stage(sw, case):
    body = sw.get(f"{CASES}{case.pk}/").json()
    assert body["stage"] == Stage.PLAN
    assert body["stage_label"] == "Adoption is the plan"
    assert body["adoption_plan_on"] == "2019-03-01"
    assert body["version"] == 1


def test_a_bad_date_is_a_400_naming_the_field(sw, case):
    response = sw.patch(f"{CASES}{case.pk}/", {"adm_decision_on": "2019-13-01"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["adm_decision_on"]


def test_a_milestone_out_of_order_is_a_400_naming_the_field(sw, case):
    response = sw.patch(f"{CASES}{case.pk}/", {"adm_decision_on": "2019-02-01"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "adm_decision_on": [
            "ADM decision (01/02/2019) cannot be before the adoption plan (01/03/2019)."
        ]
    }


def test_a_future_milestone_is_a_400(sw, case):
    response = sw.patch(f"{CASES}{case.pk}/", {"adm_decision_on": "2021-07-01"}, format="json")
    assert response.json() == {"adm_decision_on": ["ADM decision cannot be in the future."]}


def test_a_disruption_without_a_note_is_a_400_on_the_note(sw, cast):
    case = make_case(
        cast,
        milestones={
            "adoption_plan_on": date(2019, 3, 1),
            "adm_decision_on": date(2019, 4, 1),
            "match_decision_on": date(2019, 9, 1),
            "moved_in_on": date(2019, 9, 20),
        },
    )
    response = sw.patch(f"{CASES}{case.pk}/", {"disruption_on": "2020-01-10"}, format="json")
    assert list(response.json()) == ["disruption_note"]
    response = sw.patch(
        f"{CASES}{case.pk}/",
        {"disruption_on": "2020-01-10", "disruption_note": "Adopters ended the placement"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["stage"] == Stage.DISRUPTED


def test_null_clears_a_milestone(sw, cast):
    case = make_case(
        cast,
        milestones={"adoption_plan_on": date(2019, 3, 1), "adm_decision_on": date(2019, 4, 1)},
    )
    response = sw.patch(f"{CASES}{case.pk}/", {"adm_decision_on": None}, format="json")
    assert response.status_code == 200
    assert response.json()["adm_decision_on"] is None


def test_a_stale_version_is_a_409(sw, case):
    assert (
        sw.patch(
            f"{CASES}{case.pk}/", {"adm_decision_on": "2019-04-01", "version": 1}, format="json"
        ).status_code
        == 200
    )
    response = sw.patch(
        f"{CASES}{case.pk}/", {"adm_decision_on": "2019-04-02", "version": 1}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["current_version"] == 2


def test_a_second_case_for_a_child_is_a_400_on_child(sw, case):
    response = sw.post(CASES, {"child": case.child_id}, format="json")
    assert response.status_code == 400
    assert response.json() == {"child": ["This child already has an adoption case."]}


def test_create_validates_the_milestones(sw, cast):
    from tests.factories import ChildFactory

    child = ChildFactory(
        responsible_la=cast.our_la, team=cast.team_a, date_of_birth=date(2020, 2, 1)
    )
    response = sw.post(CASES, {"child": child.pk, "adoption_plan_on": "2020-01-31"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["adoption_plan_on"]


def test_put_is_not_offered(sw, case):
    assert sw.put(f"{CASES}{case.pk}/", {}, format="json").status_code == 405


def test_case_filters(sw, cast, case):
    adopted = make_case(
        cast,
        milestones={
            "adoption_plan_on": date(2019, 3, 1),
            "adm_decision_on": date(2019, 4, 1),
            "match_decision_on": date(2019, 9, 1),
            "moved_in_on": date(2019, 9, 20),
            "adoption_order_on": date(2020, 3, 2),
        },
    )

    def ids(query):
        return [row["id"] for row in sw.get(f"{CASES}?{query}").json()["results"]]

    assert ids("stage=ADOPTED") == [adopted.pk]
    assert ids("stage=PLAN") == [case.pk]
    assert ids(f"child={case.child_id}") == [case.pk]
    assert ids("moved_in_after=2019-09-01") == [adopted.pk]
    assert sorted(ids("local_authority=886")) == sorted([case.pk, adopted.pk])
    assert ids("local_authority=887") == []
    assert sw.get(f"{CASES}?stage=NONSENSE").status_code == 400


def test_the_sql_stage_agrees_with_the_rule(cast):
    milestones = [
        {},
        {"adoption_plan_on": date(2019, 3, 1)},
        {"adoption_plan_on": date(2019, 3, 1), "adm_decision_on": date(2019, 4, 1)},
        {
            "adoption_plan_on": date(2019, 3, 1),
            "adm_decision_on": date(2019, 4, 1),
            "placement_order_on": date(2019, 6, 1),
        },
        {
            "adoption_plan_on": date(2019, 3, 1),
            "adm_decision_on": date(2019, 4, 1),
            "match_decision_on": date(2019, 6, 1),
        },
        {
            "adoption_plan_on": date(2019, 3, 1),
            "adm_decision_on": date(2019, 4, 1),
            "match_decision_on": date(2019, 6, 1),
            "moved_in_on": date(2019, 6, 10),
            "disruption_on": date(2019, 8, 10),
            "disruption_note": "Ended",
            "plan_changed_on": date(2019, 9, 1),
            "plan_changed_note": "Long-term fostering",
        },
    ]
    cases = [make_case(cast, milestones=values) for values in milestones]
    sql = {row.pk: row.stage_code for row in with_stage(type(cases[0]).objects.all())}
    assert sql == {case.pk: case_stage(vars(case)) for case in cases}
    assert set(sql.values()) <= set(STAGE_LABELS)


# ---------------------------------------------------------------------------------------
# Work items


def test_a_request_through_the_api(sw, case, advisers):
    response = sw.post(
        ITEMS,
        {
            "case": case.pk,
            "kind": "PROSPECTIVE_ADOPTER_HEALTH_REPORT",
            "requested_on": "2021-05-31",
            "assigned_to": "adviser.a",
            "note": "Adopter 1: Ms Hill",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["due_date"] == "2021-06-30"  # 31 May + 1 month: 30 June
    assert body["status"] == "PENDING"
    assert body["child"] == case.child_id
    assert body["requested_by"] == "sw"
    assert body["assigned_to"] == "adviser.a"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "DENTAL"}, "kind"),
        ({"assigned_to": "nurse.a"}, "assigned_to"),
        ({"requested_on": "2021-07-01"}, "requested_on"),
        ({"requested_on": "not a date"}, "requested_on"),
        ({"requested_on": None}, "requested_on"),
        ({"case": 999999}, "case"),
    ],
)
def test_a_bad_request_is_a_400_naming_the_field(sw, case, advisers, change, field):
    body = {
        "case": case.pk,
        "kind": "CHILD_HEALTH_REPORT",
        "requested_on": "2021-05-31",
        "assigned_to": "adviser.a",
        **change,
    }
    response = sw.post(ITEMS, body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_duplicate_open_request_is_a_400_on_kind(sw, case, cast, advisers):
    ask(case, cast, advisers)
    response = sw.post(
        ITEMS,
        {
            "case": case.pk,
            "kind": "CHILD_HEALTH_REPORT",
            "requested_on": "2021-06-01",
            "assigned_to": "adviser.a",
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["kind"]


def test_completion_errors_name_the_field(api, case, cast, advisers):
    item = ask(case, cast, advisers)
    adviser = api(advisers.adviser_a)
    url = f"{ITEMS}{item.pk}/complete/"
    assert list(adviser.post(url, {"completed_on": "2021-04-30"}, format="json").json()) == [
        "completed_on"
    ]
    assert list(adviser.post(url, {}, format="json").json()) == ["completed_on"]
    late = adviser.post(url, {"completed_on": "2021-06-02", "version": 1}, format="json")
    assert late.json()["status"] == "BREACHED"  # due 1 June
    again = adviser.post(url, {"completed_on": "2021-06-03"}, format="json")
    assert again.status_code == 400
    assert list(again.json()) == ["completed_on"]


def test_work_item_filters_and_status(api, cast, advisers):
    case = make_case(cast, milestones={"adoption_plan_on": date(2019, 3, 1)})
    overdue = ask(case, cast, advisers, on=date(2021, 5, 1))  # due 1 June: overdue
    pending = ask(case, cast, advisers, kind=WorkItemKind.PARENTS_HEALTH, on=date(2021, 6, 15))
    met = ask(
        case,
        cast,
        advisers,
        kind=WorkItemKind.PERMANENCE_REPORT_HEALTH_SUMMARY,
        on=date(2021, 3, 1),
    )
    adoption_work_item_complete(
        work_item=met, completed_on=date(2021, 3, 20), completed_by=advisers.adviser_a
    )
    other = ask(
        make_case(cast),
        cast,
        advisers,
        kind=WorkItemKind.PROSPECTIVE_ADOPTER_HEALTH_REPORT,
        to=advisers.adviser_b,
        on=date(2021, 6, 29),
    )
    manager = api(cast.manager)

    def ids(query=""):
        return [row["id"] for row in manager.get(f"{ITEMS}?{query}").json()["results"]]

    statuses = {row["id"]: row["status"] for row in manager.get(ITEMS).json()["results"]}
    assert statuses == {
        overdue.pk: "OVERDUE",
        pending.pk: "PENDING",
        met.pk: "MET",
        other.pk: "PENDING",
    }
    assert ids("status=OVERDUE") == [overdue.pk]
    assert ids("kind=PARENTS_HEALTH") == [pending.pk]
    assert ids("assigned_to=adviser.b") == [other.pk]
    assert ids("open=false") == [met.pk]
    assert sorted(ids("open=true")) == sorted([overdue.pk, pending.pk, other.pk])
    assert sorted(ids(f"child={case.child_id}")) == sorted([overdue.pk, pending.pk, met.pk])
    assert ids("due_before=2021-06-01") == [met.pk, overdue.pk]
    assert ids("ordering=-requested_on")[0] == other.pk
    assert manager.get(f"{ITEMS}?status=LATE").status_code == 400
