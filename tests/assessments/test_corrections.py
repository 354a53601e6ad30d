"""Corrections of the health records and deletions of records entered in error (issue 13):
the request (the LA's record), the appointment, the held assessment, the dental check, the
SDQ and the immunisation check. Each correction needs a reason, is kept in history with its
author, re-checks the temporal rules, recomputes the clocks and the breach attribution in
the same transaction and shows on the timeline; a stale version is a 409. A deleted record
stays, flagged, and counts nowhere."""

from datetime import date

import pytest
import time_machine

from apps.assessments import corrections, services, workflow
from apps.assessments.models import (
    Appointment,
    Assessment,
    DentalCheck,
    HealthClock,
    ImmunisationRecord,
    SdqRecord,
)
from apps.children import services as children_services
from apps.children.timeline import child_timeline
from tests.factories import ChildFactory
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db

TODAY = date(2026, 2, 2)
# Entry on Friday 19 December 2025: the request is due on 30 December (working day 5; the
# 25th, 26th and 1 January are bank holidays), the IHA on 21 January (working day 20).
ENTRY = date(2025, 12, 19)
WD4 = date(2025, 12, 29)
WD7 = date(2026, 1, 2)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=True):
        yield


def iha_for(cast, *, sent_on=WD7, complete_on=WD7) -> Assessment:
    child = ChildFactory(
        responsible_la=cast.our_la, team=cast.team_a, date_of_birth=date(2015, 6, 10)
    )
    period = children_services.period_of_care_start(
        child=child, start_date=ENTRY, legal_status="C2", started_by=cast.social_worker
    )
    iha = Assessment.objects.get(period_of_care=period, kind="IHA")
    if sent_on is not None:
        services.assessment_request(
            assessment=iha,
            sent_on=sent_on,
            provider=cast.provider_a,
            requested_by=cast.social_worker,
            request_complete_on=complete_on,
        )
    children_services.recompute_now(child.pk)
    iha.refresh_from_db()
    return iha


def late_request_iha(cast) -> Assessment:
    """Requested (and complete) on working day 7, not held by 21 January: overdue, charged
    to the LA for the late request."""
    iha = iha_for(cast)
    assert (iha.status, iha.breach_party, iha.breach_reason) == ("OVERDUE", "LA", "LATE_REQUEST")
    assert "working day 7" in iha.breach_rule
    return iha


def fresh(record):
    model = type(record)
    return getattr(model, "all_objects", model.objects).get(pk=record.pk)


# The request -------------------------------------------------------------------------------


def test_a_request_corrected_from_working_day_7_to_4_is_met_and_the_la_breach_goes(cast):
    iha = late_request_iha(cast)
    corrections.request_correct(
        assessment=iha,
        corrected_by=cast.social_worker,
        data={"request_sent_on": WD4, "request_complete_on": WD4},
        reason="Request date mistyped",
        expected_version=iha.version,
    )
    iha.refresh_from_db()
    # The request is in time (the KPI "IHA requests within 5 working days" counts it met):
    assert iha.request_complete_on <= iha.request_due
    # and the LA's breach is gone: the IHA is still not held by its deadline, which is now
    # health's breach (request complete in time, no reason given yet).
    assert (iha.breach_party, iha.breach_reason) == ("HEALTH", "")
    assert "LA request" not in iha.breach_rule
    record = iha.history.order_by("-history_date", "-history_id").first()
    assert (record.history_change_reason, record.history_user) == (
        "Request date mistyped",
        cast.social_worker,
    )
    titles = [e.title for e in child_timeline(iha.child) if e.kind == "correction"]
    assert titles == ["Request corrected"]


