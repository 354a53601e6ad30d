"""Write-up sections (never silently empty), the loop's states, action deadlines."""

from datetime import UTC, date, datetime

import pytest

from apps.core.working_days import calendar_for
from apps.writeups.rules.actions import ActionStatus, check_close, is_overdue
from apps.writeups.rules.loop import (
    LoopError,
    LoopFacts,
    LoopState,
    check_step,
    loop_state,
    unread_too_long,
    write_up_at_risk,
)
from apps.writeups.rules.sections import (
    SECTION_BY_KEY,
    sections_for,
    sign_off_errors,
    validate_section,
)

DOB = date(2012, 5, 1)
HELD = date(2026, 1, 14)
NOON = datetime(2026, 1, 15, 12, tzinfo=UTC)


def _check(key, data, **kwargs):
    return validate_section(SECTION_BY_KEY[key], data, date_of_birth=DOB, held_on=HELD, **kwargs)


def test_the_sections_depend_on_age():
    toddler = {s.key for s in sections_for(3)}
    teenager = {s.key for s in sections_for(14)}
    assert "development" in toddler and "sexual_health" not in toddler
    assert "development" not in teenager
    assert {"sexual_health", "substance_use", "risk_taking"} <= teenager
    assert "development" not in {s.key for s in sections_for(5)}
    assert "risk_taking" not in {s.key for s in sections_for(10)}


def test_sign_off_names_every_empty_section():
    errors = sign_off_errors({}, date_of_birth=DOB, held_on=HELD, age_years=13)
    assert "vision.state" in errors
    assert errors["vision.state"].startswith("Vision:")
    assert len(errors) == len(sections_for(13))


def test_not_assessed_needs_a_reason():
    assert _check("hearing", {"state": "not_assessed", "reason": " "}) == {
        "reason": "Hearing: say why it was not assessed"
    }
    assert _check("hearing", {"state": "not_assessed", "reason": "Seen last month"}) == {}


def test_a_completed_section_needs_its_required_fields():
    errors = _check("vision", {"state": "completed"})
    assert errors == {"outcome": "Vision: enter outcome"}
    assert _check("vision", {"state": "completed", "outcome": "no_concerns"}) == {}


def test_a_draft_is_checked_only_for_what_is_given():
    assert _check("vision", {"outcome": ""}) == {}
    assert _check("vision", {"last_test_on": "2030-01-01"}) == {
        "last_test_on": "Date of the last sight test cannot be after the assessment"
    }
    assert _check("vision", {"last_test_on": "2026-13-01"}) == {
        "last_test_on": "Date of the last sight test must be a real date"
    }


def test_growth_needs_a_measurement_in_range():
    assert "height_cm" in _check("growth", {"state": "completed", "measured_on": "2026-01-14"})
    assert _check("growth", {"weight_kg": "9000"}) == {
        "weight_kg": "Weight (kg) must be between 0.5 and 250"
    }
    assert _check("growth", {"weight_kg": "NaN"})["weight_kg"].startswith("Weight (kg) must be")


def test_referrals_need_both_whom_and_when_and_agree_with_the_answer():
    assert "referral_1_to" in _check(
        "referrals", {"state": "completed", "none_made": "yes", "referral_1_to": "CAMHS"}
    )
    assert (
        _check(
            "referrals",
            {
                "state": "completed",
                "none_made": "yes",
                "referral_1_to": "CAMHS",
                "referral_1_on": "2026-01-14",
            },
        )
        == {}
    )
    assert "none_made" in _check(
        "referrals",
        {
            "state": "completed",
            "none_made": "no",
            "referral_1_to": "CAMHS",
            "referral_1_on": "2026-01-14",
        },
    )


def test_a_given_dose_needs_its_date_between_birth_and_assessment():
    errors = _check("immunisations", {"state": "completed", "source": "GP", "dose_MMR_1": "GIVEN"})
    assert errors == {"dose_MMR_1_on": "MMR, 1st dose: enter the date given"}
    errors = _check(
        "immunisations",
        {
            "state": "completed",
            "source": "GP",
            "dose_MMR_1": "GIVEN",
            "dose_MMR_1_on": "2011-01-01",
        },
    )
    assert "between birth and the assessment" in errors["dose_MMR_1_on"]


