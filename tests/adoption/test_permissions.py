"""Who sees and writes adoption records (apps.adoption.selectors), for every member of the
fixed cast plus two medical advisers: one of provider A, which serves our LA, and one of
provider B, which serves another area.

Expectation: the roles allowed get 2xx and the record changes; anyone else who may see the
child gets 403 from the API (404 from a page); anyone who may not see the child gets 404
(400 when they name it in a new record's body, as "no such child"); anonymous gets 401 (the
pages send them to sign in)."""

from datetime import date

import pytest
import time_machine
from django.test import Client

from apps.adoption.models import AdoptionCase, AdoptionWorkItem, WorkItemKind
from apps.adoption.selectors import adoption_children_visible_to
from apps.adoption.services import adoption_work_item_request
from tests.adoption.conftest import make_case
from tests.factories import ChildFactory
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db
TODAY = date(2021, 6, 30)

ROLES = [
    "social_worker",
    "social_worker_team_b",
    "social_worker_other_la",
    "manager",
    "performance_manager",
    "health_admin_a",
    "nurse_a",
    "nurse_b",
    "designated",
    "auditor",
    "admin",
    "outsider",
    "adviser_a",
    "adviser_b",
    "anonymous",
]
TEAM_A = {"social_worker", "manager"}
# Who sees the adoption record of a team A child of our LA.
SEES_OURS = TEAM_A | {"performance_manager", "designated", "auditor", "adviser_a"}
# ... and of a child of the other LA (Medway), with no work item for our advisers.
SEES_OTHER_LA = {"social_worker_other_la"}
ADVISERS = {"adviser_a", "adviser_b"}


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def user_for(cast, advisers, role):
    if role == "anonymous":
        return None
    if role in ADVISERS:
        return getattr(advisers, role)
    return getattr(cast, role)


@pytest.fixture
def ours(cast, advisers):
    """A team A child of our LA with a case and an open report asked of adviser A."""
    case = make_case(cast, milestones={"adoption_plan_on": date(2019, 3, 1)})
    item = adoption_work_item_request(
        case=case,
        kind=WorkItemKind.CHILD_HEALTH_REPORT,
        requested_on=date(2021, 6, 1),
        assigned_to=advisers.adviser_a,
        requested_by=cast.social_worker,
    )
    return case, item


@pytest.fixture
def theirs(cast):
    return make_case(cast, la=cast.other_la, team=cast.other_team)


def expected(role, allowed, sees, *, refused_unseen=404):
    if role == "anonymous":
        return 401
    if role in allowed:
        return None  # 200 or 201, checked by the caller
    return 403 if role in sees else refused_unseen


# ---------------------------------------------------------------------------------------
# The selector


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_which_childs_adoption_record(cast, advisers, ours, theirs, role):
    visible = set(adoption_children_visible_to(user_for(cast, advisers, role)))
    assert (ours[0].child in visible) == (role in SEES_OURS)
    assert (theirs.child in visible) == (role in SEES_OTHER_LA)


def test_an_adviser_of_another_provider_sees_a_child_once_assigned_work(cast, advisers, ours):
    case, _ = ours
    assert case.child not in adoption_children_visible_to(advisers.adviser_b)
    adoption_work_item_request(
        case=case,
        kind=WorkItemKind.PARENTS_HEALTH,
        requested_on=date(2021, 6, 2),
        assigned_to=advisers.adviser_b,
        requested_by=cast.manager,
    )
    assert case.child in adoption_children_visible_to(advisers.adviser_b)


def test_an_adviser_sees_children_without_a_case_in_the_areas_served(cast, advisers):
    child = ChildFactory(responsible_la=cast.our_la, team=cast.team_b)
    assert child in adoption_children_visible_to(advisers.adviser_a)
    assert child not in adoption_children_visible_to(advisers.adviser_b)


def test_an_inactive_user_sees_nothing(cast, advisers, ours):
    advisers.adviser_a.is_active = False
    assert not adoption_children_visible_to(advisers.adviser_a).exists()


def test_a_superuser_sees_everything(cast, ours, theirs):
    cast.admin.is_superuser = True
    assert set(adoption_children_visible_to(cast.admin)) >= {ours[0].child, theirs.child}


# ---------------------------------------------------------------------------------------
# API


def client(api, cast, advisers, role):
    return api(user_for(cast, advisers, role))


@pytest.mark.parametrize("role", ROLES)
def test_case_list_and_retrieve(api, cast, advisers, ours, theirs, role):
    case, _ = ours
    caller = client(api, cast, advisers, role)
    listed = caller.get("/api/v1/adoption/cases/")
    detail = caller.get(f"/api/v1/adoption/cases/{case.pk}/")
    if role == "anonymous":
        assert (listed.status_code, detail.status_code) == (401, 401)
        return
    ids = {row["id"] for row in listed.json()["results"]}
    assert (case.pk in ids) == (role in SEES_OURS)
    assert (theirs.pk in ids) == (role in SEES_OTHER_LA)
    assert detail.status_code == (200 if role in SEES_OURS else 404)


