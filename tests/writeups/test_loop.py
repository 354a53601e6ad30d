"""Issue 14, one meaning of "held": recording "Attended" is the held date (whoever records
it first), the assessment is then held and awaiting write-up on both health worklists
(never "to book"), the write-up's sign-off completes it, the report is returned and read.
The write-up and reading limits are the LA's policy in force on the clock's day 0."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from apps.assessments import services as assessment_services
from apps.assessments import worklists
from apps.assessments.models import Assessment
from apps.children import services as children_services
from apps.policy.models import LocalAuthorityPolicy
from apps.writeups import selectors, services
from apps.writeups.models import Report
from apps.writeups.rules.loop import LoopState, loop_state
from tests.factories import ChildFactory
from tests.helpers import signed_in_client
from tests.writeups.test_write_up_journey import _complete_everything, _sign

pytestmark = pytest.mark.django_db

TODAY = date(2026, 2, 2)
ENTRY = date(2025, 12, 19)  # Friday: the IHA's day 0
ATTENDED = date(2026, 1, 14)  # Wednesday


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def booked_iha(cast, child=None) -> tuple[Assessment, object]:
    child = child or ChildFactory(
        responsible_la=cast.our_la, team=cast.team_a, date_of_birth=date(2012, 5, 1), sex="2"
    )
    period = children_services.period_of_care_start(
        child=child, start_date=ENTRY, legal_status="C2", started_by=cast.social_worker
    )
    assessment = Assessment.objects.get(period_of_care=period, kind="IHA")
    assessment_services.assessment_request(
        assessment=assessment,
        sent_on=date(2025, 12, 22),
        provider=cast.provider_a,
        requested_by=cast.social_worker,
        consent_obtained_on=date(2025, 12, 22),
        request_complete_on=date(2025, 12, 22),
    )
    appointment = assessment_services.appointment_book(
        assessment=assessment,
        appointment_date=ATTENDED,
        booked_on=date(2026, 1, 5),
        booked_by=cast.health_admin_a,
    )
    return Assessment.objects.get(pk=assessment.pk), appointment


def attend(appointment, user, recorded_on=date(2026, 1, 16)):
    assessment_services.appointment_record_outcome(
        appointment=appointment, outcome="ATTENDED", recorded_by=user, recorded_on=recorded_on
    )


def state(assessment: Assessment) -> LoopState:
    return loop_state(services.loop_facts(Assessment.objects.get(pk=assessment.pk)))


def words(user, assessment) -> str | None:
    rows = worklists.worklist(user, "action").filter(pk=assessment.pk)
    return worklists.action_for(user, rows[0]) if rows else None


def test_attended_sets_the_held_date_to_the_attendance_date_not_the_day_recorded(cast):
    iha, appointment = booked_iha(cast)
    assert state(iha) == LoopState.NOT_HELD
    attend(appointment, cast.health_admin_a, recorded_on=date(2026, 1, 16))
    iha.refresh_from_db()
    # The KPI reads held_on: the attendance date, two days before it was recorded.
    assert iha.held_on == ATTENDED
    assert state(iha) == LoopState.AWAITING_WRITE_UP


def test_held_awaiting_write_up_is_the_nurses_write_up_and_admins_awaiting_report(cast):
    iha, appointment = booked_iha(cast)
    # Before the attendance is recorded, either of them may record it.
    assert words(cast.health_admin_a, iha) == "Record attendance"
    assert words(cast.nurse_a, iha) == "Record attendance"
    attend(appointment, cast.health_admin_a)
    assert words(cast.nurse_a, iha) == "Write up the assessment"
    assert words(cast.health_admin_a, iha) == "Awaiting report"
    # Never "to book" again, on the worklists or the assessment page.
    for user in (cast.health_admin_a, cast.nurse_a):
        row = worklists._base(user).get(pk=iha.pk)
        assert worklists.action_for(user, row) != "Book an appointment"
        page = signed_in_client(user).get(f"/assessments/{iha.pk}/").content.decode()
        assert f"/assessments/{iha.pk}/book/" not in page
    assert [a.pk for a in selectors.awaiting_write_up_for(cast.nurse_a)] == [iha.pk]


def test_the_nurse_recording_the_attendance_first_stands(cast):
    iha, appointment = booked_iha(cast)
    attend(appointment, cast.nurse_a)
    iha.refresh_from_db()
    assert iha.held_on == ATTENDED
    # Health admin's later attendance record is refused and moves nothing.
    with pytest.raises(ValidationError) as error:
        attend(appointment, cast.health_admin_a, recorded_on=date(2026, 1, 20))
    assert "already recorded" in error.value.message_dict["outcome"][0]
    # Nor does a later "held on another day" (the old one-step record).
    with pytest.raises(ValidationError) as error:
        assessment_services.assessment_complete(
            assessment=iha,
            held_on=date(2026, 1, 15),
            clinician_role="PAEDIATRICIAN",
            completed_by=cast.health_admin_a,
        )
    assert "already recorded as held on 14/01/2026" in error.value.message_dict["held_on"][0]
    iha.refresh_from_db()
    assert iha.held_on == ATTENDED


def test_a_held_date_recorded_with_the_booking_marks_the_appointment_attended(cast):
    """The clinician records it held on the booked day first: that is the attendance, so
    health admin has nothing left to record and the date stands."""
    iha, appointment = booked_iha(cast)
    assessment_services.assessment_complete(
        assessment=iha, held_on=ATTENDED, clinician_role="GP", completed_by=cast.nurse_a
    )
    appointment.refresh_from_db()
    assert appointment.outcome == "ATTENDED"
    with pytest.raises(ValidationError):
        attend(appointment, cast.health_admin_a)
    iha.refresh_from_db()
    assert iha.held_on == ATTENDED


def test_cancelled_or_not_brought_is_not_held(cast):
    iha, appointment = booked_iha(cast)
    assessment_services.appointment_record_outcome(
        appointment=appointment,
        outcome="WAS_NOT_BROUGHT",
        recorded_by=cast.health_admin_a,
        recorded_on=ATTENDED,
    )
    iha.refresh_from_db()
    assert iha.held_on is None and state(iha) == LoopState.NOT_HELD
    assert words(cast.health_admin_a, iha) == "Book an appointment"


def test_the_states_attended_signed_off_returned_read(cast):
    iha, appointment = booked_iha(cast)
    attend(appointment, cast.health_admin_a)
    _complete_everything(cast, iha)
    assert state(iha) == LoopState.AWAITING_WRITE_UP  # a draft is not a sign-off
    _sign(cast, iha)
    iha.refresh_from_db()
    assert state(iha) == LoopState.SIGNED_OFF
    # The sign-off completes the assessment: the clinician's role is recorded there, the
    # held date does not move.
    assert (iha.held_on, iha.clinician_role) == (ATTENDED, "PAEDIATRICIAN")
    assert words(cast.nurse_a, iha) == "Return the report"
    assert words(cast.health_admin_a, iha) == "Return the report"
    report = Report.objects.get(assessment=iha)
    services.report_return(report=report, returned_by=cast.health_admin_a)
    assert state(iha) == LoopState.RETURNED
    assert [u.report.pk for u in selectors.unread_reports_for(cast.social_worker, TODAY)] == [
        report.pk
    ]
    services.report_acknowledge(report=report, reader=cast.social_worker)
    assert state(iha) == LoopState.READ
    assert selectors.unread_reports_for(cast.social_worker, TODAY) == []


def test_a_report_returned_on_the_assessments_own_page_is_returned_for_the_reader(cast):
    iha, appointment = booked_iha(cast)
    attend(appointment, cast.health_admin_a)
    _complete_everything(cast, iha)
    _sign(cast, iha)
    response = signed_in_client(cast.health_admin_a).post(
        f"/assessments/{iha.pk}/return-report/",
        {"returned_on_0": "2", "returned_on_1": "2", "returned_on_2": "2026"},
    )
    assert response.status_code == 302
    iha.refresh_from_db()
    assert iha.report_returned_on == TODAY
    assert state(iha) == LoopState.RETURNED
    report = Report.objects.get(assessment=iha)
    services.report_acknowledge(report=report, reader=cast.social_worker)
    assert state(iha) == LoopState.READ


def _policy(cast, effective_from, **limits):
    return LocalAuthorityPolicy.objects.create(
        local_authority=cast.our_la, effective_from=effective_from, **limits
    )


def test_the_write_up_limit_is_the_policy_in_force_on_the_clocks_day_0(cast):
    iha, appointment = booked_iha(cast)
    attend(appointment, cast.health_admin_a)
    iha.refresh_from_db()
    # Default 5 working days after Wednesday 14/01: due Wednesday 21/01.
    assert selectors.write_up_due(iha) == date(2026, 1, 21)
    # A policy from before the clock's day 0 (19/12/2025) decides: 2 working days.
    _policy(cast, date(2025, 12, 1), write_up_working_days=2)
    # One from after day 0 does not, however recent.
    _policy(cast, date(2026, 1, 1), write_up_working_days=9)
    assert selectors.write_up_due(iha) == date(2026, 1, 16)
    assert selectors.write_ups_at_risk_for(cast.nurse_a, date(2026, 1, 16)) == []
    assert selectors.write_ups_at_risk_for(cast.nurse_a, date(2026, 1, 19)) == [iha]
    # The worklists' at-risk list reads the same policy (set-based, from the registry).
    with time_machine.travel(date(2026, 1, 16), tick=False):
        assert not worklists.worklist(cast.nurse_a, "at_risk").filter(pk=iha.pk).exists()
    with time_machine.travel(date(2026, 1, 19), tick=False):
        assert worklists.worklist(cast.nurse_a, "at_risk").filter(pk=iha.pk).exists()


def test_the_unread_report_limit_is_the_policy_in_force_on_the_clocks_day_0(cast):
    iha, appointment = booked_iha(cast)
    attend(appointment, cast.health_admin_a)
    _complete_everything(cast, iha)
    _sign(cast, iha)
    report = Report.objects.get(assessment=iha)
    services.report_return(
        report=report, returned_by=cast.health_admin_a, returned_on=date(2026, 1, 26)
    )

    def unread(on):
        (item,) = selectors.unread_reports_for(cast.social_worker, on)
        return item.read_by, item.late

    # Default 5 working days after Monday 26/01: read by Monday 02/02.
    assert unread(TODAY) == (date(2026, 2, 2), False)
    _policy(cast, date(2025, 12, 19), report_read_working_days=3)  # from day 0 itself
    assert unread(date(2026, 1, 29)) == (date(2026, 1, 29), False)
    assert unread(TODAY) == (date(2026, 1, 29), True)


def test_the_old_complete_page_leads_to_the_next_step(cast):
    iha, appointment = booked_iha(cast)
    nurse = signed_in_client(cast.nurse_a)
    response = nurse.get(f"/assessments/{iha.pk}/complete/")
    assert response.status_code == 302
    assert response["Location"] == f"/assessments/{iha.pk}/appointments/{appointment.pk}/outcome/"
    attend(appointment, cast.health_admin_a)
    response = nurse.get(f"/assessments/{iha.pk}/complete/")
    assert response["Location"] == f"/assessments/{iha.pk}/write-up/"
    # Someone who may not see the child: 404, as before.
    assert signed_in_client(cast.nurse_b).get(f"/assessments/{iha.pk}/complete/").status_code == 404
