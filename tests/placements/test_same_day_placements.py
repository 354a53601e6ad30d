"""A placement cannot start the day the open one started: it would leave a placement of no
days (the 50-way race in tests/security/test_concurrency.py relies on this too)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from apps.placements.services import placement_start
from tests.factories import ChildFactory, PeriodOfCareFactory

pytestmark = pytest.mark.django_db


def _start(cast, child, day, place="U6"):
    return placement_start(
        child=child,
        start_date=day,
        place=place,
        place_provider="PR1",
        area=cast.our_la,
        started_by=cast.social_worker,
    )


def test_a_second_placement_the_same_day_is_refused_and_nothing_changes(cast):
    child = ChildFactory(responsible_la=cast.our_la, date_of_birth=date(2015, 1, 1))
    PeriodOfCareFactory(child=child, start_date=date(2025, 5, 1))
    first = _start(cast, child, date(2025, 6, 1))

    with pytest.raises(ValidationError) as error:
        _start(cast, child, date(2025, 6, 1), place="U4")

    assert list(error.value.message_dict) == ["start_date"]
    assert "correct its details" in error.value.message_dict["start_date"][0]
    first.refresh_from_db()
    assert (first.end_date, child.placements.count()) == (None, 1)
    # The next day is a move like any other.
    assert _start(cast, child, date(2025, 6, 2), place="U4").start_date == date(2025, 6, 2)
    first.refresh_from_db()
    assert first.end_date == date(2025, 6, 2)
