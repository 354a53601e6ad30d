"""The adopters (who adopts, their legal status, whether they are the child's foster carers)
and the reason a plan changed away from adoption, in the DfE's SSDA903 AD1 and
PlacedAdoption codes: the pure rule, the services, the database constraints behind them, the
API and the case page. "Today" is frozen on 30 June 2021."""

import re
from datetime import date
from itertools import product

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.adoption import services
from apps.adoption.models import AdoptionCase
from apps.adoption.rules import (
    ADOPTER_FIELDS,
    ADOPTER_LEGAL_STATUSES,
    ADOPTER_SEXES,
    LEGAL_STATUSES_FOR_SEX,
    PLAN_CHANGE_REASONS,
    Stage,
    adopter_errors,
    number_of_adopters,
)
from apps.placements.services import placement_start, placement_update
from tests.adoption.conftest import TYPICAL_ADOPTERS, make_case
from tests.factories import ChildFactory, PeriodOfCareFactory
from tests.helpers import signed_in_client

TODAY = date(2021, 6, 30)
CASES = "/api/v1/adoption/cases/"

# Written out from the DfE's validation rules (511, 514, 517-520, 524), not copied from the
# code under test: a single adopter is L0; a man and a woman are married (L11), civil
# partners (L2) or unmarried (L3); two men or two women are married (L12), civil partners
# (L2) or unmarried (L4).
ALLOWED_STATUSES = {
    "M1": {"L0"},
    "F1": {"L0"},
    "MF": {"L11", "L2", "L3"},
    "MM": {"L12", "L2", "L4"},
    "FF": {"L12", "L2", "L4"},
}
ALL_PAIRS = list(product(sorted(ADOPTER_SEXES), sorted(ADOPTER_LEGAL_STATUSES)))

# The route up to the match, and on to the adoption order.
MATCHED = {
    "adoption_plan_on": date(2019, 3, 1),
    "adm_decision_on": date(2019, 4, 2),
    "placement_order_on": date(2019, 6, 3),
    "match_decision_on": date(2019, 9, 2),
}
MOVED_IN = {**MATCHED, "moved_in_on": date(2019, 10, 1)}
ADOPTED = {**MOVED_IN, "adoption_order_on": date(2020, 5, 4)}
# A value for each adopter detail, for the tests that give one at a time.
ONE_DETAIL = {
    "adopters_sex": "F1",
    "adopters_legal_status": "L0",
    "adopted_by_foster_carers": True,
}


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def field_names(error: ValidationError) -> list[str]:
    return list(error.message_dict)


# ---------------------------------------------------------------------------------------
# The pure rule (no database)


def test_the_codes_are_the_dfes():
    assert set(ADOPTER_SEXES) == {"M1", "F1", "MM", "FF", "MF"}
    assert set(ADOPTER_LEGAL_STATUSES) == {"L0", "L11", "L12", "L2", "L3", "L4"}
    assert set(PLAN_CHANGE_REASONS) == {"RD1", "RD2", "RD3", "RD4"}
    assert LEGAL_STATUSES_FOR_SEX == ALLOWED_STATUSES


@pytest.mark.parametrize(("sex", "status"), ALL_PAIRS)
def test_the_legal_status_must_fit_who_is_adopting(sex, status):
    errors = adopter_errors({**MATCHED, "adopters_sex": sex, "adopters_legal_status": status})
    if status in ALLOWED_STATUSES[sex]:
        assert errors == {}
    else:
        assert list(errors) == ["adopters_legal_status"]
        assert errors["adopters_legal_status"] == (
            f"'{ADOPTER_LEGAL_STATUSES[status]}' does not fit "
            f"'{ADOPTER_SEXES[sex].lower()}' adopting."
        )


@pytest.mark.parametrize(
    ("sex", "expected"),
    [("M1", 1), ("F1", 1), ("MM", 2), ("FF", 2), ("MF", 2), ("", None)],
)
def test_the_number_of_adopters_follows_from_who_is_adopting(sex, expected):
    assert number_of_adopters(sex) == expected
    assert AdoptionCase(adopters_sex=sex).number_of_adopters == expected


@pytest.mark.parametrize("field", ADOPTER_FIELDS)
def test_each_adopter_detail_needs_the_match(field):
    values = {"adoption_plan_on": date(2019, 3, 1), field: ONE_DETAIL[field]}
    assert list(adopter_errors(values)) == [field]
    assert "needs the match recorded first" in adopter_errors(values)[field]


