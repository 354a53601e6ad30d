"""The child page links to the child's adoption case for the roles the adoption access rule
lets see it, and the adoption case links back to the child's record (issue 16)."""

from datetime import date

import pytest
import time_machine

from apps.children.selectors import children_visible_to
from tests.adoption.conftest import make_case
from tests.adoption.test_permissions import ROLES, SEES_OURS, page_client, user_for
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db
TODAY = date(2021, 6, 30)
LINK = 'data-testid="adoption-case-link"'
BACK = 'data-testid="child-record-link"'


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_the_child_page_links_to_the_adoption_case_only_for_those_who_may_see_it(
    cast, advisers, role
):
    case = make_case(cast, milestones={"adoption_plan_on": date(2019, 3, 1)})
    response = page_client(cast, advisers, role).get(f"/children/{case.child_id}/")
    if response.status_code == 404:  # the child's record is not theirs to see at all
        assert role not in {"social_worker", "manager", "performance_manager", "auditor"}
        return
    assert response.status_code == 200
    text = response.content.decode()
    assert (LINK in text) == (role in SEES_OURS), role
    if role in SEES_OURS:
        assert f'href="/adoption/children/{case.child_id}/"' in text
        assert "s adoption case</a>" in text


def test_a_child_without_an_adoption_case_has_no_link(cast):
    child = ChildFactory(responsible_la=cast.our_la, team=cast.team_a)
    text = page_client(cast, None, "social_worker").get(f"/children/{child.pk}/").content
    assert LINK not in text.decode()


@pytest.mark.parametrize("role", sorted(SEES_OURS))
def test_the_adoption_case_links_back_to_the_childs_record_when_they_may_see_it(
    cast, advisers, role
):
    case = make_case(cast, milestones={"adoption_plan_on": date(2019, 3, 1)})
    text = page_client(cast, advisers, role).get(f"/adoption/children/{case.child_id}/")
    text = text.content.decode()
    sees_record = (
        children_visible_to(user_for(cast, advisers, role)).filter(pk=case.child_id).exists()
    )
    assert (BACK in text) == sees_record
    if sees_record:
        assert f'href="/children/{case.child_id}/"' in text
    # The child's team, at least, always has the way back.
    if role in {"social_worker", "manager"}:
        assert sees_record
