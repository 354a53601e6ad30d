"""The medical adviser's worklist in Chromium: open reports with due dates and status tags,
overdue first; recording one as done, with the GOV.UK error summary on a bad date first."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.adoption.models import AdoptionWorkItem, WorkItemKind
from apps.adoption.services import adoption_work_item_request
from tests.adoption.conftest import make_case
from tests.helpers import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONDON = ZoneInfo("Europe/London")
TODAY = date(2021, 6, 30)


@pytest.fixture
def frozen():
    with time_machine.travel(datetime(2021, 6, 30, 10, tzinfo=LONDON), tick=True):
        yield


def test_adviser_works_through_the_worklist(frozen, page, cast, advisers, login, screenshot):
    amy = make_case(cast, first_name="Amy", last_name="Lee")
    ben = make_case(cast, first_name="Ben", last_name="Cole")

    def ask(case, kind, on):
        return adoption_work_item_request(
            case=case,
            kind=kind,
            requested_on=on,
            assigned_to=advisers.adviser_a,
            requested_by=cast.social_worker,
        )

    pending = ask(amy, WorkItemKind.CHILD_HEALTH_REPORT, date(2021, 6, 14))  # due 14 July
    overdue = ask(ben, WorkItemKind.PERMANENCE_REPORT_HEALTH_SUMMARY, date(2021, 5, 4))  # 4 June
    ask(ben, WorkItemKind.PARENTS_HEALTH, date(2021, 6, 25))  # due 25 July

    login(page, "adviser.a")
    page.goto("/adoption/worklist/")
    page.wait_for_selector("h1:has-text('Adoption medical adviser work')")
    table = page.get_by_test_id("adoption-worklist")
    rows = table.locator("tbody tr")
    assert rows.count() == 3
    # Overdue first, with a red tag; then the rest by due date.
    first = rows.nth(0)
    assert "Ben Cole" in first.inner_text()
    assert "4 Jun 2021" in first.inner_text()
    assert first.locator(".govuk-tag--red").inner_text() == "Overdue"
    assert "14 Jul 2021" in rows.nth(1).inner_text()
    assert rows.nth(1).locator(".govuk-tag").inner_text() == "Pending"
    assert "25 Jul 2021" in rows.nth(2).inner_text()
    screenshot(page, "adoption-01-adviser-worklist")

    page.get_by_test_id(f"work-item-{overdue.pk}").get_by_role(
        "link", name="Record as done"
    ).click()
    page.wait_for_selector("h1:has-text('Record as done')")
    fill_date(page, "#id_completed_on", "2021-05-01")
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "cannot be before the request (04/05/2021)" in summary.inner_text()
    screenshot(page, "adoption-02-completion-error")

    fill_date(page, "#id_completed_on", "2021-06-29")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=Work recorded as done.")
    assert page.get_by_test_id("adoption-worklist").locator("tbody tr").count() == 2
    assert "Amy Lee" in page.get_by_test_id(f"work-item-{pending.pk}").inner_text()
    screenshot(page, "adoption-03-worklist-after-completion")

    done = AdoptionWorkItem.objects.get(pk=overdue.pk)
    assert (done.completed_on, done.completed_by_id) == (date(2021, 6, 29), advisers.adviser_a.pk)

    # The child's case page shows the breached report and the open one.
    page.get_by_role("link", name="Ben Cole").first.click()
    page.wait_for_selector("h1:has-text('Adoption: Ben Cole')")
    work = page.get_by_test_id("work-items").inner_text()
    assert "Breached" in work and "Pending" in work
    screenshot(page, "adoption-04-case-page")