def test_a_held_iha_with_the_request_corrected_into_time_is_met_with_no_breach(cast):
    iha = late_request_iha(cast)
    services.assessment_complete(
        assessment=iha, held_on=date(2026, 1, 22), clinician_role="GP", completed_by=cast.nurse_a
    )
    children_services.recompute_now(iha.child_id)
    iha.refresh_from_db()
    assert (iha.status, iha.breach_party) == ("BREACHED", "LA")
    # The held date was mistyped too (21 January, working day 20), and the request's.
    corrections.assessment_correct(
        assessment=iha,
        corrected_by=cast.nurse_a,
        data={"held_on": date(2026, 1, 21)},
        reason="Clinic date mistyped",
    )
    corrections.request_correct(
        assessment=iha,
        corrected_by=cast.social_worker,
        data={"request_sent_on": WD4, "request_complete_on": WD4},
        reason="Request date mistyped",
    )
    services.assessment_return_report(
        assessment=iha, returned_on=date(2026, 1, 21), returned_by=cast.nurse_a
    )
    children_services.recompute_now(iha.child_id)
    iha.refresh_from_db()
    assert (iha.status, iha.report_breached) == ("MET", False)
    assert (iha.breach_party, iha.breach_reason) == ("", "")


def test_a_request_correction_needs_a_reason(cast, api):
    iha = late_request_iha(cast)
    with pytest.raises(Exception) as refused:
        corrections.request_correct(
            assessment=iha,
            corrected_by=cast.social_worker,
            data={"request_sent_on": WD4},
            reason=" ",
        )
    assert "reason" in refused.value.message_dict
    response = api(cast.social_worker).patch(
        f"/api/v1/requests/{iha.pk}/", {"request_sent_on": "2025-12-29"}, format="json"
    )
    assert response.status_code == 400 and "reason" in response.json()
    page = signed_in_client(cast.social_worker).post(
        f"/assessments/{iha.pk}/request/correct/",
        {"request_sent_on": "2025-12-29", "provider": cast.provider_a.pk, "version": iha.version},
    )
    assert page.status_code == 400
    assert 'href="#id_reason"' in page.content.decode()
    iha.refresh_from_db()
    assert iha.request_sent_on == WD7


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        # Before entry to care: the other date named.
        (
            {"request_sent_on": "2025-12-18", "request_complete_on": "2025-12-18"},
            "request_sent_on",
            "19 December 2025",
        ),
        # Complete before sent.
        ({"request_complete_on": "2025-12-31"}, "request_complete_on", "2 January 2026"),
        # In the future.
        ({"request_sent_on": "2026-02-03"}, "request_sent_on", "future"),
    ],
)
def test_a_request_correction_breaking_a_temporal_rule_is_refused(cast, api, data, field, words):
    iha = late_request_iha(cast)
    response = api(cast.social_worker).patch(
        f"/api/v1/requests/{iha.pk}/", {**data, "reason": "Mistyped"}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert any(words in m for m in response.json()[field]), response.json()


def test_a_request_sent_after_its_appointment_was_booked_is_refused(cast):
    iha = iha_for(cast, sent_on=WD4, complete_on=WD4)
    services.appointment_book(
        assessment=iha,
        appointment_date=date(2026, 1, 12),
        booked_on=date(2025, 12, 30),
        booked_by=cast.health_admin_a,
    )
    with pytest.raises(Exception) as refused:
        corrections.request_correct(
            assessment=iha,
            corrected_by=cast.social_worker,
            data={"request_sent_on": WD7, "request_complete_on": WD7},
            reason="Mistyped",
        )
    assert "30 December 2025" in str(refused.value.message_dict["request_sent_on"])


def test_the_change_link_on_the_child_page_corrects_the_request(cast):
    iha = late_request_iha(cast)
    client = signed_in_client(cast.social_worker)
    page = client.get(f"/children/{iha.child_id}/").content.decode()
    url = f"/assessments/{iha.pk}/request/correct/"
    assert f'href="{url}"' in page
    form = client.get(url).content.decode()
    assert 'id="id_reason"' in form and 'id="id_request_sent_on"' in form
    response = client.post(
        url,
        {
            "request_sent_on": "2025-12-29",
            "provider": cast.provider_a.pk,
            "request_complete_on": "2025-12-29",
            "reason": "Request date mistyped",
            "version": iha.version,
        },
    )
    assert response.status_code == 302
    child_page = client.get(f"/children/{iha.child_id}/").content.decode()
    assert "Request corrected" in child_page and "Request date mistyped" in child_page
    assert "request sent on from 2 January 2026 to 29 December 2025" in child_page
    # The LA's breaches no longer list it.
    breaches = signed_in_client(cast.manager).get("/breaches/?party=LA").content.decode()
    assert iha.child.last_name not in breaches


def test_a_stale_request_form_is_a_409_that_says_what_changed(cast):
    iha = late_request_iha(cast)
    loaded = iha.version
    corrections.request_correct(
        assessment=iha,
        corrected_by=cast.manager,
        data={"request_complete_on": date(2026, 1, 5)},
        reason="Consent came later",
    )
    response = signed_in_client(cast.social_worker).post(
        f"/assessments/{iha.pk}/request/correct/",
        {
            "request_sent_on": "2025-12-29",
            "provider": cast.provider_a.pk,
            "request_complete_on": "2025-12-29",
            "reason": "Mistyped",
            "version": loaded,
        },
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this record" in body
    assert "from 2 January 2026 to 5 January 2026" in body


def test_health_staff_may_not_correct_the_las_request_and_other_teams_do_not_see_it(cast, api):
    iha = late_request_iha(cast)
    assert (
        api(cast.nurse_a)
        .patch(
            f"/api/v1/requests/{iha.pk}/",
            {"request_sent_on": "2025-12-29", "reason": "x"},
            format="json",
        )
        .status_code
        == 403
    )
    assert (
        signed_in_client(cast.nurse_a).get(f"/assessments/{iha.pk}/request/correct/").status_code
        == 404
    )
    assert (
        signed_in_client(cast.social_worker_team_b)
        .get(f"/assessments/{iha.pk}/request/correct/")
        .status_code
        == 404
    )


def test_a_request_entered_in_error_is_deleted_with_a_reason_and_auditors_see_it(cast, api):
    iha = late_request_iha(cast)
    assert api(cast.social_worker).delete(f"/api/v1/requests/{iha.pk}/").status_code == 400
    response = api(cast.social_worker).delete(
        f"/api/v1/requests/{iha.pk}/?reason=Sent+for+the+wrong+child"
    )
    assert response.status_code == 204
    iha.refresh_from_db()
    assert (iha.request_sent_on, iha.request_complete_on, iha.provider_id) == (None, None, None)
    assert iha.request_deletion_reason == "Sent for the wrong child"
    assert iha.request_deleted_by == cast.social_worker
    # Not sent at all now: the breach is undetermined (no request date recorded).
    assert iha.breach_party == "UNDETERMINED"
    titles = [e.title for e in child_timeline(iha.child) if e.kind == "deletion"]
    assert titles == ["Deleted: entered in error: IHA request sent 2 January 2026"]
    page = signed_in_client(cast.auditor).get(f"/children/{iha.child_id}/deleted-records/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "IHA request" in body and "Sent for the wrong child" in body
    assert "Sent 2 January 2026" in body
    # Only auditors (and platform operators) have the page.
    assert (
        signed_in_client(cast.social_worker)
        .get(f"/children/{iha.child_id}/deleted-records/")
        .status_code
        == 404
    )


# The appointment ---------------------------------------------------------------------------


def booked_iha(cast, *, cancelled_by: str):
    """Request complete in time; an appointment on 14 January cancelled (by ``cancelled_by``)
    and the IHA not held by 21 January."""
    iha = iha_for(cast, sent_on=WD4, complete_on=WD4)
    appointment = services.appointment_book(
        assessment=iha,
        appointment_date=date(2026, 1, 14),
        booked_on=date(2025, 12, 30),
        booked_by=cast.health_admin_a,
    )
    services.appointment_record_outcome(
        appointment=appointment,
        outcome="CANCELLED",
        cancelled_by=cancelled_by,
        recorded_by=cast.health_admin_a,
        recorded_on=date(2026, 1, 13),
    )
    children_services.recompute_now(iha.child_id)
    iha.refresh_from_db()
    return iha, Appointment.objects.get(pk=appointment.pk)


def test_a_cancelled_by_health_appointment_deleted_in_error_no_longer_gives_the_reason(cast, api):
    iha, appointment = booked_iha(cast, cancelled_by="HEALTH")
    assert (iha.breach_party, iha.breach_reason) == ("HEALTH", "HEALTH_CANCELLED")
    response = api(cast.health_admin_a).delete(
        f"/api/v1/appointments/{appointment.pk}/",
        {"reason": "Recorded against the wrong child", "version": appointment.version},
        format="json",
    )
    assert response.status_code == 204
    iha.refresh_from_db()
    assert iha.breach_reason != "HEALTH_CANCELLED"
    assert (iha.breach_party, iha.breach_reason) == ("HEALTH", "")
    assert "cancel" not in iha.breach_rule.lower()
    row = Appointment.all_objects.get(pk=appointment.pk)
    assert (row.deletion_reason, row.deleted_by) == (
        "Recorded against the wrong child",
        cast.health_admin_a,
    )
    assert not Appointment.objects.filter(pk=appointment.pk).exists()
    assert not iha.appointments.exists()
    # Visible in history, and on the timeline.
    assert row.history.filter(history_change_reason="Recorded against the wrong child").exists()
    assert "Deleted: entered in error: appointment" in [e.title for e in child_timeline(iha.child)]
    assert (
        api(cast.health_admin_a).get(f"/api/v1/appointments/{appointment.pk}/").status_code == 404
    )


def test_a_carer_cancellation_deleted_in_error_moves_the_breach_from_the_la_to_health(cast):
    iha, appointment = booked_iha(cast, cancelled_by="CARER")
    assert (iha.breach_party, iha.breach_reason) == ("LA", "CARER_OR_YP_CANCELLED")
    corrections.appointment_delete(
        appointment=appointment, deleted_by=cast.health_admin_a, reason="Another child's"
    )
    iha.refresh_from_db()
    assert iha.breach_party == "HEALTH"


def test_a_deleted_booking_frees_the_assessment_for_a_new_booking(cast):
    iha = iha_for(cast, sent_on=WD4, complete_on=WD4)
    appointment = services.appointment_book(
        assessment=iha,
        appointment_date=date(2026, 2, 10),
        booked_on=date(2026, 1, 5),
        booked_by=cast.health_admin_a,
    )
    assert "book" not in [s.name for s in workflow.available_steps(cast.health_admin_a, iha)]
    corrections.appointment_delete(
        appointment=appointment, deleted_by=cast.health_admin_a, reason="Wrong child"
    )
    # Back on the health admin's list to book (the workflow's facts ignore the deleted one).
    iha = Assessment.objects.get(pk=iha.pk)
    assert "book" in [s.name for s in workflow.available_steps(cast.health_admin_a, iha)]
    again = services.appointment_book(
        assessment=iha,
        appointment_date=date(2026, 2, 11),
        booked_on=date(2026, 1, 6),
        booked_by=cast.health_admin_a,
    )
    assert list(iha.appointments.all()) == [again]


def test_an_appointment_correction_rechecks_its_dates_and_keeps_the_reason(cast, api):
    iha, appointment = booked_iha(cast, cancelled_by="HEALTH")
    client = api(cast.health_admin_a)
    url = f"/api/v1/appointments/{appointment.pk}/"
    before_request = client.patch(
        url, {"booked_on": "2025-12-24", "reason": "Mistyped"}, format="json"
    )
    assert before_request.status_code == 400
    assert "booked_on" in before_request.json()
    before_booking = client.patch(
        url, {"appointment_date": "2025-12-29", "reason": "Mistyped"}, format="json"
    )
    assert before_booking.status_code == 400
    assert any("30 December 2025" in m for m in before_booking.json()["appointment_date"])
    ok = client.patch(
        url,
        {"appointment_date": "2026-01-15", "reason": "Mistyped", "version": appointment.version},
        format="json",
    )
    assert ok.status_code == 200, ok.json()
    stale = client.patch(
        url,
        {"appointment_date": "2026-01-16", "reason": "Again", "version": appointment.version},
        format="json",
    )
    assert stale.status_code == 409
    assert fresh(appointment).appointment_date == date(2026, 1, 15)
    assert "Appointment corrected" in [e.title for e in child_timeline(iha.child)]
    # The appointment is health's record.
    assert (
        api(cast.social_worker)
        .patch(url, {"location": "Here", "reason": "x"}, format="json")
        .status_code
        == 403
    )


# The held assessment -----------------------------------------------------------------------


def held_iha(cast) -> Assessment:
    iha = iha_for(cast, sent_on=WD4, complete_on=WD4)
    services.assessment_complete(
        assessment=iha,
        held_on=date(2026, 1, 20),
        clinician_role="PAEDIATRICIAN",
        completed_by=cast.nurse_a,
    )
    services.assessment_return_report(
        assessment=iha, returned_on=date(2026, 1, 23), returned_by=cast.nurse_a
    )
    children_services.recompute_now(iha.child_id)
    iha.refresh_from_db()
    assert iha.status == "MET"
    return iha


def test_a_held_date_corrected_past_the_deadline_breaches_and_moves_the_next_review(cast, api):
    iha = held_iha(cast)
    rha = Assessment.objects.get(child=iha.child, kind="RHA")
    assert rha.clock_start == date(2026, 1, 20)
    response = api(cast.nurse_a).patch(
        f"/api/v1/assessments/{iha.pk}/",
        {"held_on": "2026-01-22", "reason": "Clinic date mistyped", "version": iha.version},
        format="json",
    )
    assert response.status_code == 200, response.json()
    iha.refresh_from_db()
    assert (iha.status, iha.breach_party) == ("BREACHED", "HEALTH")
    rha.refresh_from_db()
    assert rha.clock_start == date(2026, 1, 22)


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"report_returned_on": "2026-01-19"}, "report_returned_on", "20 January 2026"),
        ({"held_on": "2026-01-24"}, "report_returned_on", "24 January 2026"),
        ({"held_on": "2025-12-28"}, "held_on", "29 December 2025"),
        ({"clinician_role": "LAC_NURSE"}, "clinician_role", "registered medical practitioner"),
    ],
)
def test_an_assessment_correction_breaking_a_rule_is_refused(cast, api, data, field, words):
    iha = held_iha(cast)
    response = api(cast.nurse_a).patch(
        f"/api/v1/assessments/{iha.pk}/", {**data, "reason": "Mistyped"}, format="json"
    )
    assert response.status_code == 400
    assert any(words in m for m in response.json()[field]), response.json()


