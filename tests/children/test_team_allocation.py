"""Moving children into a team (imported children arrive with none): who sees children with
no team, who may move them, over the API and on the bulk page, and the rules the service
keeps (a team of the child's own LA; the change kept in history)."""

import pytest
from django.core.exceptions import ValidationError

from apps.children.selectors import children_visible_to
from apps.children.services import child_team_change, children_team_allocate
from tests.factories import ChildFactory
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db

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
]


@pytest.fixture
def unallocated(cast):
    return ChildFactory(responsible_la=cast.our_la, team=None)


def test_children_with_no_team_are_seen_by_the_las_team_managers_and_admins_only(cast, unallocated):
    ChildFactory(responsible_la=cast.other_la, team=None)
    seeing = {
        role
        for role in ROLES
        if children_visible_to(getattr(cast, role)).filter(pk=unallocated.pk).exists()
    }
    # The performance manager, the auditor and the designated professional see every child
    # of the LA anyway; of the LA's team roles, only its team managers see these.
    assert seeing == {"manager", "admin", "performance_manager", "auditor", "designated"}
    assert set(children_visible_to(cast.admin)) == {unallocated}


def test_the_las_admin_does_not_see_children_once_they_are_in_a_team(cast, child_in_team_a):
    assert not children_visible_to(cast.admin).filter(pk=child_in_team_a.pk).exists()


# role -> status of POST /api/v1/children/{id}/team/ for a child with no team
TEAM_API = {
    "manager": 200,
    "admin": 200,
    "performance_manager": 403,  # sees the child, may not move it
    "auditor": 403,
    "designated": 403,
    "social_worker": 404,
    "social_worker_team_b": 404,
    "social_worker_other_la": 404,
    "health_admin_a": 404,
    "nurse_a": 404,
    "nurse_b": 404,
    "outsider": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_changing_a_childs_team_over_the_api(api, cast, unallocated, role):
    response = api(getattr(cast, role)).post(
        f"/api/v1/children/{unallocated.pk}/team/", {"team": cast.team_b.pk}, format="json"
    )
    assert response.status_code == TEAM_API[role], response.content
    unallocated.refresh_from_db()
    assert (unallocated.team_id == cast.team_b.pk) == (TEAM_API[role] == 200)


def test_a_team_manager_moves_their_teams_child_to_another_team_and_loses_sight_of_it(
    api, cast, child_in_team_a
):
    client = api(cast.manager)
    response = client.post(
        f"/api/v1/children/{child_in_team_a.pk}/team/", {"team": cast.team_b.pk}, format="json"
    )
    assert response.status_code == 200
    child_in_team_a.refresh_from_db()
    # The allocated worker was in team A: the child is no longer theirs.
    assert child_in_team_a.team == cast.team_b and child_in_team_a.allocated_worker is None
    assert client.get(f"/api/v1/children/{child_in_team_a.pk}/").status_code == 404
    assert api(cast.social_worker_team_b).get(
        f"/api/v1/children/{child_in_team_a.pk}/"
    ).status_code == (200)


def test_a_team_of_another_la_is_refused_naming_the_team(api, cast, unallocated):
    response = api(cast.manager).post(
        f"/api/v1/children/{unallocated.pk}/team/", {"team": cast.other_team.pk}, format="json"
    )
    assert response.status_code == 400
    assert "team" in response.json()
    with pytest.raises(ValidationError) as error:
        child_team_change(child=unallocated, team=cast.other_team, changed_by=cast.manager)
    assert "team" in error.value.message_dict


def test_a_stale_version_is_refused(api, cast, unallocated):
    response = api(cast.manager).post(
        f"/api/v1/children/{unallocated.pk}/team/",
        {"team": cast.team_a.pk, "version": unallocated.version + 5},
        format="json",
    )
    assert response.status_code == 409


def test_the_change_is_kept_in_history_with_its_author(cast, unallocated):
    child_team_change(child=unallocated, team=cast.team_a, changed_by=cast.manager)
    latest = unallocated.history.first()
    assert latest.team_id == cast.team_a.pk
    assert latest.history_user == cast.manager


def test_a_bulk_allocation_is_all_or_none(cast):
    ours = ChildFactory(responsible_la=cast.our_la, team=None)
    theirs = ChildFactory(responsible_la=cast.other_la, team=None)
    with pytest.raises(ValidationError):
        children_team_allocate(children=[ours, theirs], team=cast.team_a, changed_by=cast.admin)
    ours.refresh_from_db()
    assert ours.team is None


# The bulk page ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_allocation_page_is_for_the_las_admins_and_team_managers(cast, unallocated, role):
    response = signed_in_client(getattr(cast, role)).get("/children/allocate/")
    if role in {"manager", "admin"}:
        assert response.status_code == 200
        assert unallocated.la_child_id.encode() in response.content
    else:
        assert response.status_code == 404


def test_the_page_moves_the_chosen_children(cast, unallocated):
    other = ChildFactory(responsible_la=cast.our_la, team=None)
    response = signed_in_client(cast.admin).post(
        "/children/allocate/", {"children": [unallocated.pk, other.pk], "team": cast.team_b.pk}
    )
    assert response.status_code == 302
    unallocated.refresh_from_db()
    other.refresh_from_db()
    assert unallocated.team == cast.team_b and other.team == cast.team_b


def test_the_page_names_the_missing_fields(cast, unallocated):
    response = signed_in_client(cast.manager).post("/children/allocate/", {})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'href="#children">Choose at least one child.' in body
    assert 'href="#id_team">Choose the team.' in body


def test_the_page_refuses_a_child_the_user_may_not_allocate(cast, unallocated):
    theirs = ChildFactory(responsible_la=cast.other_la, team=None)
    response = signed_in_client(cast.manager).post(
        "/children/allocate/", {"children": [theirs.pk], "team": cast.team_a.pk}
    )
    assert response.status_code == 400
    theirs.refresh_from_db()
    assert theirs.team is None
