"""No double booking (issue 15): fifty health admins booking fifty different requests into
the same slot at the same moment, on PostgreSQL, leave exactly one booking. Each thread has
its own connection and transaction; the partial unique constraint decides the race."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from apps.assessments.models import Appointment
from apps.clinics import services
from apps.clinics.models import Booking
from tests.clinics.conftest import make_clinic, new_request

RACERS = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_way_race_for_one_slot_leaves_one_booking(cast, paediatrician):
    if connection.vendor != "postgresql":
        pytest.skip("the race needs real concurrent transactions")
    slot = make_clinic(cast, paediatrician).sessions[0].slots.first()
    requests = [new_request(cast) for _ in range(RACERS)]
    barrier = threading.Barrier(RACERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def book(assessment):
        from django.db import connections

        try:
            barrier.wait(timeout=60)
            services.slot_book(slot=slot, assessment=assessment, booked_by=cast.health_admin_a)
            result = "booked"
        except ValidationError as error:
            result = " ".join(error.messages)
        except Exception as error:  # noqa: BLE001 - the test reports what went wrong
            result = f"error: {error!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=book, args=(a,)) for a in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) == RACERS
    assert outcomes.count("booked") == 1, outcomes
    assert all("booked" in o and "error" not in o for o in outcomes), set(outcomes)
    assert Booking.objects.filter(slot=slot).count() == 1
    # The losers' appointments were rolled back with their bookings.
    assert Appointment.objects.filter(assessment__in=requests).count() == 1