def test_the_assessment_page_links_each_record_to_its_correction(cast):
    iha = held_iha(cast)
    nurse = signed_in_client(cast.nurse_a).get(f"/assessments/{iha.pk}/").content.decode()
    assert f'href="/assessments/{iha.pk}/correct/#id_held_on"' in nurse
    assert f"/assessments/{iha.pk}/request/correct/" not in nurse
    worker = signed_in_client(cast.social_worker).get(f"/assessments/{iha.pk}/").content.decode()
    assert f'href="/assessments/{iha.pk}/request/correct/#id_request_sent_on"' in worker
    assert f"/assessments/{iha.pk}/correct/" not in worker
    assert (
        signed_in_client(cast.social_worker).get(f"/assessments/{iha.pk}/correct/").status_code
        == 404
    )


# Dental checks, SDQs, immunisation checks -------------------------------------------------


def test_a_dental_check_corrected_and_deleted_moves_the_dental_clock(cast, api):
    iha = held_iha(cast)
    child = iha.child
    check = services.dental_check_record(
        child=child, checked_on=date(2026, 1, 10), recorded_by=cast.nurse_a
    )
    children_services.recompute_now(child.pk)
    assert HealthClock.objects.get(child=child, kind="DENTAL").due_date == date(2027, 1, 10)
    client = api(cast.nurse_a)
    url = f"/api/v1/dental-checks/{check.pk}/"
    future = client.patch(url, {"checked_on": "2026-03-01", "reason": "Mistyped"}, format="json")
    assert future.status_code == 400 and "checked_on" in future.json()
    ok = client.patch(
        url, {"checked_on": "2026-01-12", "reason": "Mistyped", "version": 1}, format="json"
    )
    assert ok.status_code == 200, ok.json()
    assert HealthClock.objects.get(child=child, kind="DENTAL").due_date == date(2027, 1, 12)
    stale = client.patch(url, {"practice": "X", "reason": "y", "version": 1}, format="json")
    assert stale.status_code == 409
    assert client.delete(url, {"reason": "Another child's check"}, format="json").status_code == 204
    # No check left: the first is due 3 months after entry (19 March 2026).
    assert HealthClock.objects.get(child=child, kind="DENTAL").due_date == date(2026, 3, 19)
    assert client.get(url).status_code == 404
    # The deleted check does not hold its day.
    services.dental_check_record(
        child=child, checked_on=date(2026, 1, 12), recorded_by=cast.nurse_a
    )
    assert DentalCheck.all_objects.filter(child=child, checked_on=date(2026, 1, 12)).count() == 2


