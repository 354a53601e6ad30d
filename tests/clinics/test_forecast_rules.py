"""The capacity forecast's arithmetic on known cohorts (issue 15)."""

from datetime import date, timedelta

import pytest

from apps.clinics.forecast import Due, Supply, capacity_forecast, forecast_per_week, week_number

TODAY = date(2026, 3, 4)  # a Wednesday: week 1 starts Monday 2 March
WEEK3 = date(2026, 3, 16)


def _ihas(n, monday=WEEK3, prefix="c"):
    return [Due(f"{prefix}{i:02}", "IHA", monday + timedelta(days=i % 5)) for i in range(n)]


def test_twelve_ihas_due_in_week_3_against_8_free_slots_lists_the_4_latest_deadlines():
    due = _ihas(12)
    weeks = capacity_forecast(today=TODAY, weeks=12, due=due, supply={3: Supply(iha=8)})
    week3 = weeks[2]
    assert (week3.iha_due, week3.free_slots, week3.shortfall) == (12, 8, 4)
    latest = sorted(due, key=lambda d: (d.deadline, d.key))[-4:]
    assert week3.breaches == latest
    assert all(not w.short for i, w in enumerate(weeks) if i != 2)


def test_slots_earlier_in_the_weeks_carry_forward():
    weeks = capacity_forecast(
        today=TODAY,
        weeks=4,
        due=_ihas(12),
        supply={1: Supply(iha=2), 2: Supply(either=2), 3: Supply(iha=8)},
    )
    assert weeks[2].shortfall == 0


def test_slots_later_never_help_an_earlier_week():
    weeks = capacity_forecast(today=TODAY, weeks=4, due=_ihas(3), supply={4: Supply(iha=10)})
    assert weeks[2].shortfall == 3 and weeks[3].shortfall == 0


def test_an_rha_cannot_take_an_iha_slot_but_both_take_either():
    due = [Due("r1", "RHA", WEEK3), Due("r2", "RHA", WEEK3), Due("i1", "IHA", WEEK3)]
    weeks = capacity_forecast(today=TODAY, weeks=3, due=due, supply={3: Supply(iha=2, either=1)})
    assert [d.key for d in weeks[2].breaches] == ["r2"]
    assert (weeks[2].iha_due, weeks[2].rha_due) == (1, 2)


def test_ihas_come_before_rhas_for_the_either_slots():
    due = [Due("r1", "RHA", WEEK3), Due("i1", "IHA", WEEK3 + timedelta(days=4))]
    weeks = capacity_forecast(today=TODAY, weeks=3, due=due, supply={3: Supply(either=1)})
    assert [d.key for d in weeks[2].breaches] == ["r1"]


def test_overdue_work_counts_in_week_1():
    due = [Due("late", "IHA", date(2026, 2, 20))]
    weeks = capacity_forecast(today=TODAY, weeks=2, due=due, supply={})
    assert weeks[0].iha_due == 1 and [d.key for d in weeks[0].breaches] == ["late"]


def test_deadlines_beyond_the_horizon_are_left_out():
    due = [Due("far", "IHA", date(2026, 6, 1))]
    weeks = capacity_forecast(today=TODAY, weeks=12, due=due, supply={})
    assert sum(w.demand for w in weeks) == 0


def test_forecast_entries_lose_before_named_children():
    weeks = capacity_forecast(
        today=TODAY,
        weeks=5,
        due=_ihas(2, monday=date(2026, 3, 30)),
        supply={5: Supply(iha=2)},
        forecast_iha=[0, 0, 0, 0, 3],
    )
    week5 = weeks[4]
    assert week5.demand == 5 and week5.breaches == [] and week5.forecast_breaches == 3
    assert week5.shortfall == 3 and week5.short


def test_forecast_rate_starts_after_the_lag_and_carries_fractions():
    assert forecast_per_week(26, 8) == [0, 0, 0, 0, 1, 0, 1, 0]
    assert forecast_per_week(104, 6) == [0, 0, 0, 0, 2, 2]
    assert forecast_per_week(0, 3) == [0, 0, 0]
    assert sum(forecast_per_week(52 * 3, 12)) == 3 * 8