def test_no_to_foster_carers_is_an_answer_and_also_needs_the_match():
    errors = adopter_errors({"adopted_by_foster_carers": False})
    assert errors == {
        "adopted_by_foster_carers": "Adopted by the child's foster carers needs the match "
        "recorded first."
    }


def test_every_adopter_detail_before_a_match_is_an_error_on_its_own_field():
    values = {"adoption_plan_on": date(2019, 3, 1), **TYPICAL_ADOPTERS}
    assert set(adopter_errors(values)) == set(ADOPTER_FIELDS)


@pytest.mark.parametrize("missing", ADOPTER_FIELDS)
def test_the_adoption_order_needs_each_adopter_detail(missing):
    values = {**ADOPTED, **TYPICAL_ADOPTERS, missing: None}
    errors = adopter_errors(values)
    assert list(errors) == [missing]
    assert errors[missing].endswith(": answer this to record the adoption order.")


def test_the_adoption_order_with_every_detail_is_accepted():
    assert adopter_errors({**ADOPTED, **TYPICAL_ADOPTERS}) == {}


def test_an_adoption_order_with_no_adopters_names_all_three():
    assert list(adopter_errors(ADOPTED)) == list(ADOPTER_FIELDS)


# (placement code, foster-carer answer) -> the error is expected. A3/A5 are placements for
# adoption with the current foster carers, A4/A6 not; U1 (a foster placement) and no
# placement say nothing about it.
FOSTER_CARER_CASES = [
    ("A3", True, False),
    ("A3", False, True),
    ("A3", None, False),
    ("A5", True, False),
    ("A5", False, True),
    ("A5", None, False),
    ("A4", True, True),
    ("A4", False, False),
    ("A4", None, False),
    ("A6", True, True),
    ("A6", False, False),
    ("A6", None, False),
    ("U1", True, False),
    ("U1", False, False),
    ("U1", None, False),
    ("", True, False),
    ("", False, False),
    ("", None, False),
]


@pytest.mark.parametrize(("placement_code", "foster", "refused"), FOSTER_CARER_CASES)
def test_the_foster_carer_answer_must_agree_with_the_placement(placement_code, foster, refused):
    errors = adopter_errors(
        {**MATCHED, "adopted_by_foster_carers": foster}, placement_code=placement_code
    )
    if refused:
        assert list(errors) == ["adopted_by_foster_carers"]
        assert f"The child's placement is {placement_code}" in errors["adopted_by_foster_carers"]
    else:
        assert errors == {}


@pytest.mark.parametrize("reason", sorted(PLAN_CHANGE_REASONS))
def test_a_plan_change_with_a_known_reason_is_accepted(reason):
    values = {"plan_changed_on": date(2020, 1, 6), "plan_changed_reason": reason}
    assert adopter_errors(values) == {}


def test_a_plan_change_needs_its_reason():
    assert adopter_errors({"plan_changed_on": date(2020, 1, 6), "plan_changed_reason": ""}) == {
        "plan_changed_reason": "Choose why the plan changed away from adoption."
    }


def test_a_reason_without_the_plan_change_is_an_error_on_the_date():
    assert adopter_errors({"plan_changed_on": None, "plan_changed_reason": "RD2"}) == {
        "plan_changed_on": "Enter the date the plan changed, or remove the reason."
    }


@pytest.mark.parametrize("plan_changed_on", [date(2020, 1, 6), None])
def test_an_unknown_plan_change_reason_is_refused(plan_changed_on):
    values = {"plan_changed_on": plan_changed_on, "plan_changed_reason": "RD9"}
    assert adopter_errors(values) == {
        "plan_changed_reason": "Choose why the plan changed from the list."
    }


@pytest.mark.parametrize("field", ["adopters_sex", "adopters_legal_status"])
def test_an_unknown_adopter_code_is_refused_on_its_field(field):
    errors = adopter_errors({**MATCHED, **TYPICAL_ADOPTERS, field: "XX"})
    assert list(errors) == [field]
    assert errors[field].endswith("from the list.")


def test_nothing_recorded_is_no_error():
    assert adopter_errors({}) == {}


# ---------------------------------------------------------------------------------------
# The services


def start_placement(case: AdoptionCase, place: str, on: date, cast):
    return placement_start(
        child=case.child,
        start_date=on,
        place=place,
        place_provider="PR1",
        area=cast.our_la,
        started_by=cast.social_worker,
    )