def test_an_sdq_correction_checks_the_scores_and_a_social_worker_may_make_it(cast):
    iha = held_iha(cast)
    record = services.sdq_record(
        child=iha.child,
        completed_on=date(2026, 1, 15),
        informant="CARER",
        total_score=12,
        recorded_by=cast.social_worker,
    )
    client = signed_in_client(cast.social_worker)
    page = client.get(f"/children/{iha.child_id}/").content.decode()
    url = f"/children/{iha.child_id}/sdq/{record.pk}/correct/"
    assert f'href="{url}"' in page
    base = {
        "completed_on": "2026-01-15",
        "informant": "CARER",
        "reason": "Score mistyped",
        "version": record.version,
    }
    refused = client.post(
        url,
        {**base, "total_score": 14, "emotional": 1, "conduct": 1, "hyperactivity": 1, "peer": 1},
    )
    assert refused.status_code == 400
    assert "must equal the sum" in refused.content.decode()
    assert client.post(url, {**base, "total_score": 15}).status_code == 302
    assert SdqRecord.objects.get(pk=record.pk).total_score == 15
    assert "SDQ corrected" in [e.title for e in child_timeline(iha.child)]
    stale = client.post(url, {**base, "total_score": 16})
    assert stale.status_code == 409
    assert "total score from 12 to 15" in stale.content.decode().lower()
    deleted = client.post(
        f"/children/{iha.child_id}/sdq/{record.pk}/delete/",
        {"reason": "Another child's SDQ", "version": record.version + 1},
    )
    assert deleted.status_code == 302
    assert not SdqRecord.objects.filter(pk=record.pk).exists()
    assert SdqRecord.all_objects.get(pk=record.pk).deletion_reason == "Another child's SDQ"


