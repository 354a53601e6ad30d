"""DOMAIN.md 10 enforced by the database itself, whatever code writes the row."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from apps.children.models import Child, PeriodOfCare
from tests.factories import ChildFactory, PeriodOfCareFactory, PlacementFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="cross-table triggers are PostgreSQL's"
    ),
]


def test_a_period_of_care_before_birth_is_refused_by_the_database(cast):
    child = ChildFactory(responsible_la=cast.our_la, date_of_birth=date(2020, 5, 1))
    with pytest.raises(IntegrityError, match="date_not_before_birth"), transaction.atomic():
        PeriodOfCare.objects.create(child=child, start_date=date(2020, 4, 30), legal_status="C1")


def test_a_placement_before_birth_is_refused_by_the_database(cast):
    period = PeriodOfCareFactory(
        child__responsible_la=cast.our_la,
        child__date_of_birth=date(2020, 5, 1),
        start_date=date(2020, 5, 1),
    )
    with pytest.raises(IntegrityError, match="date_not_before_birth"), transaction.atomic():
        PlacementFactory(period_of_care=period, start_date=date(2020, 4, 1))


def test_moving_the_birth_date_after_entry_to_care_is_refused(cast):
    period = PeriodOfCareFactory(
        child__responsible_la=cast.our_la,
        child__date_of_birth=date(2020, 5, 1),
        start_date=date(2021, 1, 4),
    )
    with pytest.raises(IntegrityError, match="date_not_before_birth"), transaction.atomic():
        Child.objects.filter(pk=period.child_id).update(date_of_birth=date(2021, 2, 1))
    assert Child.objects.get(pk=period.child_id).date_of_birth == date(2020, 5, 1)
