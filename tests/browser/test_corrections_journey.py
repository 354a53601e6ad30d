"""Issue 13's correction journey through the pages: a social worker opens a child whose IHA
request was sent late (the breach is charged to the LA), follows the Change link on the
request, corrects the date with a reason and sees the LA's breach go, on the child page and
in the breach list; a stale edit shows what changed; a health admin deletes an appointment
entered in error and the auditor sees it with its reason."""

from datetime import date

import pytest

from apps.assessments import services
from apps.assessments.models import Appointment, Assessment
from apps.children import services as children_services
from tests.browser.test_journeys import at
from tests.factories import ChildFactory
from tests.helpers import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _late_request(cast) -> Assessment:
    """Entry on 19 December 2025; the request sent on working day 7 (2 January 2026); the
    IHA held on 23 January, after its deadline (21 January): charged to the LA."""
    with at(date(2026, 1, 23)):
        child = ChildFactory(
            responsible_la=cast.our_la, team=cast.team_a, first_name="Cora", last_name="Late"
        )
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
            request_complete_on=date(2026, 1, 2),
        )
        services.assessment_complete(
            assessment=iha,
            held_on=date(2026, 1, 23),
            clinician_role="PAEDIATRICIAN",
            completed_by=cast.nurse_a,
        )
        children_services.recompute_now(child.pk)
    iha.refresh_from_db()
    assert (iha.status, iha.effective_party, iha.breach_reason) == (
        "BREACHED",
        "LA",
        "LATE_REQUEST",
    )
    return iha


def test_a_social_worker_corrects_a_late_request_and_the_la_breach_goes(
    page, cast, login, screenshot
):
    iha = _late_request(cast)
    with at(date(2026, 2, 2)):
        # (The performance manager here, the team manager after: one sign-in each, as a
        # one-time code is not accepted twice.)
        login(page, "performance")
        page.goto("/breaches/?party=LA")
        assert "Cora Late" in page.get_by_test_id("breaches").inner_text()

        login(page, "sw")
        page.goto(f"/children/{iha.child_id}/")
        table = page.get_by_test_id("assessments")
        assert "Local authority" in table.inner_text()
        assert "working day 7" in page.get_by_test_id("timeline").inner_text()
        screenshot(page, "corrections-01-child-with-la-breach")

        table.get_by_role("link", name="Change").click()
        page.wait_for_selector("h1:has-text('Correct the request')")
        # A date that contradicts the record: the GOV.UK error names the field and the date.
        fill_date(page, "#id_request_sent_on", "2025-12-18")
        fill_date(page, "#id_request_complete_on", "2025-12-18")
        page.fill("#id_reason", "Request date mistyped")
        page.get_by_role("button", name="Save the correction").click()
        page.wait_for_selector(".govuk-error-summary")
        assert "19 December 2025" in page.locator(".govuk-error-summary").inner_text()
        screenshot(page, "corrections-02-request-refused-before-entry")

        fill_date(page, "#id_request_sent_on", "2025-12-29")
        fill_date(page, "#id_request_complete_on", "2025-12-29")
        screenshot(page, "corrections-03-request-correction-form")
        page.get_by_role("button", name="Save the correction").click()
        page.wait_for_selector("text=Correction saved.")
        breach = page.get_by_test_id("breach").inner_text()
        assert "local authority" not in breach and "charged to health" in breach
        screenshot(page, "corrections-04-assessment-after-correction")

        page.goto(f"/children/{iha.child_id}/")
        assert "Local authority" not in page.get_by_test_id("assessments").inner_text()
        timeline = page.get_by_test_id("timeline").inner_text()
        assert "Request corrected" in timeline and "Request date mistyped" in timeline
        assert "Corrected" in timeline
        screenshot(page, "corrections-05-child-after-correction")

        login(page, "manager")
        page.goto("/breaches/?party=LA")
        assert "Cora Late" not in page.get_by_test_id("breaches").inner_text()
        screenshot(page, "corrections-06-la-breaches-without-it")
        page.goto("/breaches/?party=HEALTH")
        assert "Cora Late" in page.get_by_test_id("breaches").inner_text()
    iha.refresh_from_db()
    assert (iha.request_sent_on, iha.breach_party) == (date(2025, 12, 29), "HEALTH")


