"""Dental checks, SDQs and care leavers' health histories (DOMAIN.md sections 1 and 4).

Expected dates worked out by hand with calendar months and month-end clamping.
"""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from apps.assessments.rules.clocks import dental_due, health_history_due, sdq_due
from apps.core.working_days import age_on
from apps.policy.rules import DEFAULT_POLICY, Policy

# --- Dental -------------------------------------------------------------------------------


def test_first_dental_check_due_3_months_after_entry_with_none_recorded():
    assert dental_due(entry=date(2025, 12, 19), last_check=None, policy=DEFAULT_POLICY) == date(
        2026, 3, 19
    )


def test_dental_check_due_12_months_after_the_last():
    assert dental_due(
        entry=date(2025, 12, 19), last_check=date(2025, 6, 10), policy=DEFAULT_POLICY
    ) == date(2026, 6, 10)


def test_first_dental_check_clamps_to_the_end_of_february():
    assert dental_due(entry=date(2025, 11, 30), last_check=None, policy=DEFAULT_POLICY) == date(
        2026, 2, 28
    )


def test_first_dental_check_clamps_to_29_february_in_a_leap_year():
    assert dental_due(entry=date(2023, 11, 30), last_check=None, policy=DEFAULT_POLICY) == date(
        2024, 2, 29
    )


def test_yearly_dental_check_after_29_february_clamps_to_28_february():
    assert dental_due(
        entry=date(2023, 1, 1), last_check=date(2024, 2, 29), policy=DEFAULT_POLICY
    ) == date(2025, 2, 28)


def test_dental_intervals_are_per_la_settings():
    policy = Policy(dental_first_due_months=1, dental_interval_months=6)
    assert dental_due(entry=date(2025, 1, 31), last_check=None, policy=policy) == date(2025, 2, 28)
    assert dental_due(entry=date(2025, 1, 31), last_check=date(2025, 3, 31), policy=policy) == (
        date(2025, 9, 30)
    )


# --- SDQ ----------------------------------------------------------------------------------

IHA_DUE = date(2026, 1, 21)
SCHOOL_AGE = date(2015, 1, 1)


def _sdq(
    *,
    date_of_birth=SCHOOL_AGE,
    iha_due=IHA_DUE,
    last_completed=None,
    placement_changes=(),
    policy=DEFAULT_POLICY,
):
    return sdq_due(
        date_of_birth=date_of_birth,
        iha_due=iha_due,
        last_completed=last_completed,
        placement_changes=list(placement_changes),
        policy=policy,
    )


def test_first_sdq_due_on_the_iha_due_date():
    assert _sdq() == IHA_DUE


def test_next_sdq_due_12_months_after_the_last():
    assert _sdq(last_completed=date(2025, 3, 31)) == date(2026, 3, 31)


def test_no_first_sdq_while_the_iha_has_no_due_date():
    assert _sdq(iha_due=None) is None


def test_a_next_sdq_needs_no_iha_due_date():
    assert _sdq(iha_due=None, last_completed=date(2025, 3, 31)) == date(2026, 3, 31)


def test_sdq_for_a_child_under_4_moves_to_the_4th_birthday():
    # Born 15 Jun 2022: aged 3 on the IHA due date; 4 on 15 Jun 2026.
    assert _sdq(date_of_birth=date(2022, 6, 15)) == date(2026, 6, 15)


def test_sdq_for_a_child_who_is_4_on_the_iha_due_date_is_due_then():
    assert _sdq(date_of_birth=date(2022, 1, 21)) == IHA_DUE


def test_sdq_not_due_for_a_young_person_aged_17_on_the_due_date():
    # Born 10 Jan 2009: 17 on 10 Jan 2026, before the IHA due date.
    assert _sdq(date_of_birth=date(2009, 1, 10)) is None


def test_sdq_still_due_for_a_young_person_aged_16_on_the_due_date():
    # Born 22 Jan 2009: 17 only on 22 Jan 2026, the day after the IHA due date.
    assert _sdq(date_of_birth=date(2009, 1, 22)) == IHA_DUE


def test_no_next_sdq_when_12_months_on_the_young_person_is_17():
    assert _sdq(date_of_birth=date(2009, 3, 1), last_completed=date(2025, 6, 1)) is None


