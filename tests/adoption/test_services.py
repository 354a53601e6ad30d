"""Writes through the adoption services: validation naming the field, the database
constraints behind it, due dates from the LA's policy, and the work item lifecycle.
"Today" is frozen on 30 June 2021."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from apps.adoption import services
from apps.adoption.models import AdoptionCase, AdoptionWorkItem, WorkItemKind
from apps.adoption.rules import NOTES, ORDER_RULES, Stage
from apps.core.exceptions import StaleEdit
from apps.policy.models import LocalAuthorityPolicy
from tests.adoption.conftest import make_case
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db
TODAY = date(2021, 6, 30)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def field_errors(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


# ---------------------------------------------------------------------------------------
# Cases


def test_a_case_is_created_with_its_milestones_and_history(cast):
    case = make_case(
        cast,
        milestones={"adoption_plan_on": date(2019, 3, 1), "adm_decision_on": date(2019, 4, 2)},
    )
    case.refresh_from_db()
    assert case.stage == Stage.ADM
    assert case.history.count() == 1
    assert case.created_by == cast.social_worker


def test_one_case_per_child(cast):
    case = make_case(cast)
    with pytest.raises(ValidationError) as error:
        services.adoption_case_create(child=case.child, created_by=cast.social_worker)
    assert field_errors(error.value) == {"child": ["This child already has an adoption case."]}


def test_the_database_refuses_a_second_case_for_a_child(cast):
    case = make_case(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        AdoptionCase.objects.create(child=case.child)


def test_create_refuses_milestones_out_of_order_naming_the_field(cast):
    child = ChildFactory(
        responsible_la=cast.our_la, team=cast.team_a, date_of_birth=date(2020, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        services.adoption_case_create(
            child=child,
            created_by=cast.social_worker,
            data={"adoption_plan_on": date(2021, 3, 1), "adm_decision_on": date(2021, 2, 1)},
        )
    assert list(field_errors(error.value)) == ["adm_decision_on"]
    assert not AdoptionCase.objects.exists()


def test_a_milestone_before_birth_is_refused(cast):
    child = ChildFactory(
        responsible_la=cast.our_la, team=cast.team_a, date_of_birth=date(2020, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        services.adoption_case_create(
            child=child,
            created_by=cast.social_worker,
            data={"adoption_plan_on": date(2019, 12, 31)},
        )
    assert field_errors(error.value) == {
        "adoption_plan_on": [
            "Adoption plan cannot be before the child's date of birth (01/01/2020)."
        ]
    }


def test_a_milestone_in_the_future_is_refused(cast):
    case = make_case(cast)
    with pytest.raises(ValidationError) as error:
        services.adoption_case_update(
            case=case, updated_by=cast.social_worker, data={"adoption_plan_on": date(2021, 7, 1)}
        )
    assert field_errors(error.value) == {
        "adoption_plan_on": ["Adoption plan cannot be in the future."]
    }


def test_update_records_milestones_bumps_the_version_and_keeps_history(cast):
    case = make_case(
        cast, milestones={"adoption_plan_on": date(2020, 3, 1)}, entry=date(2020, 1, 6)
    )
    case = services.adoption_case_update(
        case=case,
        updated_by=cast.social_worker,
        data={"adm_decision_on": date(2020, 4, 1)},
        expected_version=1,
    )
    assert case.version == 2
    assert case.history.count() == 2


def test_update_with_a_stale_version_is_refused(cast):
    case = make_case(
        cast, milestones={"adoption_plan_on": date(2020, 3, 1)}, entry=date(2020, 1, 6)
    )
    services.adoption_case_update(
        case=case, updated_by=cast.manager, data={"adm_decision_on": date(2020, 4, 1)}
    )
    with pytest.raises(StaleEdit):
        services.adoption_case_update(
            case=case,
            updated_by=cast.social_worker,
            data={"adm_decision_on": date(2020, 4, 2)},
            expected_version=1,
        )


def test_update_refuses_fields_that_are_not_milestones(cast):
    case = make_case(cast)
    with pytest.raises(ValidationError) as error:
        services.adoption_case_update(
            case=case, updated_by=cast.social_worker, data={"child": case.child}
        )
    assert list(field_errors(error.value)) == ["child"]


def test_clearing_a_milestone_that_later_ones_need_is_refused(cast):
    case = make_case(
        cast,
        entry=date(2020, 1, 6),
        milestones={"adoption_plan_on": date(2020, 3, 1), "adm_decision_on": date(2020, 4, 1)},
    )
    with pytest.raises(ValidationError) as error:
        services.adoption_case_update(
            case=case, updated_by=cast.social_worker, data={"adoption_plan_on": None}
        )
    assert list(field_errors(error.value)) == ["adm_decision_on"]


def test_disruption_after_moving_in_with_a_note(cast):
    case = make_case(
        cast,
        entry=date(2020, 1, 6),
        milestones={
            "adoption_plan_on": date(2020, 3, 1),
            "adm_decision_on": date(2020, 4, 1),
            "placement_order_on": date(2020, 6, 1),
            "match_decision_on": date(2020, 9, 1),
            "moved_in_on": date(2020, 9, 20),
        },
    )
    case = services.adoption_case_update(
        case=case,
        updated_by=cast.social_worker,
        data={"disruption_on": date(2020, 12, 1), "disruption_note": "  Carers ended it  "},
    )
    assert case.stage == Stage.DISRUPTED
    assert case.disruption_note == "Carers ended it"


REQUIRED_BEFORE = {rule.later: rule.earlier for rule in ORDER_RULES if rule.required}


def _with_predecessors(field: str) -> list[str]:
    chain = [field]
    while chain[-1] in REQUIRED_BEFORE:
        chain.append(REQUIRED_BEFORE[chain[-1]])
    return chain


@pytest.mark.parametrize("rule", ORDER_RULES, ids=lambda rule: rule.constraint_name)
def test_the_database_enforces_each_order_rule(cast, rule):
    """The CheckConstraints stand behind the service: a row written around it with the
    later milestone a day before the earlier one (everything they need on the first day)
    is refused by that rule's constraint."""
    case = make_case(cast, date_of_birth=date(2000, 1, 1), entry=date(2000, 1, 1))
    first, second = date(2010, 1, 1), date(2010, 1, 2)
    values = dict.fromkeys(_with_predecessors(rule.later) + _with_predecessors(rule.earlier), first)
    values[rule.earlier] = second
    for field, note in NOTES.items():
        if field in values:
            values[note] = "x"
    if "plan_changed_on" in values:
        values["plan_changed_reason"] = "RD4"
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        AdoptionCase.objects.filter(pk=case.pk).update(**values)
    assert rule.constraint_name in str(error.value)