def test_a_stale_correction_shows_what_changed(page, cast, login, screenshot):
    iha = _late_request(cast)
    with at(date(2026, 2, 2)):
        login(page, "sw")
        page.goto(f"/assessments/{iha.pk}/request/correct/")
        # Meanwhile the team manager corrects the same request.
        from apps.assessments.corrections import request_correct

        request_correct(
            assessment=iha,
            corrected_by=cast.manager,
            data={"request_complete_on": date(2026, 1, 5)},
            reason="Consent arrived on the 5th",
        )
        fill_date(page, "#id_request_sent_on", "2025-12-29")
        page.fill("#id_reason", "Request date mistyped")
        page.get_by_role("button", name="Save the correction").click()
        summary = page.locator(".govuk-error-summary").inner_text()
        assert "Someone else changed this record" in summary
        assert "from 2 January 2026 to 5 January 2026" in summary
        # Only what a person changed: not the status the system worked out after it.
        assert "status" not in summary.lower()
        screenshot(page, "corrections-07-stale-edit")


def test_an_appointment_entered_in_error_is_deleted_and_the_auditor_sees_why(
    page, cast, login, screenshot
):
    with at(date(2026, 1, 20)):
        child = ChildFactory(
            responsible_la=cast.our_la, team=cast.team_a, first_name="Eli", last_name="Error"
        )
        period = children_services.period_of_care_start(
            child=child,
            start_date=date(2025, 12, 19),
            legal_status="C2",
            started_by=cast.social_worker,
        )
        iha = Assessment.objects.get(period_of_care=period, kind="IHA")
        services.assessment_request(
            assessment=iha,
            sent_on=date(2025, 12, 22),
            provider=cast.provider_a,
            requested_by=cast.social_worker,
            request_complete_on=date(2025, 12, 22),
        )
        appointment = services.appointment_book(
            assessment=iha,
            appointment_date=date(2026, 1, 14),
            booked_on=date(2025, 12, 23),
            booked_by=cast.health_admin_a,
        )
        services.appointment_record_outcome(
            appointment=appointment,
            outcome="CANCELLED",
            cancelled_by="HEALTH",
            recorded_by=cast.health_admin_a,
            recorded_on=date(2026, 1, 13),
        )
        children_services.recompute_now(child.pk)
    with at(date(2026, 2, 2)):
        children_services.recompute_now(child.pk)
        iha.refresh_from_db()
        assert iha.breach_reason == "HEALTH_CANCELLED"
        login(page, "healthadmin")
        page.goto(f"/assessments/{iha.pk}/")
        page.get_by_role("link", name="Delete the appointment of 14 January 2026").click()
        page.wait_for_selector("h1:has-text('Delete the appointment: entered in error')")
        page.fill("#id_reason", "Recorded against the wrong child")
        screenshot(page, "corrections-08-delete-appointment")
        page.get_by_role("button", name="Delete: entered in error").click()
        page.wait_for_selector("text=Record deleted as entered in error.")
        assert "None booked." in page.content()
        assert "health cancelled" not in page.get_by_test_id("breach").inner_text().lower()

        login(page, "auditor")
        page.goto(f"/children/{child.pk}/")
        assert (
            "Deleted: entered in error: appointment" in page.get_by_test_id("timeline").inner_text()
        )
        page.get_by_test_id("deleted-records-link").click()
        rows = page.get_by_test_id("deleted-records").inner_text()
        assert "IHA appointment" in rows and "Recorded against the wrong child" in rows
        screenshot(page, "corrections-09-auditor-deleted-records")
    assert Appointment.all_objects.get(pk=appointment.pk).deleted_at is not None