def test_week_numbers_are_monday_based():
    first = date(2026, 3, 2)
    assert week_number(first, date(2026, 3, 8)) == 1
    assert week_number(first, date(2026, 3, 9)) == 2
    assert week_number(first, WEEK3) == 3


def test_a_forecast_needs_a_week():
    with pytest.raises(ValueError):
        capacity_forecast(today=TODAY, weeks=0, due=[], supply={})


# ---- The count-only arithmetic the database forecast runs (forecast.simulate) ------------


def test_simulate_on_counts_alone_matches_the_documented_example():
    from apps.clinics.forecast import Demand, simulate

    weeks = simulate(today=TODAY, weeks=4, demand={3: Demand(iha=12)}, supply={3: Supply(iha=8)})
    assert [(w.iha_breaches, w.rha_breaches, w.shortfall) for w in weeks] == [
        (0, 0, 0),
        (0, 0, 0),
        (4, 0, 4),
        (0, 0, 0),
    ]


def test_simulate_shares_either_slots_ihas_first_then_rhas_then_the_forecast():
    from apps.clinics.forecast import Demand, simulate

    [week] = simulate(
        today=TODAY,
        weeks=1,
        demand={1: Demand(iha=3, rha=2)},
        supply={1: Supply(iha=1, rha=1, either=2)},
        forecast_iha=[1],
    )
    # IHAs: 1 own + 2 either; RHAs: 1 own, 1 none; the forecast entry: none.
    assert (week.iha_breaches, week.rha_breaches, week.forecast_breaches) == (0, 1, 1)
    assert week.named_breaches == 1 and week.shortfall == 2


def test_simulate_carries_unused_slots_of_each_kind_forward():
    from apps.clinics.forecast import Demand, simulate

    weeks = simulate(
        today=TODAY,
        weeks=3,
        demand={3: Demand(iha=2, rha=2)},
        supply={1: Supply(rha=1), 2: Supply(iha=2, either=1)},
    )
    assert (weeks[2].iha_breaches, weeks[2].rha_breaches) == (0, 0)


@pytest.mark.parametrize("seed", range(40))
def test_counts_and_names_agree_on_random_cohorts(seed):
    """simulate (counts) and capacity_forecast (items) give the same breaches per week and
    kind, and the named ones are the latest deadlines of their week and kind."""
    import random

    from apps.clinics.forecast import Demand, simulate

    rng = random.Random(seed)
    weeks = rng.randint(1, 12)
    due = [
        Due(i, rng.choice(["IHA", "RHA"]), TODAY + timedelta(days=rng.randint(-20, 7 * weeks + 5)))
        for i in range(rng.randint(0, 60))
    ]
    supply = {
        w: Supply(iha=rng.randint(0, 4), rha=rng.randint(0, 4), either=rng.randint(0, 2))
        for w in range(1, weeks + 1)
        if rng.random() < 0.7
    }
    extra = [rng.randint(0, 2) for _ in range(weeks)]
    items = capacity_forecast(today=TODAY, weeks=weeks, due=due, supply=supply, forecast_iha=extra)
    demand = {w.week: Demand(iha=w.iha_due, rha=w.rha_due) for w in items}
    counts = simulate(today=TODAY, weeks=weeks, demand=demand, supply=supply, forecast_iha=extra)
    first = date(2026, 3, 2)
    for by_items, by_counts in zip(items, counts, strict=True):
        assert (by_items.iha_breaches, by_items.rha_breaches, by_items.forecast_breaches) == (
            by_counts.iha_breaches,
            by_counts.rha_breaches,
            by_counts.forecast_breaches,
        )
        assert len(by_items.breaches) == by_items.named_breaches
        for kind in ("IHA", "RHA"):
            lost = [d for d in by_items.breaches if d.kind == kind]
            kept = [
                d
                for d in due
                if d.kind == kind
                and max(1, week_number(first, d.deadline)) == by_items.week
                and d not in lost
            ]
            assert all((k.deadline, k.key) < (x.deadline, x.key) for k in kept for x in lost)
