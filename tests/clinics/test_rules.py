"""The clinic diary's pure rules (issue 15)."""

from datetime import date, time

import pytest

from apps.clinics import rules
from apps.clinics.rules import FreeSlot, Interval, Request, RescheduleReason
from apps.core.working_days import WorkingDayCalendar

CAL = WorkingDayCalendar()


@pytest.mark.parametrize(
    ("clinic", "assessment", "fits"),
    [
        ("IHA", "IHA", True),
        ("IHA", "RHA", False),
        ("RHA", "RHA", True),
        ("RHA", "IHA", False),
        ("EITHER", "IHA", True),
        ("EITHER", "RHA", True),
        ("ADOPTION", "IHA", False),
        ("ADOPTION", "RHA", False),
    ],
)
def test_assessment_fits_clinic_kind(clinic, assessment, fits):
    assert rules.assessment_fits(clinic, assessment) is fits


def test_unknown_clinic_kind_is_refused():
    with pytest.raises(ValueError):
        rules.assessment_fits("DENTAL", "IHA")


@pytest.mark.parametrize("kind", ["IHA", "EITHER", "ADOPTION"])
@pytest.mark.parametrize("role", ["PAEDIATRICIAN", "GP", "OTHER_DOCTOR"])
def test_a_doctor_may_hold_any_clinic(kind, role):
    assert rules.clinician_role_error(kind, role) is None


@pytest.mark.parametrize("kind", ["IHA", "EITHER", "ADOPTION"])
@pytest.mark.parametrize("role", ["LAC_NURSE", "HEALTH_VISITOR", "SCHOOL_NURSE"])
def test_a_nurse_may_not_hold_a_clinic_that_takes_ihas(kind, role):
    assert "registered medical practitioner" in rules.clinician_role_error(kind, role)


@pytest.mark.parametrize(
    "role", ["LAC_NURSE", "HEALTH_VISITOR", "SCHOOL_NURSE", "PAEDIATRICIAN", "GP"]
)
def test_any_clinician_may_hold_an_rha_clinic(role):
    assert rules.clinician_role_error("RHA", role) is None


def test_a_clinic_needs_a_clinician_role():
    assert rules.clinician_role_error("RHA", "") == "Say the clinician's role."


@pytest.mark.parametrize(
    ("kind", "minutes"), [("IHA", 60), ("RHA", 45), ("EITHER", 60), ("ADOPTION", 60)]
)
def test_default_slot_lengths(kind, minutes):
    assert rules.default_slot_minutes(kind) == minutes


def test_slot_lengths_follow_the_providers_policy():
    assert rules.default_slot_minutes("RHA", iha_minutes=50, rha_minutes=30) == 30
    assert rules.default_slot_minutes("IHA", iha_minutes=50, rha_minutes=30) == 50


def test_a_morning_iha_clinic_has_three_hour_slots():
    assert rules.slot_times(time(9), time(12), 60) == [time(9), time(10), time(11)]


def test_a_slot_that_would_run_past_the_end_is_left_out():
    assert rules.slot_times(time(9), time(12), 45) == [
        time(9),
        time(9, 45),
        time(10, 30),
        time(11, 15),
    ]
    assert rules.slot_times(time(9), time(9, 30), 45) == []


def test_slot_times_refuse_nonsense():
    with pytest.raises(ValueError):
        rules.slot_times(time(12), time(9), 60)
    with pytest.raises(ValueError):
        rules.slot_times(time(9), time(12), 0)


def test_slot_end():
    assert rules.slot_end(time(11, 15), 45) == time(12)


@pytest.mark.parametrize(
    ("a", "b", "clash"),
    [
        ((time(9), time(10)), (time(10), time(11)), False),
        ((time(9), time(10)), (time(9, 30), time(10, 30)), True),
        ((time(9), time(12)), (time(10), time(11)), True),
        ((time(13), time(14)), (time(9), time(12)), False),
        ((time(9), time(10)), (time(9), time(10)), True),
    ],
)
def test_overlaps_are_half_open(a, b, clash):
    assert rules.overlaps(*a, *b) is clash
    assert rules.overlaps(*b, *a) is clash


def test_conflicts_lists_every_clashing_pair():
    intervals = [
        Interval("morning", time(9), time(12)),
        Interval("late-morning", time(11), time(13)),
        Interval("afternoon", time(13), time(16)),
        Interval("inside", time(9, 30), time(10)),
    ]
    assert rules.conflicts(intervals) == [
        ("morning", "inside"),
        ("morning", "late-morning"),
    ]
    assert rules.conflicts([Interval("a", time(9), time(10))]) == []