def test_the_database_refuses_a_disruption_without_a_note(cast):
    case = make_case(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        AdoptionCase.objects.filter(pk=case.pk).update(
            adoption_plan_on=date(2020, 2, 1),
            adm_decision_on=date(2020, 2, 1),
            match_decision_on=date(2020, 2, 1),
            moved_in_on=date(2020, 2, 1),
            disruption_on=date(2020, 3, 1),
        )


def test_the_database_refuses_a_disruption_with_an_adoption_order(cast):
    case = make_case(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        AdoptionCase.objects.filter(pk=case.pk).update(
            adoption_plan_on=date(2020, 2, 1),
            adm_decision_on=date(2020, 2, 1),
            match_decision_on=date(2020, 2, 1),
            moved_in_on=date(2020, 2, 1),
            adoption_order_on=date(2020, 6, 1),
            disruption_on=date(2020, 3, 1),
            disruption_note="x",
        )


# ---------------------------------------------------------------------------------------
# Work items


def request(case, advisers, cast, **overrides):
    values = {
        "case": case,
        "kind": WorkItemKind.CHILD_HEALTH_REPORT,
        "requested_on": date(2021, 1, 31),
        "assigned_to": advisers.adviser_a,
        "requested_by": cast.social_worker,
    }
    return services.adoption_work_item_request(**{**values, **overrides})


def test_a_request_is_due_one_calendar_month_later_clamped_to_month_end(cast, advisers):
    item = request(make_case(cast), advisers, cast)
    assert item.due_date == date(2021, 2, 28)


def test_a_request_on_the_last_day_of_january_in_a_leap_year_is_due_29_february(cast, advisers):
    case = make_case(cast, entry=date(2019, 1, 7), date_of_birth=date(2018, 1, 1))
    item = request(case, advisers, cast, requested_on=date(2020, 1, 31))
    assert item.due_date == date(2020, 2, 29)


def test_the_la_policy_in_force_on_the_request_date_sets_the_months(cast, advisers):
    LocalAuthorityPolicy.objects.create(
        local_authority=cast.our_la, effective_from=date(2021, 3, 1), adoption_work_item_months=2
    )
    case = make_case(cast)
    before = request(case, advisers, cast, requested_on=date(2021, 2, 28))
    after = request(
        case,
        advisers,
        cast,
        kind=WorkItemKind.PARENTS_HEALTH,
        requested_on=date(2021, 3, 31),
    )
    assert before.due_date == date(2021, 3, 28)
    assert after.due_date == date(2021, 5, 31)


def test_another_las_policy_does_not_apply(cast, advisers):
    LocalAuthorityPolicy.objects.create(
        local_authority=cast.other_la, effective_from=date(2020, 1, 1), adoption_work_item_months=3
    )
    item = request(make_case(cast), advisers, cast, requested_on=date(2021, 3, 15))
    assert item.due_date == date(2021, 4, 15)


def test_a_request_must_be_assigned_to_a_medical_adviser(cast, advisers):
    with pytest.raises(ValidationError) as error:
        request(make_case(cast), advisers, cast, assigned_to=cast.nurse_a)
    assert field_errors(error.value) == {"assigned_to": ["Choose an adoption medical adviser."]}


def test_an_inactive_adviser_cannot_be_assigned(cast, advisers):
    advisers.adviser_a.is_active = False
    advisers.adviser_a.save()
    with pytest.raises(ValidationError) as error:
        request(make_case(cast), advisers, cast)
    assert list(field_errors(error.value)) == ["assigned_to"]


def test_a_request_in_the_future_or_before_birth_is_refused(cast, advisers):
    case = make_case(cast)
    with pytest.raises(ValidationError) as error:
        request(case, advisers, cast, requested_on=date(2021, 7, 1))
    assert list(field_errors(error.value)) == ["requested_on"]
    with pytest.raises(ValidationError) as error:
        request(case, advisers, cast, requested_on=date(2018, 5, 31))
    assert list(field_errors(error.value)) == ["requested_on"]


def test_an_unknown_kind_is_refused(cast, advisers):
    with pytest.raises(ValidationError) as error:
        request(make_case(cast), advisers, cast, kind="DENTAL")
    assert list(field_errors(error.value)) == ["kind"]


def test_one_open_request_per_kind_but_one_per_prospective_adopter(cast, advisers):
    case = make_case(cast)
    request(case, advisers, cast)
    with pytest.raises(ValidationError) as error:
        request(case, advisers, cast)
    assert list(field_errors(error.value)) == ["kind"]
    adopter = WorkItemKind.PROSPECTIVE_ADOPTER_HEALTH_REPORT
    request(case, advisers, cast, kind=adopter, note="Adopter 1")
    request(case, advisers, cast, kind=adopter, note="Adopter 2")
    assert case.work_items.filter(kind=adopter).count() == 2


def test_a_new_request_of_a_kind_once_the_last_is_done(cast, advisers):
    case = make_case(cast)
    first = request(case, advisers, cast)
    services.adoption_work_item_complete(
        work_item=first, completed_on=date(2021, 2, 10), completed_by=advisers.adviser_a
    )
    second = request(case, advisers, cast, requested_on=date(2021, 5, 4))
    assert second.due_date == date(2021, 6, 4)


def test_no_new_request_after_the_plan_changed(cast, advisers):
    case = make_case(
        cast,
        milestones={
            "adoption_plan_on": date(2020, 2, 1),
            "plan_changed_on": date(2020, 5, 1),
            "plan_changed_note": "Returned home",
        },
    )
    with pytest.raises(ValidationError) as error:
        request(case, advisers, cast, requested_on=date(2020, 6, 1))
    assert list(field_errors(error.value)) == ["case"]


def test_completion_by_a_medical_adviser(cast, advisers):
    item = request(make_case(cast), advisers, cast)
    item = services.adoption_work_item_complete(
        work_item=item, completed_on=date(2021, 2, 28), completed_by=advisers.adviser_b
    )
    assert (item.completed_on, item.completed_by, item.version) == (
        date(2021, 2, 28),
        advisers.adviser_b,
        2,
    )
    assert item.history.count() == 2


def test_completing_twice_is_refused(cast, advisers):
    item = request(make_case(cast), advisers, cast)
    services.adoption_work_item_complete(
        work_item=item, completed_on=date(2021, 2, 1), completed_by=advisers.adviser_a
    )
    with pytest.raises(ValidationError) as error:
        services.adoption_work_item_complete(
            work_item=item, completed_on=date(2021, 2, 2), completed_by=advisers.adviser_a
        )
    assert field_errors(error.value) == {
        "completed_on": ["This work was already completed on 01/02/2021."]
    }


def test_completion_before_the_request_or_in_the_future_is_refused(cast, advisers):
    item = request(make_case(cast), advisers, cast)
    for day in (date(2021, 1, 30), date(2021, 7, 1)):
        with pytest.raises(ValidationError) as error:
            services.adoption_work_item_complete(
                work_item=item, completed_on=day, completed_by=advisers.adviser_a
            )
        assert list(field_errors(error.value)) == ["completed_on"]


def test_only_a_medical_adviser_completes(cast, advisers):
    item = request(make_case(cast), advisers, cast)
    with pytest.raises(PermissionDenied):
        services.adoption_work_item_complete(
            work_item=item, completed_on=date(2021, 2, 1), completed_by=cast.social_worker
        )


def test_the_database_refuses_a_completion_without_its_author(cast, advisers):
    item = request(make_case(cast), advisers, cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        AdoptionWorkItem.objects.filter(pk=item.pk).update(completed_on=date(2021, 2, 1))
