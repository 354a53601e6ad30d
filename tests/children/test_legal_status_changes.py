"""Recording a change of legal status within a period of care (an SSDA903 episode with RNE
L, U or B), through the service."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from apps.children.services import legal_status_change_record
from apps.core.services import today
from tests.factories import ChildFactory, PeriodOfCareFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(cast):
    child = ChildFactory(responsible_la=cast.our_la, date_of_birth=date(2020, 1, 1))
    return PeriodOfCareFactory(child=child, start_date=date(2024, 5, 1), legal_status="C2")


def _record(period, cast, day, status):
    return legal_status_change_record(
        period=period, start_date=day, legal_status=status, recorded_by=cast.social_worker
    )


def _error_fields(error: ValidationError) -> list[str]:
    return list(error.value.message_dict)


def test_a_placement_order_is_recorded_from_its_day(cast, period):
    change = _record(period, cast, date(2024, 11, 1), "E1")
    assert (change.child_id, change.start_date, change.legal_status) == (
        period.child_id,
        date(2024, 11, 1),
        "E1",
    )
    assert change.history.count() == 1
    # Revoked later: back to a care order.
    _record(period, cast, date(2025, 3, 1), "C2")
    assert list(period.legal_status_changes.values_list("legal_status", flat=True)) == ["E1", "C2"]


@pytest.mark.parametrize(
    ("day", "status", "field"),
    [
        (date(2024, 5, 1), "E1", "start_date"),  # the day of entry: correct the entry status
        (date(2024, 4, 1), "E1", "start_date"),  # before entry
        (None, "E1", "start_date"),  # tomorrow (set below)
        (date(2024, 6, 1), "C2", "legal_status"),  # no change
        (date(2024, 6, 1), "Z9", "legal_status"),  # not a code
    ],
)
def test_bad_changes_are_refused_naming_the_field(cast, period, day, status, field):
    day = day or today() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        _record(period, cast, day, status)
    assert _error_fields(error) == [field]
    assert not period.legal_status_changes.exists()


def test_one_change_a_day_and_none_after_the_period_ended(cast, period):
    _record(period, cast, date(2024, 11, 1), "E1")
    with pytest.raises(ValidationError) as error:
        _record(period, cast, date(2024, 11, 1), "C1")
    assert _error_fields(error) == ["start_date"]

    period.end_date, period.reason_end = date(2025, 1, 1), "E11"
    period.save()
    with pytest.raises(ValidationError) as error:
        _record(period, cast, date(2024, 12, 1), "C2")
    assert "has ended" in str(error.value)


def test_the_status_compared_is_the_one_in_force_that_day(cast, period):
    _record(period, cast, date(2024, 11, 1), "E1")
    # Between entry (C2) and the placement order: C2 is in force, so C2 is no change.
    with pytest.raises(ValidationError):
        _record(period, cast, date(2024, 8, 1), "C2")
    _record(period, cast, date(2024, 8, 1), "C1")
    assert [c.legal_status for c in period.legal_status_changes.order_by("start_date")] == [
        "C1",
        "E1",
    ]
