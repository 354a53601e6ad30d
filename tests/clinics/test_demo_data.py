"""The demo's clinics (apps/clinics/demo_data.py): seed_demo leaves a diary with booked and
free slots and a forecast with supply, through the services; running it again adds none."""

from datetime import date

import pytest

from apps.accounts.models import Role
from apps.clinics import selectors
from apps.clinics.demo_data import WEEKS, clinic_journeys
from apps.clinics.models import Booking, ClinicPolicy, ClinicSession
from tests.clinics.conftest import TODAY, new_request
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_sets_up_clinics_and_books_some_of_the_requests(cast):
    UserFactory(username="adviser.a", role=Role.MEDICAL_ADVISER, organisation=cast.provider_a)
    requests = [new_request(cast, entry=date(2026, 2, 16 + i)) for i in range(4)]
    made = clinic_journeys(orgs={"A": cast.provider_a, "LA": cast.our_la}, today=TODAY)
    sessions = ClinicSession.objects.filter(provider=cast.provider_a)
    # An IHA clinic (the medical adviser) and an RHA clinic (the nurse) each week.
    assert made.sessions == sessions.count() == 2 * WEEKS
    assert set(sessions.values_list("kind", flat=True)) == {"IHA", "RHA"}
    assert sessions.order_by("date").first().date >= TODAY
    booked = Booking.objects.filter(released_at__isnull=True)
    assert made.booked == booked.count() > 0
    # The earliest deadlines went first; free slots remain in the diary.
    first_booked = sorted(b.appointment.assessment.due_date for b in booked)
    assert first_booked == sorted(a.due_date for a in requests)[: len(first_booked)]
    assert made.slots > made.booked
    rows = selectors.week_diary(cast.health_admin_a, date(2026, 3, 2))
    statuses = {r.status for _, slots in rows for r in slots}
    assert "Free" in statuses and "Booked" in statuses
    assert ClinicPolicy.objects.filter(provider=cast.provider_a, effective_from=TODAY).exists()
    [forecast] = selectors.capacity(cast.health_admin_a, providers=[cast.provider_a], today=TODAY)
    assert sum(w.free_slots for w in forecast.weeks) > 0
    # Run again: the same clinics clash with themselves, so none is added.
    again = clinic_journeys(orgs={"A": cast.provider_a}, today=TODAY)
    assert again.sessions == 0 and ClinicSession.objects.count() == 2 * WEEKS


def test_a_provider_without_a_doctor_gets_rha_clinics_only(cast):
    made = clinic_journeys(orgs={"B": cast.provider_b}, today=TODAY)
    assert made.sessions == WEEKS
    assert set(ClinicSession.objects.values_list("kind", flat=True)) == {"RHA"}
    # Provider B has no health admin: its nurse books (none of its requests here).
    assert made.booked == 0
