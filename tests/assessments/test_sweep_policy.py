"""The nightly sweep reads the same effective-dated policy as the engine: the record in
force on each clock's day 0 (issue 12). Change an LA's at-risk window, run the sweep and a
recompute, and the statuses agree. Also the late write-up (issue 14) follows the policy."""

from datetime import date

import pytest
import time_machine

from apps.assessments import services, worklists
from apps.assessments.models import Assessment, HealthClock
from apps.assessments.recompute import recompute_children
from apps.assessments.sweep import sweep_clocks
from apps.children.models import Child
from apps.policy.models import LocalAuthorityPolicy
from tests.assessments.test_workflow_api import ENTRY, new_iha, requested

pytestmark = pytest.mark.django_db

# The IHA of a child entering care on 19 December 2025 is due on 21 January 2026, seven
# working days after 12 January: at risk with a 10-day window, not with a 5-day one. Its
# dental check is due on 19 March, eight working days after 9 March.
CASES = {
    "iha": (date(2026, 1, 12), lambda child: Assessment.objects.get(child=child, kind="IHA")),
    "dental": (date(2026, 3, 9), lambda child: HealthClock.objects.get(child=child, kind="DENTAL")),
}


def _status_after_sweep_and_recompute(cast, case, policies):
    today, clock_of = CASES[case]
    with time_machine.travel(ENTRY, tick=False):
        child = new_iha(cast).child
    for effective_from, window in policies:
        LocalAuthorityPolicy.objects.create(
            local_authority=cast.our_la, effective_from=effective_from, at_risk_working_days=window
        )
    assert clock_of(child).status == "PENDING"
    Child.objects.update(clocks_stale_since=None)  # the sweep's own transitions, no catch-up
    with time_machine.travel(today, tick=False):
        sweep_clocks(today=today)
        swept = clock_of(child).status
        recompute_children([child.pk], today=today)
        recomputed = clock_of(child).status
    return swept, recomputed


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_window_widened_after_day_0_does_not_apply_to_the_clock(cast, case):
    # In force on day 0: 5 working days. From 5 January: 10.
    swept, recomputed = _status_after_sweep_and_recompute(
        cast, case, [(date(2025, 1, 1), 5), (date(2026, 1, 5), 10)]
    )
    assert swept == recomputed == "PENDING"


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_window_in_force_on_day_0_applies(cast, case):
    swept, recomputed = _status_after_sweep_and_recompute(
        cast, case, [(date(2025, 12, 1), 10), (date(2026, 1, 5), 5)]
    )
    assert swept == recomputed == "AT_RISK"


def _attended_iha(cast):
    with time_machine.travel(date(2026, 1, 12), tick=False):
        assessment = requested(
            cast, new_iha(cast, entry=date(2026, 1, 5)), sent_on=date(2026, 1, 6)
        )
        services.appointment_book(
            assessment=assessment,
            appointment_date=date(2026, 1, 12),
            booked_on=date(2026, 1, 7),
            booked_by=cast.health_admin_a,
        )
        services.appointment_record_outcome(
            appointment=assessment.appointments.get(),
            outcome="ATTENDED",
            recorded_by=cast.health_admin_a,
            recorded_on=date(2026, 1, 12),
        )
    assessment.refresh_from_db()
    return assessment


def _at_risk(user, day):
    with time_machine.travel(day, tick=False):
        return {a.pk: worklists.action_for(user, a) for a in worklists.worklist(user, "at_risk")}


def test_an_attendance_not_written_up_after_five_working_days_is_at_risk(cast):
    assessment = _attended_iha(cast)  # attended Monday 12 January
    assert assessment.pk not in _at_risk(cast.nurse_a, date(2026, 1, 19))
    assert _at_risk(cast.nurse_a, date(2026, 1, 20))[assessment.pk] == "Write up the assessment"
    assert _at_risk(cast.health_admin_a, date(2026, 1, 20))[assessment.pk] == "Awaiting report"


def test_the_write_up_window_is_the_policy_in_force_on_day_0(cast):
    LocalAuthorityPolicy.objects.create(
        local_authority=cast.our_la, effective_from=date(2026, 1, 1), write_up_working_days=2
    )
    # Changed after this clock's day 0 (5 January): not for this clock.
    LocalAuthorityPolicy.objects.create(
        local_authority=cast.our_la, effective_from=date(2026, 1, 10), write_up_working_days=9
    )
    assessment = _attended_iha(cast)
    assert assessment.pk not in _at_risk(cast.nurse_a, date(2026, 1, 14))
    assert assessment.pk in _at_risk(cast.nurse_a, date(2026, 1, 15))


def test_once_written_up_it_is_no_longer_at_risk_for_the_write_up(cast):
    # Issue 14: the attendance is the held date; a report (here one done elsewhere and
    # uploaded; or the signed-off write-up's) ends "awaiting write-up".
    from apps.writeups.services import report_upload

    assessment = _attended_iha(cast)
    assert assessment.held_on == date(2026, 1, 12)
    assert assessment.pk in _at_risk(cast.nurse_a, date(2026, 1, 20))
    with time_machine.travel(date(2026, 1, 20), tick=False):
        report_upload(
            assessment=assessment,
            content=b"%PDF-1.4 report done elsewhere",
            filename="report.pdf",
            uploaded_by=cast.nurse_a,
        )
    assert assessment.pk not in _at_risk(cast.nurse_a, date(2026, 1, 20))
