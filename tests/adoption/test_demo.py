"""The demo adoption journeys: made through the services, consistent with the care record
(the SSDA903 export of the whole demo data set goes through the DfE's validator in CI)."""

from datetime import date

import pytest

from apps.adoption.models import AdoptionCase
from apps.adoption.rules import adopter_errors, milestone_errors
from apps.devtools.demo import adoption_journeys, create_children, load_organisations

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)


def test_demo_adoption_cases_follow_the_route_and_the_care_record(time_machine):
    time_machine.move_to(TODAY)
    orgs = load_organisations("demo")
    create_children(count=120, orgs=orgs, today=TODAY, seed=2026)

    made = adoption_journeys(orgs=orgs, today=TODAY, seed=2026)

    cases = list(AdoptionCase.objects.select_related("child"))
    assert made == len(cases) >= 4
    stages = {case.stage for case in cases}
    assert len(stages) >= 2, stages
    for case in cases:
        values = vars(case)
        assert milestone_errors(values, date_of_birth=case.child.date_of_birth, today=TODAY) == {}
        assert adopter_errors(values) == {}
        period = case.child.periods_of_care.get()
        statuses = {c.start_date: c.legal_status for c in period.legal_status_changes.all()}
        if case.placement_order_on:
            assert statuses[case.placement_order_on] == "E1"
        else:
            assert "E1" not in statuses.values()
        if case.plan_changed_on and case.placement_order_on:
            assert statuses[case.plan_changed_on] == "C2"  # the order revoked
        if case.moved_in_on:
            placement = case.child.placements.get(start_date=case.moved_in_on)
            assert placement.place == ("A5" if case.adopted_by_foster_carers else "A6")
        if case.adoption_order_on:
            assert (period.end_date, period.reason_end in {"E11", "E12"}) == (
                case.adoption_order_on,
                True,
            )
        else:
            assert period.end_date is None
        assert case.work_items.count() == 1
