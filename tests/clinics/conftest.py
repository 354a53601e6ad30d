"""Shared set-up for the clinic tests: "today" is Monday 2 March 2026; a child who came into
care on Friday 20 February has an IHA due on Friday 20 March (working day 20)."""

from datetime import date, time

import pytest
import time_machine

from apps.accounts.models import Role
from apps.assessments import services as assessment_services
from apps.assessments.models import Assessment
from apps.children import services as children_services
from apps.clinics import services
from tests.factories import ChildFactory, UserFactory

TODAY = date(2026, 3, 2)
ENTRY = date(2026, 2, 20)
TUESDAY = date(2026, 3, 3)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def paediatrician(cast):
    return UserFactory(
        username="dr.ahmed",
        first_name="Sara",
        last_name="Ahmed",
        role=Role.LAC_NURSE,
        organisation=cast.provider_a,
    )


def new_request(
    cast, *, entry: date = ENTRY, sent_on: date = date(2026, 2, 23), provider=None, **child
):
    kid = ChildFactory(**{"responsible_la": cast.our_la, "team": cast.team_a, **child})
    period = children_services.period_of_care_start(
        child=kid, start_date=entry, legal_status="C2", started_by=cast.social_worker
    )
    assessment = Assessment.objects.get(period_of_care=period, kind="IHA")
    assessment_services.assessment_request(
        assessment=assessment,
        sent_on=sent_on,
        provider=provider or cast.provider_a,
        requested_by=cast.social_worker,
        consent_obtained_on=sent_on,
        request_complete_on=sent_on,
    )
    assessment.refresh_from_db()
    return assessment


def make_clinic(
    cast, clinician, *, day: date = TUESDAY, weeks: int = 1, kind: str = "IHA", **extra
):
    values = {
        "provider": cast.provider_a,
        "kind": kind,
        "first_date": day,
        "start_time": time(9),
        "end_time": time(12),
        "venue_name": "Ashford Child Health Centre",
        "venue_address": "1 Station Road, Ashford",
        "venue_postcode": "tn23 1aa",
        "clinician": clinician,
        "clinician_role": "PAEDIATRICIAN",
        "created_by": cast.health_admin_a,
        "weeks": weeks,
        **extra,
    }
    return services.clinic_sessions_create(**values)