def update(case: AdoptionCase, cast, **data) -> AdoptionCase:
    return services.adoption_case_update(case=case, updated_by=cast.social_worker, data=data)


def new_child(cast):
    return ChildFactory(
        responsible_la=cast.our_la, team=cast.team_a, date_of_birth=date(2018, 6, 1)
    )


def refused_create_fields(cast, child, data: dict) -> list[str]:
    """The fields a refused new case names; nothing is saved."""
    with pytest.raises(ValidationError) as error:
        services.adoption_case_create(child=child, created_by=cast.social_worker, data=data)
    assert not AdoptionCase.objects.exists()
    return field_names(error.value)


@pytest.mark.django_db
def test_create_refuses_a_legal_status_that_does_not_fit_naming_the_field(cast):
    data = {**MATCHED, "adopters_sex": "M1", "adopters_legal_status": "L11"}
    assert refused_create_fields(cast, new_child(cast), data) == ["adopters_legal_status"]


@pytest.mark.django_db
def test_create_refuses_adopters_before_the_match(cast):
    data = {"adoption_plan_on": date(2019, 3, 1), "adopters_sex": "MF"}
    assert refused_create_fields(cast, new_child(cast), data) == ["adopters_sex"]


@pytest.mark.django_db
def test_update_refuses_a_legal_status_that_does_not_fit_and_keeps_the_case(cast):
    case = make_case(cast, milestones=MATCHED)
    with pytest.raises(ValidationError) as error:
        update(case, cast, adopters_sex="FF", adopters_legal_status="L3")
    assert field_names(error.value) == ["adopters_legal_status"]
    case.refresh_from_db()
    assert (case.adopters_sex, case.adopters_legal_status, case.version) == ("", "", 1)


@pytest.mark.django_db
def test_an_adoption_order_without_the_adopters_names_each_missing_detail(cast):
    case = make_case(cast, milestones=MOVED_IN)
    with pytest.raises(ValidationError) as error:
        update(case, cast, adoption_order_on=ADOPTED["adoption_order_on"], adopters_sex="MF")
    assert set(field_names(error.value)) == {"adopters_legal_status", "adopted_by_foster_carers"}


@pytest.mark.django_db
def test_an_adoption_order_with_the_adopters_is_recorded(cast):
    case = make_case(cast, milestones=MOVED_IN)
    case = update(
        case,
        cast,
        adoption_order_on=ADOPTED["adoption_order_on"],
        adopters_sex="FF",
        adopters_legal_status="L2",
        adopted_by_foster_carers=True,
    )
    case.refresh_from_db()
    assert case.stage == Stage.ADOPTED
    assert (case.adopters_sex, case.adopters_legal_status) == ("FF", "L2")
    assert case.adopted_by_foster_carers is True
    assert case.number_of_adopters == 2
    assert case.version == 2


@pytest.mark.django_db
def test_clearing_the_match_with_adopters_recorded_is_refused_on_the_adopters(cast):
    case = make_case(cast, milestones=MATCHED)
    update(case, cast, adopters_sex="M1", adopters_legal_status="L0")
    with pytest.raises(ValidationError) as error:
        update(case, cast, match_decision_on=None)
    assert set(field_names(error.value)) == {"adopters_sex", "adopters_legal_status"}


@pytest.mark.django_db
def test_a_plan_change_without_its_reason_is_refused_on_the_reason(cast):
    case = make_case(cast, milestones={"adoption_plan_on": date(2019, 3, 1)})
    with pytest.raises(ValidationError) as error:
        update(case, cast, plan_changed_on=date(2020, 2, 3), plan_changed_note="Returned home.")
    assert field_names(error.value) == ["plan_changed_reason"]
    case = update(
        case,
        cast,
        plan_changed_on=date(2020, 2, 3),
        plan_changed_note="Returned home.",
        plan_changed_reason="RD1",
    )
    case.refresh_from_db()
    assert case.plan_changed_reason == "RD1"
    assert case.stage == Stage.PLAN_CHANGED


@pytest.mark.django_db
def test_a_cleared_code_is_stored_blank_not_null(cast):
    case = make_case(cast, milestones=MATCHED)
    update(case, cast, adopters_sex="MF", adopters_legal_status="L3")
    case = update(case, cast, adopters_sex=None, adopters_legal_status=None)
    case.refresh_from_db()
    assert (case.adopters_sex, case.adopters_legal_status) == ("", "")


