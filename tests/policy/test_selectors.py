"""The LA policy in force on a day (issue 12, apps.policy): the engine's per-child lookup and
the set-based windows the sweep and worklists filter with read the same records."""

from datetime import date

import pytest

from apps.children.models import Child
from apps.policy.models import LocalAuthorityPolicy
from apps.policy.rules import DEFAULT_POLICY
from apps.policy.selectors import policy_lookup, policy_windows
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_versions(cast):
    for effective_from, window in [(date(2026, 1, 1), 7), (date(2026, 3, 1), 9)]:
        LocalAuthorityPolicy.objects.create(
            local_authority=cast.our_la, effective_from=effective_from, at_risk_working_days=window
        )


def test_the_record_in_force_on_the_day_decides(cast, two_versions):
    policy_on = policy_lookup([cast.our_la.pk])
    assert policy_on(cast.our_la.pk, date(2026, 2, 28)).at_risk_working_days == 7
    assert policy_on(cast.our_la.pk, date(2026, 3, 1)).at_risk_working_days == 9


def test_before_its_first_record_and_without_one_an_la_has_the_shipped_defaults(cast, two_versions):
    policy_on = policy_lookup([cast.our_la.pk, cast.other_la.pk])
    assert policy_on(cast.our_la.pk, date(2025, 12, 31)) == DEFAULT_POLICY
    assert policy_on(cast.other_la.pk, date(2026, 3, 1)) == DEFAULT_POLICY


def test_the_windows_give_each_child_the_value_in_force_on_its_day_0(cast, two_versions):
    # Any date column can be the day 0; the date of birth keeps the test to one model.
    days = {
        "before": date(2025, 12, 31),
        "first": date(2026, 2, 28),
        "second": date(2026, 3, 1),
    }
    children = {
        name: ChildFactory(responsible_la=cast.our_la, date_of_birth=day)
        for name, day in days.items()
    }
    other = ChildFactory(responsible_la=cast.other_la, date_of_birth=date(2026, 3, 1))
    windows = policy_windows("at_risk_working_days", "date_of_birth", la_field="responsible_la_id")
    mine = [*(child.pk for child in children.values()), other.pk]
    value_of: dict[int, int] = {}
    for value, condition in windows.items():
        for pk in Child.objects.filter(condition, pk__in=mine).values_list("pk", flat=True):
            assert pk not in value_of  # the windows do not overlap
            value_of[pk] = value
    assert value_of == {
        children["before"].pk: DEFAULT_POLICY.at_risk_working_days,
        children["first"].pk: 7,
        children["second"].pk: 9,
        other.pk: DEFAULT_POLICY.at_risk_working_days,
    }