def test_recurring_every_tuesday_for_six_weeks():
    plan = rules.recurring_dates(date(2026, 3, 3), 6, CAL)
    assert plan.dates == [
        date(2026, 3, 3),
        date(2026, 3, 10),
        date(2026, 3, 17),
        date(2026, 3, 24),
        date(2026, 3, 31),
        date(2026, 4, 7),
    ]
    assert plan.skipped == []


def test_recurring_mondays_skip_the_bank_holidays():
    # Easter Monday 2026-04-06 and the early May bank holiday 2026-05-04.
    plan = rules.recurring_dates(date(2026, 3, 30), 6, CAL)
    assert plan.skipped == [date(2026, 4, 6), date(2026, 5, 4)]
    assert len(plan.dates) == 4 and date(2026, 4, 13) in plan.dates


def test_recurring_skips_the_admins_extra_closed_dates():
    calendar = WorkingDayCalendar([date(2026, 3, 10)])
    plan = rules.recurring_dates(date(2026, 3, 3), 3, calendar)
    assert plan.dates == [date(2026, 3, 3), date(2026, 3, 17)]
    assert plan.skipped == [date(2026, 3, 10)]


def test_recurring_needs_a_week():
    with pytest.raises(ValueError):
        rules.recurring_dates(date(2026, 3, 3), 0, CAL)


@pytest.mark.parametrize(
    ("reason", "cancelled_by"),
    [
        (RescheduleReason.CARER, "CARER"),
        (RescheduleReason.YOUNG_PERSON, "YOUNG_PERSON"),
        (RescheduleReason.HEALTH, "HEALTH"),
        (RescheduleReason.ADMIN_CORRECTION, None),
    ],
)
def test_a_reschedule_counts_as_the_party_that_asked(reason, cancelled_by):
    assert rules.cancelled_by_for(reason) == cancelled_by


def test_a_reschedule_reason_must_be_known():
    with pytest.raises(ValueError):
        rules.cancelled_by_for("SOCIAL_WORKER")


def test_bulk_fill_gives_the_earliest_deadline_the_earliest_slot():
    requests = [
        Request("late", date(2026, 3, 30)),
        Request("early", date(2026, 3, 12)),
        Request("middle", date(2026, 3, 20)),
    ]
    slots = [
        FreeSlot("s11", date(2026, 3, 10), time(11)),
        FreeSlot("s9", date(2026, 3, 10), time(9)),
        FreeSlot("s10", date(2026, 3, 10), time(10)),
    ]
    pairs, left = rules.bulk_fill(requests, slots)
    assert pairs == [("early", "s9"), ("middle", "s10"), ("late", "s11")]
    assert left == []


def test_bulk_fill_leaves_the_latest_deadlines_when_slots_run_out():
    requests = [Request(n, date(2026, 3, d)) for n, d in (("a", 20), ("b", 12), ("c", 25))]
    pairs, left = rules.bulk_fill(requests, [FreeSlot("s", date(2026, 3, 10), time(9))])
    assert pairs == [("b", "s")]
    assert left == ["a", "c"]


def test_reminder_three_working_days_before():
    # Appointment Tuesday 2026-03-10: Thursday 5, Friday 6, Monday 9 are the three days.
    assert rules.reminder_date(date(2026, 3, 10), CAL) == date(2026, 3, 5)


def test_reminder_steps_over_a_bank_holiday():
    # Appointment Wednesday 2026-04-08: Tuesday 7, (Easter Monday 6 closed), Friday 3 is
    # Good Friday (closed), Thursday 2, Wednesday 1.
    assert rules.reminder_date(date(2026, 4, 8), CAL) == date(2026, 4, 1)


def test_reminder_days_follow_the_policy():
    assert rules.reminder_date(date(2026, 3, 10), CAL, working_days=1) == date(2026, 3, 9)


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (date(2026, 3, 4), False),
        (date(2026, 3, 5), True),
        (date(2026, 3, 9), True),
        (date(2026, 3, 10), False),
    ],
)
def test_reminder_due_window(today, due):
    assert rules.reminder_due(date(2026, 3, 10), today, CAL) is due


def test_follow_up_of_a_missed_appointment_is_five_working_days_later():
    # Missed Thursday 2026-04-02: Good Friday and Easter Monday are closed.
    assert rules.follow_up_due(date(2026, 4, 2), CAL) == date(2026, 4, 13)


def test_initials():
    assert rules.initials("amira", "Khan") == "AK"
    assert rules.initials("", "Khan") == "K"
