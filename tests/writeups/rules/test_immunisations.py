"""Immunisations against the UK routine schedule, dose by dose, at each age."""

from datetime import date, timedelta

import pytest

from apps.writeups.rules.immunisations import (
    DOSES,
    DoseRecord,
    DoseState,
    dose_state,
    doses_for,
    summarise,
)

BORN = date(2023, 3, 1)  # before the July 2024 schedule change


def _state(code, on, record=DoseRecord.UNKNOWN, born=BORN):
    return dose_state(DOSES[code], date_of_birth=born, on=on, record=record)


def test_a_dose_is_not_yet_due_the_day_before_its_age():
    assert _state("6IN1_1", BORN + timedelta(weeks=8) - timedelta(days=1)) == DoseState.NOT_YET_DUE


def test_a_dose_is_due_from_its_age_and_overdue_four_weeks_later():
    due = BORN + timedelta(weeks=8)
    assert _state("6IN1_1", due) == DoseState.DUE
    assert _state("6IN1_1", due + timedelta(days=27)) == DoseState.DUE
    assert _state("6IN1_1", due + timedelta(days=28)) == DoseState.OVERDUE


def test_a_given_dose_is_given_whatever_the_age():
    assert _state("MMR_1", date(2030, 1, 1), DoseRecord.GIVEN) == DoseState.GIVEN


def test_rotavirus_is_no_longer_offered_after_its_upper_age():
    assert _state("ROTA_1", BORN + timedelta(weeks=15)) == DoseState.OVERDUE
    assert _state("ROTA_1", BORN + timedelta(weeks=15, days=1)) == DoseState.NO_LONGER_OFFERED
    assert _state("ROTA_2", BORN + timedelta(weeks=24, days=1)) == DoseState.NO_LONGER_OFFERED


def test_mmr_is_due_at_one_year_in_calendar_months():
    assert _state("MMR_1", date(2024, 2, 29)) == DoseState.NOT_YET_DUE
    assert _state("MMR_1", date(2024, 3, 1)) == DoseState.DUE


def test_the_pre_school_doses_are_due_at_3_years_4_months_overdue_after_90_days():
    assert _state("MMR_2", date(2026, 6, 30)) == DoseState.NOT_YET_DUE
    assert _state("MMR_2", date(2026, 7, 1)) == DoseState.DUE
    assert _state("4IN1", date(2026, 7, 1) + timedelta(days=90)) == DoseState.OVERDUE


def test_school_doses_are_overdue_a_year_after_their_age():
    born = date(2010, 9, 1)
    assert (
        dose_state(DOSES["HPV"], date_of_birth=born, on=date(2023, 8, 31), record="UNKNOWN")
        == DoseState.DUE
    )
    assert (
        dose_state(DOSES["HPV"], date_of_birth=born, on=date(2023, 9, 1), record="UNKNOWN")
        == DoseState.OVERDUE
    )
    assert (
        dose_state(DOSES["TD_IPV"], date_of_birth=born, on=date(2024, 8, 31), record="UNKNOWN")
        == DoseState.NOT_YET_DUE
    )


def test_children_born_from_july_2024_have_the_18_month_dose_not_hib_menc():
    old = {d.code for d in doses_for(date(2024, 6, 30))}
    new = {d.code for d in doses_for(date(2024, 7, 1))}
    assert "HIBMENC" in old and "6IN1_4" not in old
    assert "6IN1_4" in new and "HIBMENC" not in new


@pytest.mark.parametrize(
    ("on", "expected_due_by_now"),
    [
        (date(2023, 4, 1), set()),  # 4 weeks old
        (date(2023, 5, 1), {"6IN1_1", "ROTA_1", "MENB_1"}),  # 8.6 weeks
        (date(2024, 3, 1), {"HIBMENC", "MMR_1", "PCV_2", "MENB_3"}),  # 1 year: new doses
    ],
)
def test_what_is_due_now_at_each_age(on, expected_due_by_now):
    summary = summarise(date_of_birth=BORN, on=on, records={})
    assert {line.dose.code for line in summary.due} == expected_due_by_now


def test_an_unknown_history_past_its_due_age_needs_catch_up():
    # Green Book: with no reliable history, treat as unimmunised.
    summary = summarise(date_of_birth=BORN, on=date(2025, 3, 1), records={})
    assert summary.catch_up_needed
    assert summary.status == "UNKNOWN"
    assert "MMR_1" in {line.dose.code for line in summary.overdue}


def test_all_given_is_up_to_date_and_one_missing_is_not():
    on = date(2025, 3, 1)  # 2 years old
    given = {
        d.code: (DoseRecord.GIVEN, d.due_on(BORN))
        for d in doses_for(BORN)
        if d.due_on(BORN) <= on and not d.code.startswith("ROTA")
    }
    given.update(
        {
            "ROTA_1": (DoseRecord.GIVEN, date(2023, 4, 26)),
            "ROTA_2": (DoseRecord.GIVEN, date(2023, 5, 24)),
        }
    )
    summary = summarise(date_of_birth=BORN, on=on, records=given)
    assert summary.status == "UP_TO_DATE" and not summary.catch_up_needed
    given["MMR_1"] = (DoseRecord.NOT_GIVEN, None)
    summary = summarise(date_of_birth=BORN, on=on, records=given)
    assert summary.status == "NOT_UP_TO_DATE"
    assert [line.dose.code for line in summary.overdue] == ["MMR_1"]