@pytest.mark.django_db
@pytest.mark.parametrize("place", ["A3", "A5"])
def test_a_child_placed_with_their_foster_carers_cannot_be_recorded_as_not(cast, place):
    case = make_case(cast, milestones=MATCHED)
    start_placement(case, place, date(2019, 9, 9), cast)
    with pytest.raises(ValidationError) as error:
        update(case, cast, adopted_by_foster_carers=False)
    assert field_names(error.value) == ["adopted_by_foster_carers"]
    assert (
        f"The child's placement is {place}"
        in error.value.message_dict["adopted_by_foster_carers"][0]
    )
    case = update(case, cast, adopted_by_foster_carers=True)
    case.refresh_from_db()
    assert case.adopted_by_foster_carers is True


@pytest.mark.django_db
@pytest.mark.parametrize("place", ["A4", "A6"])
def test_a_child_placed_with_new_adopters_cannot_be_recorded_as_with_foster_carers(cast, place):
    case = make_case(cast, milestones=MATCHED)
    start_placement(case, place, date(2019, 9, 9), cast)
    with pytest.raises(ValidationError) as error:
        update(case, cast, adopted_by_foster_carers=True)
    assert field_names(error.value) == ["adopted_by_foster_carers"]
    assert update(case, cast, adopted_by_foster_carers=False).adopted_by_foster_carers is False


@pytest.mark.django_db
def test_a_new_case_for_a_child_placed_a5_cannot_say_not_foster_carers(cast):
    child = new_child(cast)
    PeriodOfCareFactory(child=child, start_date=date(2019, 1, 7))
    placement_start(
        child=child,
        start_date=date(2019, 9, 9),
        place="A5",
        place_provider="PR1",
        area=cast.our_la,
        started_by=cast.social_worker,
    )
    data = {**MATCHED, "adopted_by_foster_carers": False}
    assert refused_create_fields(cast, child, data) == ["adopted_by_foster_carers"]


@pytest.mark.django_db
def test_the_foster_carer_answer_is_checked_against_the_latest_placement(cast):
    case = make_case(cast, milestones=MATCHED)
    # An earlier placement for adoption with other adopters (A4) ended; the current one is
    # with the foster carers (A5), and only the current one decides the answer.
    start_placement(case, "A4", date(2019, 2, 4), cast)
    start_placement(case, "A5", date(2019, 9, 9), cast)
    with pytest.raises(ValidationError) as error:
        update(case, cast, adopted_by_foster_carers=False)
    assert field_names(error.value) == ["adopted_by_foster_carers"]
    assert update(case, cast, adopted_by_foster_carers=True).adopted_by_foster_carers is True


@pytest.mark.django_db
def test_a_change_of_placement_type_on_the_same_day_is_checked_against_the_new_one(cast):
    case = make_case(cast, milestones=MATCHED)
    # The foster placement becomes a placement for adoption with the same carers on the
    # day it began: a second placement that day is refused, the type is corrected instead.
    placement = start_placement(case, "U1", date(2019, 9, 9), cast)
    with pytest.raises(ValidationError):
        start_placement(case, "A5", date(2019, 9, 9), cast)
    placement_update(placement=placement, updated_by=cast.social_worker, data={"place": "A5"})
    with pytest.raises(ValidationError) as error:
        update(case, cast, adopted_by_foster_carers=False)
    assert field_names(error.value) == ["adopted_by_foster_carers"]


@pytest.mark.django_db
def test_a_foster_placement_leaves_the_foster_carer_answer_to_the_worker(cast):
    case = make_case(cast, milestones=MATCHED)
    start_placement(case, "U1", date(2019, 9, 9), cast)
    assert update(case, cast, adopted_by_foster_carers=False).adopted_by_foster_carers is False
    assert update(case, cast, adopted_by_foster_carers=True).adopted_by_foster_carers is True


# ---------------------------------------------------------------------------------------
# The database, written around the service


def write_around_the_service(case: AdoptionCase, **values) -> IntegrityError:
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        AdoptionCase.objects.filter(pk=case.pk).update(**values)
    return error.value


