"""The role checks that were left in the adoption, audit and children selectors go through
the capability table (issue 12) with no change of behaviour: each is checked here against
the rule it replaced, written out as it was, for every member of the cast and a few more."""

from datetime import date

import pytest
import time_machine
from django.db.models import Q

from apps.accounts.models import TEAM_ROLES, OrganisationKind, Role
from apps.adoption import selectors as adoption_selectors
from apps.adoption.selectors import (
    adoption_children_visible_to,
    medical_advisers_for,
    user_can_complete_work_item,
    user_can_record_milestones,
    user_can_request_work_item,
)
from apps.audit.models import AccessEvent
from apps.audit.selectors import access_events_visible_to
from apps.audit.subject_access import may_request_subject_access
from apps.children.models import Child
from apps.children.selectors import (
    child_scope,
    children_to_allocate,
    children_visible_to,
    user_can_allocate_team,
    user_can_create_children,
    user_can_edit_case,
)
from tests.access.test_capabilities import _everyone
from tests.factories import ChildFactory, UserFactory

pytestmark = pytest.mark.django_db
READ_ONLY_ROLES = {Role.PERFORMANCE_MANAGER, Role.DESIGNATED, Role.AUDITOR}


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(date(2026, 2, 2), tick=False):
        yield


@pytest.fixture
def people(cast):
    adviser = UserFactory(
        username="adviser", role=Role.MEDICAL_ADVISER, organisation=cast.provider_a
    )
    gone = UserFactory(
        username="adviser.gone", role=Role.MEDICAL_ADVISER, organisation=cast.provider_b
    )
    gone.is_active = False
    gone.save()
    teamless = UserFactory(
        username="sw.teamless", role=Role.SOCIAL_WORKER, organisation=cast.our_la, team=None
    )
    auditor_provider = UserFactory(
        username="auditor.provider", role=Role.AUDITOR, organisation=cast.provider_a
    )
    auditor_superuser = UserFactory(
        username="root.auditor",
        is_superuser=True,
        role=Role.AUDITOR,
        organisation=cast.our_la,
    )
    return [*_everyone(cast), adviser, gone, teamless, auditor_provider, auditor_superuser]


@pytest.fixture
def children(cast):
    return [
        ChildFactory(responsible_la=cast.our_la, team=cast.team_a),
        ChildFactory(responsible_la=cast.our_la, team=cast.team_b),
        ChildFactory(responsible_la=cast.our_la, team=None),
        ChildFactory(responsible_la=cast.other_la, team=cast.other_team),
    ]


def _old_edit_case(user, child):
    if user.is_superuser:
        return True
    return user.role in TEAM_ROLES and user.team_id is not None and child.team_id == user.team_id


def test_case_records_creation_and_allocation_are_as_before(people, children):
    for user in people:
        assert user_can_create_children(user) == (
            user.is_superuser or (user.role in TEAM_ROLES and user.team_id is not None)
        ), user
        for child in children:
            assert user_can_edit_case(user, child) == _old_edit_case(user, child), (user, child)
            assert user_can_allocate_team(user, child) == (
                user.is_superuser
                or (
                    user.role in {Role.TEAM_MANAGER, Role.ADMIN}
                    and user.organisation_id is not None
                    and user.organisation_id == child.responsible_la_id
                )
            ), (user, child)
        if user.is_superuser:
            expected = set(children_visible_to(user))
        elif user.role not in {Role.TEAM_MANAGER, Role.ADMIN} or user.organisation_id is None:
            expected = set()
        else:
            expected = set(children_visible_to(user).filter(responsible_la=user.organisation))
        assert set(children_to_allocate(user)) == expected, user


def _old_adoption_scope(user):
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return "all"
    if user.role == Role.MEDICAL_ADVISER:
        return "adviser"
    if user.role in TEAM_ROLES or user.role in READ_ONLY_ROLES:
        return "general"
    return None


def test_adoption_access_is_as_before(people, children):
    for user in people:
        old = _old_adoption_scope(user)
        visible = set(adoption_children_visible_to(user))
        if old is None:
            assert visible == set(), user
        elif old == "all":
            assert visible == set(Child.objects.all()), user
        elif old == "adviser":
            scope = adoption_selectors._medical_adviser_scope(user)
            assert visible == set(Child.objects.filter(scope) if scope else []), user
        else:
            scope = child_scope(user)
            assert visible == set(Child.objects.filter(scope) if scope else []), user
        for child in children:
            assert user_can_record_milestones(user, child) == _old_edit_case(user, child)
            assert user_can_request_work_item(user, child) == _old_edit_case(user, child)
        assert user_can_complete_work_item(user, None) == (
            user.is_active and user.role == Role.MEDICAL_ADVISER
        ), user


def test_the_advisers_a_team_may_assign_are_as_before(people, children):
    expected = {u for u in people if u.role == Role.MEDICAL_ADVISER and u.is_active}
    assert set(medical_advisers_for(children[0])) == expected


def test_the_access_log_and_subject_access_are_as_before(people):
    for user in people:
        # The same query as the old rule built, written out.
        if user.is_superuser:
            old = AccessEvent.objects.all()
        elif user.role != Role.AUDITOR or user.organisation_id is None:
            old = AccessEvent.objects.none()
        else:
            old = AccessEvent.objects.filter(
                Q(organisation_id=user.organisation_id)
                | Q(child_id__in=children_visible_to(user).values("pk"))
            )
        new = access_events_visible_to(user)
        if old.query.is_empty():
            assert new.query.is_empty(), user
        else:
            assert str(new.query) == str(old.query), user
        assert may_request_subject_access(user) == bool(
            user.is_authenticated
            and user.is_active
            and user.role == Role.AUDITOR
            and user.organisation_id is not None
            and user.organisation.kind == OrganisationKind.LOCAL_AUTHORITY
        ), user
