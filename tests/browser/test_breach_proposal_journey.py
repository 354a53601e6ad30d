"""Issue 13's journey through the pages: a team manager proposes moving an LA breach to
health, the designated nurse disputes it, and the quarterly report shows it as disputed."""

from datetime import date

import pytest

from apps.assessments import services
from apps.assessments.models import Assessment, BreachProposal
from apps.children import services as children_services
from tests.browser.test_journeys import at
from tests.factories import ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _la_breach(cast) -> Assessment:
    """An IHA requested on working day 10 and held late: charged to the LA."""
    with at(date(2026, 1, 23)):
        child = ChildFactory(responsible_la=cast.our_la, team=cast.team_a, first_name="Dora")
        period = children_services.period_of_care_start(
            child=child,
            start_date=date(2025, 12, 19),
            legal_status="C2",
            started_by=cast.social_worker,
        )
        iha = Assessment.objects.get(period_of_care=period, kind="IHA")
        services.assessment_request(
            assessment=iha,
            sent_on=date(2026, 1, 2),
            provider=cast.provider_a,
            requested_by=cast.social_worker,
            consent_obtained_on=date(2026, 1, 2),
            request_complete_on=date(2026, 1, 2),
        )
        iha.refresh_from_db()
        services.assessment_complete(
            assessment=iha,
            held_on=date(2026, 1, 23),
            clinician_role="PAEDIATRICIAN",
            completed_by=cast.nurse_a,
        )
    iha.refresh_from_db()
    assert (iha.status, iha.effective_party) == ("BREACHED", "LA")
    return iha


def _choose(page, field: str, value: str, label: str) -> None:
    """A select or radios, whichever the form renders."""
    if page.locator(f"select#id_{field}").count():
        page.select_option(f"#id_{field}", value)
    else:
        page.get_by_label(label).check()


def test_a_proposal_disputed_by_health_shows_as_disputed_in_the_quarterly_report(
    page, cast, login, screenshot
):
    iha = _la_breach(cast)
    with at(date(2026, 2, 2)):
        login(page, "manager")
        page.goto(f"/assessments/{iha.pk}/override/")
        _choose(page, "party", "HEALTH", "Health")
        _choose(page, "reason", "LATE_REQUEST", "LA request sent after its deadline")
        page.fill("#id_note", "Clinic had no slots")
        page.get_by_role("button", name="Save").click()
        # A reason of the LA cannot charge health: the error names the field.
        page.wait_for_selector(".govuk-error-summary")
        assert "is a reason charged to the local authority" in page.content()
        _choose(page, "reason", "CLINICAL_CAPACITY", "No appointment available in time")
        page.get_by_role("button", name="Save").click()
        page.wait_for_selector("[data-testid=breach-proposal]")
        assert "Proposed" in page.get_by_test_id("breach-proposal").inner_text()
        assert "Breach charged to local authority" in page.get_by_test_id("breach").inner_text()
        screenshot(page, "13-breach-proposed")

        login(page, "designated")
        page.goto("/breach-proposals/")
        page.get_by_role("link", name="Answer the proposal for").first.click()
        page.wait_for_selector("h1:has-text('Proposal to charge the breach to health')")
        _choose(page, "answer", "dispute", "Dispute: keep it where it is")
        page.get_by_role("button", name="Send answer").click()
        page.wait_for_selector(".govuk-error-summary")
        assert "Say why you dispute the proposal." in page.content()
        _choose(page, "answer", "dispute", "Dispute: keep it where it is")
        page.fill("#id_note", "The request came on working day 10")
        page.get_by_role("button", name="Send answer").click()
        page.wait_for_selector("text=Answer recorded.")
        assert "Disputed" in page.content()
        screenshot(page, "14-breach-disputed")

        login(page, "performance")
        page.goto("/performance/breaches/?year=2025")
        table = page.locator("table", has_text="Initial health assessments").first
        headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
        year_row = table.locator("tbody tr", has_text="Year")
        cells = [c.strip() for c in year_row.locator("th, td").all_inner_texts()]
        assert cells[headers.index("Disputed")] == "1"
        assert cells[headers.index("Breaches LA")] == "0"
        screenshot(page, "15-quarterly-report-disputed")
    assert BreachProposal.objects.get().state == "DISPUTED"