@pytest.mark.django_db
@pytest.mark.parametrize(
    "values",
    [
        {"plan_changed_on": date(2020, 2, 3), "plan_changed_note": "Returned home."},
        {"plan_changed_reason": "RD1"},
        {
            "plan_changed_on": date(2020, 2, 3),
            "plan_changed_note": "Returned home.",
            "plan_changed_reason": "RD9",
        },
    ],
    ids=["date-without-reason", "reason-without-date", "unknown-reason"],
)
def test_the_database_refuses_a_plan_change_without_a_known_reason(cast, values):
    case = make_case(cast, milestones={"adoption_plan_on": date(2019, 3, 1)})
    error = write_around_the_service(case, **values)
    assert "adoption_plan_changed_has_reason" in str(error)


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value"), list(ONE_DETAIL.items()))
def test_the_database_refuses_adopters_without_a_match(cast, field, value):
    case = make_case(cast, milestones={"adoption_plan_on": date(2019, 3, 1)})
    error = write_around_the_service(case, **{field: value})
    assert "adoption_adopters_need_match" in str(error)


@pytest.mark.django_db
@pytest.mark.parametrize(("sex", "status"), ALL_PAIRS)
def test_the_database_refuses_exactly_the_legal_statuses_that_do_not_fit(cast, sex, status):
    case = make_case(cast, milestones=MATCHED)
    values = {"adopters_sex": sex, "adopters_legal_status": status}
    if status in ALLOWED_STATUSES[sex]:
        AdoptionCase.objects.filter(pk=case.pk).update(**values)
        case.refresh_from_db()
        assert (case.adopters_sex, case.adopters_legal_status) == (sex, status)
    else:
        error = write_around_the_service(case, **values)
        assert "adoption_adopters_legal_status_fits" in str(error)


# ---------------------------------------------------------------------------------------
# The API


@pytest.fixture
def sw(api, cast):
    return api(cast.social_worker)


@pytest.fixture
def matched_case(cast):
    return make_case(cast, milestones=MATCHED)