@pytest.mark.parametrize("role", ROLES)
def test_case_create(api, cast, advisers, role):
    child = ChildFactory(
        responsible_la=cast.our_la, team=cast.team_a, date_of_birth=date(2019, 1, 1)
    )
    response = client(api, cast, advisers, role).post(
        "/api/v1/adoption/cases/",
        {"child": child.pk, "adoption_plan_on": "2020-05-01"},
        format="json",
    )
    status = expected(role, TEAM_A, SEES_OURS, refused_unseen=400)
    if status is None:
        assert response.status_code == 201, response.content
        assert AdoptionCase.objects.get(child=child).adoption_plan_on == date(2020, 5, 1)
        return
    assert response.status_code == status
    if status == 400:
        assert list(response.json()) == ["child"]
    assert not AdoptionCase.objects.filter(child=child).exists()


@pytest.mark.parametrize("role", ROLES)
def test_milestone_update(api, cast, advisers, ours, role):
    case, _ = ours
    response = client(api, cast, advisers, role).patch(
        f"/api/v1/adoption/cases/{case.pk}/", {"adm_decision_on": "2019-04-01"}, format="json"
    )
    status = expected(role, TEAM_A, SEES_OURS)
    case.refresh_from_db()
    if status is None:
        assert response.status_code == 200, response.content
        assert case.adm_decision_on == date(2019, 4, 1)
    else:
        assert response.status_code == status
        assert case.adm_decision_on is None


@pytest.mark.parametrize("role", ROLES)
def test_work_item_request(api, cast, advisers, ours, role):
    case, _ = ours
    response = client(api, cast, advisers, role).post(
        "/api/v1/adoption/work-items/",
        {
            "case": case.pk,
            "kind": "PERMANENCE_REPORT_HEALTH_SUMMARY",
            "requested_on": "2021-06-10",
            "assigned_to": "adviser.a",
        },
        format="json",
    )
    status = expected(role, TEAM_A, SEES_OURS, refused_unseen=400)
    created = AdoptionWorkItem.objects.filter(kind="PERMANENCE_REPORT_HEALTH_SUMMARY")
    if status is None:
        assert response.status_code == 201, response.content
        assert response.json()["due_date"] == "2021-07-10"
        assert created.get().requested_by == user_for(cast, advisers, role)
    else:
        assert response.status_code == status
        assert not created.exists()


@pytest.mark.parametrize("role", ROLES)
def test_work_item_completion(api, cast, advisers, ours, role):
    _, item = ours
    response = client(api, cast, advisers, role).post(
        f"/api/v1/adoption/work-items/{item.pk}/complete/",
        {"completed_on": "2021-06-20"},
        format="json",
    )
    # A medical adviser who sees the child completes; adviser B does not see it.
    status = expected(role, {"adviser_a"}, SEES_OURS)
    item.refresh_from_db()
    if status is None:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "MET"
        assert item.completed_by == advisers.adviser_a
    else:
        assert response.status_code == status
        assert item.completed_on is None


def test_a_covering_adviser_of_the_same_provider_may_complete(api, cast, advisers, ours):
    from tests.factories import UserFactory

    colleague = UserFactory(
        username="adviser.a2", role="MEDICAL_ADVISER", organisation=cast.provider_a
    )
    _, item = ours
    response = api(colleague).post(
        f"/api/v1/adoption/work-items/{item.pk}/complete/",
        {"completed_on": "2021-06-20"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["completed_by"] == "adviser.a2"


@pytest.mark.parametrize("role", ROLES)
def test_work_item_list(api, cast, advisers, ours, role):
    _, item = ours
    response = client(api, cast, advisers, role).get("/api/v1/adoption/work-items/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    ids = {row["id"] for row in response.json()["results"]}
    assert (item.pk in ids) == (role in SEES_OURS)


# ---------------------------------------------------------------------------------------
# Pages


def page_client(cast, advisers, role) -> Client:
    user = user_for(cast, advisers, role)
    return Client() if user is None else signed_in_client(user)


def page_status(role, allowed):
    if role == "anonymous":
        return 302
    return 200 if role in allowed else 404


@pytest.mark.parametrize("role", ROLES)
def test_pages_by_role(cast, advisers, ours, theirs, role):
    case, item = ours
    browser = page_client(cast, advisers, role)
    child = case.child.pk
    assert browser.get(f"/adoption/children/{child}/").status_code == page_status(role, SEES_OURS)
    assert browser.get(f"/adoption/children/{theirs.child_id}/").status_code == page_status(
        role, SEES_OTHER_LA
    )
    assert browser.get(f"/adoption/children/{child}/milestones/").status_code == page_status(
        role, TEAM_A
    )
    assert browser.get(f"/adoption/children/{child}/work-items/new/").status_code == page_status(
        role, TEAM_A
    )
    assert browser.get(f"/adoption/work-items/{item.pk}/complete/").status_code == page_status(
        role, {"adviser_a"}
    )
    assert browser.get("/adoption/worklist/").status_code == page_status(role, ADVISERS)


@pytest.mark.parametrize("role", sorted(SEES_OURS - TEAM_A))
def test_read_only_roles_post_to_a_form_and_nothing_changes(cast, advisers, ours, role):
    case, _ = ours
    response = page_client(cast, advisers, role).post(
        f"/adoption/children/{case.child_id}/milestones/", {"adm_decision_on": "2019-04-01"}
    )
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.adm_decision_on is None