def test_the_loop_moves_attended_awaiting_signed_returned_read():
    facts = LoopFacts(held_on=None)
    assert loop_state(facts) == LoopState.NOT_HELD
    facts = LoopFacts(held_on=HELD)
    assert loop_state(facts) == LoopState.AWAITING_WRITE_UP
    check_step(facts, LoopState.SIGNED_OFF)
    facts = LoopFacts(held_on=HELD, signed_off_at=NOON)
    assert loop_state(facts) == LoopState.SIGNED_OFF
    facts = LoopFacts(held_on=HELD, signed_off_at=NOON, returned_on=HELD)
    assert loop_state(facts) == LoopState.RETURNED
    facts = LoopFacts(held_on=HELD, signed_off_at=NOON, returned_on=HELD, read_at=NOON)
    assert loop_state(facts) == LoopState.READ


@pytest.mark.parametrize(
    ("facts", "target"),
    [
        (LoopFacts(held_on=None), LoopState.SIGNED_OFF),
        (LoopFacts(held_on=HELD), LoopState.RETURNED),
        (LoopFacts(held_on=HELD, signed_off_at=NOON), LoopState.READ),
        (LoopFacts(held_on=HELD, signed_off_at=NOON), LoopState.SIGNED_OFF),
    ],
)
def test_a_step_out_of_order_is_refused(facts, target):
    with pytest.raises(LoopError):
        check_step(facts, target)


def test_a_write_up_is_at_risk_after_5_working_days():
    calendar = calendar_for()
    facts = LoopFacts(held_on=date(2025, 12, 19))  # Friday; bank holidays follow
    # Working day 5 after 19/12/2025 is 30/12/2025 (25, 26 December are bank holidays).
    assert not write_up_at_risk(facts, date(2025, 12, 30), calendar, 5)
    assert write_up_at_risk(facts, date(2025, 12, 31), calendar, 5)
    signed = LoopFacts(held_on=date(2025, 12, 19), signed_off_at=NOON)
    assert not write_up_at_risk(signed, date(2026, 3, 1), calendar, 5)


def test_the_write_up_limit_is_the_days_given_not_a_constant():
    calendar = calendar_for()
    facts = LoopFacts(held_on=date(2026, 1, 12))  # Monday
    # 2 working days: due Wednesday 14/01, at risk from Thursday.
    assert not write_up_at_risk(facts, date(2026, 1, 14), calendar, 2)
    assert write_up_at_risk(facts, date(2026, 1, 15), calendar, 2)
    # 10 working days: due Monday 26/01.
    assert not write_up_at_risk(facts, date(2026, 1, 26), calendar, 10)
    assert write_up_at_risk(facts, date(2026, 1, 27), calendar, 10)
    # Returned or read: no longer awaiting write-up, never at risk.
    returned = LoopFacts(
        held_on=date(2026, 1, 12), signed_off_at=NOON, returned_on=date(2026, 1, 13)
    )
    assert not write_up_at_risk(returned, date(2026, 3, 1), calendar, 2)


def test_an_unread_report_is_late_after_5_working_days():
    calendar = calendar_for()
    assert not unread_too_long(date(2026, 1, 12), False, date(2026, 1, 19), calendar, 5)
    assert unread_too_long(date(2026, 1, 12), False, date(2026, 1, 20), calendar, 5)
    assert not unread_too_long(date(2026, 1, 12), True, date(2026, 3, 1), calendar, 5)
    # Another LA's limit: 3 working days after Monday 12/01 is Thursday 15/01.
    assert not unread_too_long(date(2026, 1, 12), False, date(2026, 1, 15), calendar, 3)
    assert unread_too_long(date(2026, 1, 12), False, date(2026, 1, 16), calendar, 3)


def test_an_action_is_overdue_the_day_after_its_due_date_while_open():
    assert not is_overdue(
        status=ActionStatus.OPEN, due_date=date(2026, 2, 1), today=date(2026, 2, 1)
    )
    assert is_overdue(status=ActionStatus.OPEN, due_date=date(2026, 2, 1), today=date(2026, 2, 2))
    assert not is_overdue(
        status=ActionStatus.DONE, due_date=date(2026, 2, 1), today=date(2026, 3, 2)
    )
    assert not is_overdue(status=ActionStatus.OPEN, due_date=None, today=date(2026, 3, 2))


def test_closing_an_action_not_done_needs_a_reason():
    today = date(2026, 2, 2)
    assert check_close(
        status="OPEN", new_status="NOT_DONE", reason="", completed_on=today, today=today
    ) == {"reason_not_done": "Say why the action was not done."}
    assert (
        check_close(status="OPEN", new_status="DONE", reason="", completed_on=today, today=today)
        == {}
    )
    assert "status" in check_close(
        status="DONE", new_status="DONE", reason="", completed_on=today, today=today
    )
