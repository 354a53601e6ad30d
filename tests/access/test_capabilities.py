"""The role x capability table (issue 12): one table, checked against the rules it replaced
(written out here as they were in api.py, views.py and selectors.py)."""

from datetime import date

import pytest
import time_machine

from apps.access import Capability, capabilities, may, roles_with
from apps.accounts.models import HEALTH_PROVIDER_ROLES, TEAM_ROLES, Role
from apps.assessments.models import Assessment
from apps.children.selectors import user_can_edit_case
from apps.performance.selectors import REPORTING_ROLES, user_can_view_performance
from tests.assessments.test_workflow_api import new_iha, requested
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(date(2026, 2, 2), tick=False):
        yield


def test_the_table_speaks_of_the_roles_that_exist():
    for role in Role:
        assert getattr(capabilities, role.value) == role.value
    assert set(capabilities.TEAM) == TEAM_ROLES
    assert set(capabilities.HEALTH_PROVIDER) == HEALTH_PROVIDER_ROLES
    named = {r for grant in capabilities.TABLE.values() for r in grant.roles}
    assert named <= set(Role.values)
    assert set(capabilities.TABLE) == set(Capability)


def test_breach_viewers_and_reporting_roles_are_one_set():
    assert roles_with(Capability.REPORTS_VIEW) == REPORTING_ROLES
    assert {
        Role.TEAM_MANAGER,
        Role.PERFORMANCE_MANAGER,
        Role.DESIGNATED,
        Role.AUDITOR,
    } == REPORTING_ROLES


def _old_health_records(user, child) -> bool:
    if user.role in HEALTH_PROVIDER_ROLES:
        return Assessment.objects.filter(child=child, provider_id=user.organisation_id).exists()
    return False


def _everyone(cast):
    superuser = UserFactory(username="root", is_superuser=True)
    nurse_superuser = UserFactory(
        username="root.nurse", is_superuser=True, role=Role.LAC_NURSE, organisation=cast.provider_a
    )
    return [v for v in vars(cast).values() if hasattr(v, "role")] + [superuser, nurse_superuser]


def test_who_may_write_each_health_record_is_as_before(cast):
    ours = requested(cast, new_iha(cast)).child  # provider A has a request for this child
    unrequested = new_iha(cast).child
    for user in _everyone(cast):
        for child in (ours, unrequested):
            health = _old_health_records(user, child)
            assert may(user, Capability.SDQ_WRITE, child) == (
                user_can_edit_case(user, child) or health
            ), user
            assert may(user, Capability.CLINICAL_RECORD_WRITE, child) == (
                user.role == Role.LAC_NURSE and health
            ), user
            assert may(user, Capability.HEALTH_HISTORY_DOWNLOAD, child) == (
                user_can_edit_case(user, child) or health
            ), user
            assert may(user, Capability.OUT_OF_AREA_REFERRAL_WRITE, child) == health


def test_reports_and_the_provider_workload_are_as_before(cast):
    for user in _everyone(cast):
        assert may(user, Capability.REPORTS_VIEW) == (
            user.role in REPORTING_ROLES or user.is_superuser
        )
        # The scorecard itself still needs an organisation (apps/performance).
        assert user_can_view_performance(user) == (
            user.role in REPORTING_ROLES and user.organisation_id is not None
        )
        assert may(user, Capability.PROVIDER_WORKLOAD_VIEW) == (
            user.role in HEALTH_PROVIDER_ROLES and user.organisation_id is not None
        )
        assert may(user, Capability.ACCESS_LOG_VIEW) == (
            user.role == Role.AUDITOR or user.is_superuser
        )


def test_nobody_signed_out_holds_anything():
    from django.contrib.auth.models import AnonymousUser

    assert not any(may(AnonymousUser(), c) for c in Capability)
    assert not may(None, Capability.REPORTS_VIEW)


def test_903_returns_allocation_and_adoption_work_are_as_before(cast):
    adviser = UserFactory(
        username="adviser", role=Role.MEDICAL_ADVISER, organisation=cast.provider_a
    )
    inactive = UserFactory(
        username="pm.gone", role=Role.PERFORMANCE_MANAGER, organisation=cast.our_la
    )
    inactive.is_active = False
    for user in [*_everyone(cast), adviser, inactive]:
        la_user = user.organisation is not None and user.organisation.kind == "LA"
        assert may(user, Capability.RETURNS_903) == (
            user.is_active and user.role == Role.PERFORMANCE_MANAGER and la_user
        ), user
        assert may(user, Capability.CHILDREN_ALLOCATE) == (
            user.is_active
            and (user.is_superuser or (user.role in {Role.TEAM_MANAGER, Role.ADMIN} and la_user))
        ), user
        assert may(user, Capability.ADOPTION_ADVISER_WORK) == (
            user.is_active and user.role == Role.MEDICAL_ADVISER
        ), user
