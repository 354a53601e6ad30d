"""The adoption pages: the medical adviser's worklist (open items, overdue first, status
tags), the child's case page, and the forms, which validate on the server and answer bad
input with a GOV.UK error summary naming the field, never a 500. "Today": 30 June 2021."""

from datetime import date

import pytest
import time_machine

from apps.adoption.models import AdoptionCase, AdoptionWorkItem, WorkItemKind
from apps.adoption.selectors import medical_adviser_worklist
from apps.adoption.services import adoption_work_item_complete, adoption_work_item_request
from tests.adoption.conftest import make_case
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db
TODAY = date(2021, 6, 30)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def ask(case, cast, to, kind=WorkItemKind.CHILD_HEALTH_REPORT, on=date(2021, 6, 1), note=""):
    return adoption_work_item_request(
        case=case,
        kind=kind,
        requested_on=on,
        assigned_to=to,
        requested_by=cast.social_worker,
        note=note,
    )


def text(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------------------------------
# Worklist


@pytest.fixture
def worklist_items(cast, advisers):
    first = make_case(cast, first_name="Amy", last_name="Lee")
    second = make_case(cast, first_name="Ben", last_name="Cole")
    adviser = advisers.adviser_a
    return {
        "pending_late": ask(first, cast, adviser, on=date(2021, 6, 20)),  # due 20 July
        "overdue_recent": ask(second, cast, adviser, on=date(2021, 5, 25)),  # due 25 June
        "pending_soon": ask(
            first, cast, adviser, kind=WorkItemKind.PARENTS_HEALTH, on=date(2021, 6, 5)
        ),
        "overdue_oldest": ask(
            second,
            cast,
            adviser,
            kind=WorkItemKind.PERMANENCE_REPORT_HEALTH_SUMMARY,
            on=date(2021, 4, 2),
        ),
        "done": ask(
            first,
            cast,
            adviser,
            kind=WorkItemKind.PROSPECTIVE_ADOPTER_HEALTH_REPORT,
            on=date(2021, 6, 2),
        ),
        "someone_elses": ask(
            second, cast, advisers.adviser_b, kind=WorkItemKind.PARENTS_HEALTH, on=date(2021, 4, 1)
        ),
    }


def test_the_worklist_is_the_advisers_open_items_overdue_first(cast, advisers, worklist_items):
    items = worklist_items
    adoption_work_item_complete(
        work_item=items["done"], completed_on=date(2021, 6, 10), completed_by=advisers.adviser_a
    )
    rows = list(medical_adviser_worklist(advisers.adviser_a))
    assert [row.pk for row in rows] == [
        items["overdue_oldest"].pk,
        items["overdue_recent"].pk,
        items["pending_soon"].pk,
        items["pending_late"].pk,
    ]
    assert [row.status for row in rows] == ["OVERDUE", "OVERDUE", "PENDING", "PENDING"]


def test_the_worklist_page_shows_due_dates_and_status_tags(cast, advisers, worklist_items):
    response = signed_in_client(advisers.adviser_a).get("/adoption/worklist/")
    assert response.status_code == 200
    page = text(response)
    assert "Open work (5)" in page
    assert page.count('govuk-tag govuk-tag--red">Overdue') == 2
    assert page.count('govuk-tag govuk-tag--grey">Pending') == 3
    assert page.index("2 May 2021") < page.index("25 Jun 2021") < page.index("5 Jul 2021")
    assert "Amy Lee" in page and "Ben Cole" in page


def test_the_worklist_page_costs_a_constant_number_of_queries(
    cast, advisers, worklist_items, django_assert_max_num_queries
):
    browser = signed_in_client(advisers.adviser_a)
    browser.get("/adoption/worklist/")
    with django_assert_max_num_queries(12):
        browser.get("/adoption/worklist/")
    for n in range(10):
        case = make_case(cast)
        ask(case, cast, advisers.adviser_a, on=date(2021, 6, n + 1))
    with django_assert_max_num_queries(12):
        browser.get("/adoption/worklist/")


def test_an_empty_worklist_says_so(advisers):
    page = text(signed_in_client(advisers.adviser_b).get("/adoption/worklist/"))
    assert "Nothing waiting for you." in page


# ---------------------------------------------------------------------------------------
# The case page and its forms


def test_the_team_starts_a_case_through_the_milestones_form(cast):
    from tests.factories import ChildFactory, PeriodOfCareFactory

    child = ChildFactory(
        responsible_la=cast.our_la, team=cast.team_a, first_name="Cara", last_name="Hill"
    )
    PeriodOfCareFactory(child=child, start_date=date(2019, 1, 7))
    browser = signed_in_client(cast.social_worker)
    page = text(browser.get(f"/adoption/children/{child.pk}/"))
    assert "No adoption case has been started" in page
    assert "Start the adoption case" in page
    response = browser.post(
        f"/adoption/children/{child.pk}/milestones/", {"adoption_plan_on": "2019-05-02"}
    )
    assert response.status_code == 302
    assert AdoptionCase.objects.get(child=child).adoption_plan_on == date(2019, 5, 2)
    page = text(browser.get(response["Location"]))
    assert "Adoption milestones saved." in page
    assert "2 May 2019" in page
    assert "Adoption is the plan" in page


def test_milestones_out_of_order_show_the_error_summary_on_the_field(cast):
    case = make_case(cast, milestones={"adoption_plan_on": date(2019, 3, 1)})
    browser = signed_in_client(cast.manager)
    response = browser.post(
        f"/adoption/children/{case.child_id}/milestones/",
        {"adoption_plan_on": "2019-03-01", "adm_decision_on": "2019-02-01", "version": "1"},
    )
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert 'href="#id_adm_decision_on"' in page
    assert "ADM decision (01/02/2019) cannot be before the adoption plan (01/03/2019)." in page
    case.refresh_from_db()
    assert case.adm_decision_on is None


@pytest.mark.parametrize("bad", ["2019-02-30", "yesterday", "31/13/2019", "9" * 30])
def test_nonsense_dates_are_form_errors_not_500s(cast, bad):
    case = make_case(cast)
    response = signed_in_client(cast.social_worker).post(
        f"/adoption/children/{case.child_id}/milestones/", {"match_decision_on": bad}
    )
    assert response.status_code == 400
    assert 'href="#id_match_decision_on"' in text(response)


def test_a_stale_milestones_form_is_refused_with_a_message(cast):
    case = make_case(cast, milestones={"adoption_plan_on": date(2019, 3, 1)})
    browser = signed_in_client(cast.social_worker)
    url = f"/adoption/children/{case.child_id}/milestones/"
    assert browser.post(url, {"adoption_plan_on": "2019-03-02", "version": "1"}).status_code == 302
    response = browser.post(url, {"adoption_plan_on": "2019-03-03", "version": "1"})
    assert response.status_code == 400
    assert "changed by someone else" in text(response)


def test_the_team_asks_the_adviser_for_a_report(cast, advisers):
    case = make_case(cast, milestones={"adoption_plan_on": date(2019, 3, 1)})
    browser = signed_in_client(cast.social_worker)
    form = text(browser.get(f"/adoption/children/{case.child_id}/work-items/new/"))
    # Advisers of a provider serving the child's LA come first.
    assert form.index("Asha Patel (Provider A)") < form.index("Ben Okafor (Provider B)")
    response = browser.post(
        f"/adoption/children/{case.child_id}/work-items/new/",
        {
            "kind": "CHILD_HEALTH_REPORT",
            "requested_on": "2021-01-31",
            "assigned_to": str(advisers.adviser_a.pk),
        },
    )
    assert response.status_code == 302
    item = AdoptionWorkItem.objects.get()
    assert (item.due_date, item.assigned_to) == (date(2021, 2, 28), advisers.adviser_a)
    page = text(browser.get(f"/adoption/children/{case.child_id}/"))
    assert "Child&#x27;s health report" in page and "28 Feb 2021" in page


def test_a_bad_request_form_names_each_field(cast, advisers):
    case = make_case(cast)
    response = signed_in_client(cast.social_worker).post(
        f"/adoption/children/{case.child_id}/work-items/new/",
        {"kind": "X", "requested_on": "2021-07-01", "assigned_to": "999999"},
    )
    assert response.status_code == 400
    page = text(response)
    for field in ("kind", "assigned_to"):
        assert f'href="#id_{field}"' in page


def test_a_future_request_date_is_the_services_error_on_its_field(cast, advisers):
    case = make_case(cast)
    response = signed_in_client(cast.social_worker).post(
        f"/adoption/children/{case.child_id}/work-items/new/",
        {
            "kind": "PARENTS_HEALTH",
            "requested_on": "2021-07-01",
            "assigned_to": str(advisers.adviser_a.pk),
        },
    )
    assert response.status_code == 400
    assert 'href="#id_requested_on"' in text(response)
    assert "The request date cannot be in the future." in text(response)


def test_the_adviser_records_the_work_as_done(cast, advisers):
    case = make_case(cast)
    item = ask(case, cast, advisers.adviser_a)
    browser = signed_in_client(advisers.adviser_a)
    case_page = text(browser.get(f"/adoption/children/{case.child_id}/"))
    assert f"/adoption/work-items/{item.pk}/complete/" in case_page
    # The adviser cannot record milestones or ask for work.
    assert "Record adoption milestones" not in case_page
    response = browser.post(
        f"/adoption/work-items/{item.pk}/complete/", {"completed_on": "2021-06-29"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/adoption/worklist/"
    item.refresh_from_db()
    assert item.completed_on == date(2021, 6, 29)
    assert "Nothing waiting for you." in text(browser.get("/adoption/worklist/"))


def test_completing_before_the_request_is_an_error_on_the_field(cast, advisers):
    item = ask(make_case(cast), cast, advisers.adviser_a)
    response = signed_in_client(advisers.adviser_a).post(
        f"/adoption/work-items/{item.pk}/complete/", {"completed_on": "2021-05-01"}
    )
    assert response.status_code == 400
    assert "The completion date cannot be before the request (01/06/2021)." in text(response)


def test_completing_twice_is_an_error_not_a_500(cast, advisers):
    item = ask(make_case(cast), cast, advisers.adviser_a)
    browser = signed_in_client(advisers.adviser_a)
    url = f"/adoption/work-items/{item.pk}/complete/"
    assert browser.post(url, {"completed_on": "2021-06-10"}).status_code == 302
    response = browser.post(url, {"completed_on": "2021-06-11"})
    assert response.status_code == 400
    assert "already completed" in text(response)


def test_read_only_roles_see_the_case_without_forms(cast, advisers):
    case = make_case(cast, milestones={"adoption_plan_on": date(2019, 3, 1)})
    ask(case, cast, advisers.adviser_a)
    page = text(
        signed_in_client(cast.performance_manager).get(f"/adoption/children/{case.child_id}/")
    )
    assert "1 March 2019" in page
    assert "Record adoption milestones" not in page
    assert "Ask the medical adviser" not in page
    assert "Record as done" not in page