def test_placement_change_ignored_with_the_flag_off():
    assert _sdq(last_completed=date(2025, 3, 31), placement_changes=[date(2025, 9, 1)]) == date(
        2026, 3, 31
    )


def test_placement_change_after_the_last_sdq_makes_one_due_with_the_flag_on():
    policy = Policy(sdq_on_placement_change=True)
    assert _sdq(
        last_completed=date(2025, 3, 31),
        placement_changes=[date(2025, 11, 1), date(2025, 9, 1)],
        policy=policy,
    ) == date(2025, 9, 1)


def test_placement_change_on_or_before_the_last_sdq_is_ignored_with_the_flag_on():
    policy = Policy(sdq_on_placement_change=True)
    assert _sdq(
        last_completed=date(2025, 3, 31),
        placement_changes=[date(2025, 1, 5), date(2025, 3, 31)],
        policy=policy,
    ) == date(2026, 3, 31)


def test_sdq_interval_clamps_to_month_end():
    assert _sdq(last_completed=date(2024, 2, 29)) == date(2025, 2, 28)


# --- Health history -------------------------------------------------------------------------

TEEN = date(2008, 5, 20)  # 16 on 20 May 2024, 18 on 20 May 2026


def test_leaving_care_at_16_plus_gives_a_health_history_by_the_leaving_date():
    assert health_history_due(
        date_of_birth=TEEN, left_care_on=date(2025, 10, 1), in_care_on_or_after_16=True
    ) == date(2025, 10, 1)


def test_leaving_care_on_the_16th_birthday_counts_as_leaving_at_16():
    assert health_history_due(
        date_of_birth=TEEN, left_care_on=date(2024, 5, 20), in_care_on_or_after_16=True
    ) == date(2024, 5, 20)


def test_health_history_due_by_the_18th_birthday_if_that_comes_first():
    assert health_history_due(
        date_of_birth=TEEN, left_care_on=date(2026, 6, 1), in_care_on_or_after_16=True
    ) == date(2026, 5, 20)


def test_leaving_care_before_16_needs_no_health_history():
    assert (
        health_history_due(
            date_of_birth=TEEN, left_care_on=date(2024, 5, 19), in_care_on_or_after_16=False
        )
        is None
    )


def test_in_care_at_16_plus_health_history_due_by_the_18th_birthday():
    assert health_history_due(
        date_of_birth=TEEN, left_care_on=None, in_care_on_or_after_16=True
    ) == date(2026, 5, 20)


def test_in_care_and_not_yet_16_has_no_health_history_due():
    assert (
        health_history_due(date_of_birth=TEEN, left_care_on=None, in_care_on_or_after_16=False)
        is None
    )


def test_leap_day_young_person_health_history_due_on_1_march_in_a_common_year():
    assert health_history_due(
        date_of_birth=date(2008, 2, 29), left_care_on=None, in_care_on_or_after_16=True
    ) == date(2026, 3, 1)


# --- Properties -------------------------------------------------------------------------------


@st.composite
def sdq_cases(draw):
    born = draw(st.dates(min_value=date(1990, 1, 1), max_value=date(2070, 12, 31)))
    iha_due = draw(st.dates(min_value=born, max_value=born + timedelta(days=18 * 366)))
    last = draw(st.none() | st.dates(min_value=iha_due, max_value=iha_due + timedelta(days=3000)))
    return born, iha_due, last


@given(sdq_cases())
def test_sdq_when_due_falls_while_the_child_is_aged_4_to_16(case):
    born, iha_due, last = case
    due = _sdq(date_of_birth=born, iha_due=iha_due, last_completed=last)
    if due is not None:
        assert 4 <= age_on(born, due) <= 16


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2070, 12, 31)),
    st.integers(min_value=0, max_value=25 * 366),
)
def test_health_history_never_due_after_the_18th_birthday(born, left_after_days):
    left = born + timedelta(days=left_after_days)
    due = health_history_due(date_of_birth=born, left_care_on=left, in_care_on_or_after_16=True)
    if due is not None:
        # Independent 18th birthday: 29 February becomes 1 March in a common year.
        try:
            eighteenth = born.replace(year=born.year + 18)
        except ValueError:
            eighteenth = date(born.year + 18, 3, 1)
        assert due <= left
        assert due <= eighteenth
        assert 16 <= age_on(born, due) <= 18