@pytest.mark.django_db
def test_api_a_single_man_cannot_be_a_married_couple(sw, matched_case):
    response = sw.patch(
        f"{CASES}{matched_case.pk}/",
        {"adopters_sex": "M1", "adopters_legal_status": "L11"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["adopters_legal_status"]
    matched_case.refresh_from_db()
    assert matched_case.adopters_sex == ""


@pytest.mark.django_db
def test_api_records_the_adopters_and_reports_their_number(sw, matched_case):
    response = sw.patch(
        f"{CASES}{matched_case.pk}/",
        {"adopters_sex": "MF", "adopters_legal_status": "L3", "adopted_by_foster_carers": False},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["adopters_sex"] == "MF"
    assert body["adopters_legal_status"] == "L3"
    assert body["adopted_by_foster_carers"] is False
    assert body["number_of_adopters"] == 2
    assert sw.get(f"{CASES}{matched_case.pk}/").json()["number_of_adopters"] == 2


@pytest.mark.django_db
def test_api_null_clears_the_adopters_like_a_date(sw, matched_case):
    url = f"{CASES}{matched_case.pk}/"
    first = sw.patch(url, {"adopters_sex": "F1", "adopters_legal_status": "L0"}, format="json")
    assert first.status_code == 200
    response = sw.patch(url, {"adopters_sex": None, "adopters_legal_status": None}, format="json")
    assert response.status_code == 200
    assert (response.json()["adopters_sex"], response.json()["adopters_legal_status"]) == ("", "")
    assert response.json()["number_of_adopters"] is None


@pytest.mark.django_db
def test_api_a_case_without_adopters_has_no_number(sw, matched_case):
    body = sw.get(f"{CASES}{matched_case.pk}/").json()
    assert body["adopters_sex"] == ""
    assert body["adopted_by_foster_carers"] is None
    assert body["number_of_adopters"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("adopters_sex", "XX"),
        ("adopters_legal_status", "XX"),
        ("plan_changed_reason", "XX"),
        ("adopted_by_foster_carers", "perhaps"),
    ],
)
def test_api_an_invalid_code_is_a_400_naming_the_field(sw, matched_case, field, value):
    response = sw.patch(f"{CASES}{matched_case.pk}/", {field: value}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.django_db
def test_api_a_plan_change_without_its_reason_is_a_400_on_the_reason(sw, cast):
    case = make_case(cast, milestones={"adoption_plan_on": date(2019, 3, 1)})
    response = sw.patch(
        f"{CASES}{case.pk}/",
        {"plan_changed_on": "2020-02-03", "plan_changed_note": "Returned home."},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["plan_changed_reason"]


@pytest.mark.django_db
def test_api_create_refuses_adopters_before_the_match(sw, cast):
    child = ChildFactory(
        responsible_la=cast.our_la, team=cast.team_a, date_of_birth=date(2018, 6, 1)
    )
    response = sw.post(
        CASES,
        {"child": child.pk, "adoption_plan_on": "2019-03-01", "adopters_sex": "FF"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["adopters_sex"]
    assert not AdoptionCase.objects.filter(child=child).exists()


# ---------------------------------------------------------------------------------------
# The case page and the milestones form


def milestones_form(values: dict, **extra) -> dict[str, str]:
    return {name: value.isoformat() for name, value in values.items()} | extra


@pytest.mark.django_db
def test_the_team_records_the_adopters_and_sees_them_on_the_case_page(cast):
    case = make_case(cast, milestones=MATCHED)
    browser = signed_in_client(cast.social_worker)
    response = browser.post(
        f"/adoption/children/{case.child_id}/milestones/",
        milestones_form(
            MATCHED,
            adopters_sex="MF",
            adopters_legal_status="L11",
            adopted_by_foster_carers="yes",
            version="1",
        ),
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.adopters_sex, case.adopters_legal_status) == ("MF", "L11")
    assert case.adopted_by_foster_carers is True
    page = browser.get(response["Location"]).content.decode()
    adopters = page.split('data-testid="adopters"', 1)[1].split("</dl>", 1)[0]
    assert "A man and a woman" in adopters
    assert "Married couple, different sex" in adopters
    assert "Yes" in adopters


@pytest.mark.django_db
def test_the_form_shows_the_recorded_foster_carer_answer(cast):
    case = make_case(cast, milestones=MATCHED)
    update(
        case, cast, adopters_sex="M1", adopters_legal_status="L0", adopted_by_foster_carers=False
    )
    page = (
        signed_in_client(cast.social_worker)
        .get(f"/adoption/children/{case.child_id}/milestones/")
        .content.decode()
    )
    # Three answers are radios (GOV.UK, issue 16); "No" is the one checked.
    assert re.search(r'value="no"\s*checked', page)
    assert '<option value="M1" selected>One man</option>' in page


@pytest.mark.django_db
def test_a_legal_status_that_does_not_fit_shows_the_error_summary_on_the_field(cast):
    case = make_case(cast, milestones=MATCHED)
    response = signed_in_client(cast.social_worker).post(
        f"/adoption/children/{case.child_id}/milestones/",
        milestones_form(MATCHED, adopters_sex="M1", adopters_legal_status="L11", version="1"),
    )
    # The project answers a form with errors with 400 (apps/core/views_base.form_page), as
    # the other adoption page tests assert.
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_adopters_legal_status"' in page
    assert "&#x27;Married couple, different sex&#x27; does not fit &#x27;one man&#x27;" in page
    case.refresh_from_db()
    assert case.adopters_sex == ""


@pytest.mark.django_db
def test_an_unknown_code_posted_to_the_form_is_a_form_error_not_a_500(cast):
    case = make_case(cast, milestones=MATCHED)
    response = signed_in_client(cast.social_worker).post(
        f"/adoption/children/{case.child_id}/milestones/",
        milestones_form(MATCHED, adopters_sex="XX", version="1"),
    )
    assert response.status_code == 400
    assert 'href="#id_adopters_sex"' in response.content.decode()


@pytest.mark.django_db
def test_the_case_page_has_no_adopters_before_the_match(cast):
    case = make_case(cast, milestones={"adoption_plan_on": date(2019, 3, 1)})
    page = signed_in_client(cast.social_worker).get(f"/adoption/children/{case.child_id}/")
    assert page.status_code == 200
    assert 'data-testid="adopters"' not in page.content.decode()


@pytest.mark.django_db
def test_the_case_page_gives_the_reason_the_plan_changed(cast):
    case = make_case(
        cast,
        milestones={
            "adoption_plan_on": date(2019, 3, 1),
            "plan_changed_on": date(2020, 2, 3),
            "plan_changed_note": "The court made a special guardianship order.",
            "plan_changed_reason": "RD2",
        },
    )
    page = (
        signed_in_client(cast.social_worker)
        .get(f"/adoption/children/{case.child_id}/")
        .content.decode()
    )
    milestones = page.split('data-testid="milestones"', 1)[1].split("</dl>", 1)[0]
    assert (
        "The court did not make a placement order. The court made a special guardianship order."
        in milestones
    )