def test_an_immunisation_check_is_the_nurses_to_correct_and_delete(cast, api):
    iha = held_iha(cast)
    record = services.immunisation_record(
        child=iha.child, checked_on=date(2026, 1, 20), status="UNKNOWN", recorded_by=cast.nurse_a
    )
    url = f"/api/v1/immunisations/{record.pk}/"
    assert (
        api(cast.social_worker)
        .patch(url, {"status": "UP_TO_DATE", "reason": "x"}, format="json")
        .status_code
        == 403
    )
    before_birth = api(cast.nurse_a).patch(
        url, {"checked_on": "2015-06-09", "reason": "Mistyped"}, format="json"
    )
    assert before_birth.status_code == 400 and "checked_on" in before_birth.json()
    ok = api(cast.nurse_a).patch(
        url, {"status": "UP_TO_DATE", "reason": "Checked the red book"}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "UP_TO_DATE"
    page = signed_in_client(cast.nurse_a)
    form = page.get(f"/children/{iha.child_id}/immunisation/{record.pk}/delete/")
    assert form.status_code == 200 and "Delete the immunisation check" in form.content.decode()
    stale = page.post(
        f"/children/{iha.child_id}/immunisation/{record.pk}/delete/",
        {"reason": "Wrong child", "version": 1},
    )
    assert stale.status_code == 409
    assert (
        page.post(
            f"/children/{iha.child_id}/immunisation/{record.pk}/delete/",
            {"reason": "Wrong child", "version": 2},
        ).status_code
        == 302
    )
    assert not ImmunisationRecord.objects.filter(pk=record.pk).exists()
    auditor = signed_in_client(cast.auditor).get(f"/children/{iha.child_id}/deleted-records/")
    assert "Immunisation check" in auditor.content.decode()


@pytest.mark.parametrize("kind", ["request", "assessment", "appointment", "dental", "immunisation"])
def test_every_correction_page_and_api_is_a_409_on_a_stale_version(cast, api, kind):
    iha = iha_for(cast, sent_on=WD4, complete_on=WD4)
    appointment = services.appointment_book(
        assessment=iha,
        appointment_date=date(2026, 1, 20),
        booked_on=date(2026, 1, 5),
        booked_by=cast.health_admin_a,
    )
    services.assessment_complete(
        assessment=iha, held_on=date(2026, 1, 20), clinician_role="GP", completed_by=cast.nurse_a
    )
    children_services.recompute_now(iha.child_id)
    iha.refresh_from_db()
    dental = services.dental_check_record(
        child=iha.child, checked_on=date(2026, 1, 10), recorded_by=cast.nurse_a
    )
    immunisation = services.immunisation_record(
        child=iha.child, checked_on=date(2026, 1, 20), status="UNKNOWN", recorded_by=cast.nurse_a
    )
    cases = {
        "request": (
            iha,
            cast.social_worker,
            f"/assessments/{iha.pk}/request/correct/",
            f"/api/v1/requests/{iha.pk}/",
            {"request_sent_on": "2025-12-29", "provider": cast.provider_a.pk},
        ),
        "assessment": (
            iha,
            cast.nurse_a,
            f"/assessments/{iha.pk}/correct/",
            f"/api/v1/assessments/{iha.pk}/",
            {"held_on": "2026-01-19", "clinician_role": "GP"},
        ),
        "appointment": (
            appointment,
            cast.health_admin_a,
            f"/assessments/{iha.pk}/appointments/{appointment.pk}/correct/",
            f"/api/v1/appointments/{appointment.pk}/",
            {"appointment_date": "2026-01-20", "booked_on": "2026-01-06"},
        ),
        "dental": (
            dental,
            cast.nurse_a,
            f"/children/{iha.child_id}/dental/{dental.pk}/correct/",
            f"/api/v1/dental-checks/{dental.pk}/",
            {"checked_on": "2026-01-11"},
        ),
        "immunisation": (
            immunisation,
            cast.nurse_a,
            f"/children/{iha.child_id}/immunisation/{immunisation.pk}/correct/",
            f"/api/v1/immunisations/{immunisation.pk}/",
            {"checked_on": "2026-01-21", "status": "UNKNOWN"},
        ),
    }
    record, user, page_url, api_url, data = cases[kind]
    record = fresh(record)
    client = signed_in_client(user)
    assert client.get(page_url).status_code == 200
    stale = record.version + 1  # a version this user never loaded
    response = client.post(page_url, {**data, "reason": "Mistyped", "version": stale})
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    api_data = {k: v for k, v in data.items() if k != "provider"}
    conflict = api(user).patch(
        api_url, {**api_data, "reason": "Mistyped", "version": stale}, format="json"
    )
    assert conflict.status_code == 409
    assert conflict.json()["current_version"] == record.version
    assert fresh(record).version == record.version
