"""Retention (DOMAIN.md 10): records past their date are listed for review, never early and
never deleted."""

from datetime import date

import pytest

from apps.adoption.models import AdoptionCase
from apps.audit.retention_job import retention_reviews_identify
from apps.children.models import Child, RetentionReview
from apps.children.retention import retention_until
from tests.factories import ChildFactory


@pytest.mark.parametrize(
    "facts,expected",
    [
        ({"date_of_birth": date(1950, 6, 1)}, date(2025, 6, 1)),
        ({"date_of_birth": date(1952, 2, 29)}, date(2027, 3, 1)),  # 2027 has no 29 February
        ({"date_of_birth": date(2000, 1, 1), "date_of_death": date(2005, 1, 1)}, date(2020, 1, 1)),
        ({"date_of_birth": date(1950, 1, 1), "date_of_death": date(2020, 1, 1)}, date(2025, 1, 1)),
        (
            {"date_of_birth": date(1950, 1, 1), "adoption_order_on": date(1953, 5, 5)},
            date(2053, 5, 5),
        ),
    ],
)
def test_retention_dates(facts, expected):
    assert retention_until(**facts) == expected


@pytest.mark.django_db
def test_records_past_retention_are_listed_once_and_none_early(cast):
    old = ChildFactory(responsible_la=cast.our_la, date_of_birth=date(1950, 6, 1))
    turning_75_tomorrow = ChildFactory(responsible_la=cast.our_la, date_of_birth=date(1951, 6, 2))
    died = ChildFactory(
        responsible_la=cast.our_la, date_of_birth=date(2000, 1, 1), date_of_death=date(2010, 6, 1)
    )
    adopted = ChildFactory(responsible_la=cast.our_la, date_of_birth=date(1950, 1, 1))
    AdoptionCase.objects.create(
        child=adopted,
        adoption_plan_on=date(1951, 1, 1),
        adm_decision_on=date(1951, 2, 1),
        match_decision_on=date(1951, 3, 1),
        moved_in_on=date(1951, 4, 1),
        adoption_order_on=date(1952, 1, 1),
    )
    ChildFactory(responsible_la=cast.our_la, date_of_birth=date(2015, 1, 1))

    assert retention_reviews_identify(today=date(2026, 6, 1)) == 2
    listed = dict(RetentionReview.objects.values_list("child_id", "reason"))
    assert listed == {old.pk: "AGE_75", died.pk: "DEATH_15_YEARS"}
    assert turning_75_tomorrow.pk not in listed and adopted.pk not in listed
    # Idempotent, and nothing deleted.
    assert retention_reviews_identify(today=date(2026, 6, 1)) == 0
    assert RetentionReview.objects.count() == 2
    assert Child.objects.count() == 5
    assert retention_reviews_identify(today=date(2026, 6, 2)) == 1
