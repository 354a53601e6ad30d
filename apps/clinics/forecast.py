"""Capacity forecast arithmetic (issue 15). Pure functions, no ORM.

For each of the next N weeks (Monday to Sunday, week 1 being the current week) a provider
has a demand (IHAs and RHAs whose deadline falls in that week and that are not yet booked,
plus a forecast of the IHAs of children not yet in care) and a supply (free slots: IHA-only,
RHA-only and "either" slots).

The rule, documented because the issue leaves it open:
- A child can be seen in any week up to the week of their deadline, so unused slots carry
  forward to later weeks; a slot never helps an earlier week.
- Week by week, the children due that week are served earliest deadline first: an IHA takes
  an IHA slot, else an "either" slot; an RHA an RHA slot, else an "either" slot. IHAs are
  served before RHAs from the shared "either" slots (the IHA's 20-working-day clock is the
  statutory one that breaches first).
- When a week runs short, the latest deadlines lose: they are the predicted breaches, listed
  by child. Forecast new entries (anonymous) count as due at the end of their week, so they
  lose before any named child of that week; they are counted, never listed.
- The forecast of new entries: the provider's IHAs that began in the last 52 weeks, divided
  by 52, per week; an entry from now on has its IHA deadline about four weeks later (20
  working days), so the forecast starts in week `lag_weeks + 1`. Fractions are carried
  (cumulative rounding), so 0.5 a week gives 0, 1, 0, 1, ...
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class Due:
    key: object
    kind: str  # "IHA" or "RHA"
    deadline: date


@dataclass(frozen=True)
class Supply:
    iha: int = 0
    rha: int = 0
    either: int = 0


@dataclass
class WeekForecast:
    week: int
    starts: date
    iha_due: int
    rha_due: int
    forecast_iha: int
    supply: Supply
    breaches: list[Due] = field(default_factory=list)
    forecast_breaches: int = 0

    @property
    def demand(self) -> int:
        return self.iha_due + self.rha_due + self.forecast_iha

    @property
    def free_slots(self) -> int:
        return self.supply.iha + self.supply.rha + self.supply.either

    @property
    def shortfall(self) -> int:
        return len(self.breaches) + self.forecast_breaches

    @property
    def short(self) -> bool:
        return self.shortfall > 0


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_number(first_week: date, day: date) -> int:
    """1 for the week starting first_week, 2 for the next, ..."""
    return (week_start(day) - first_week).days // 7 + 1


def forecast_per_week(entries_last_52_weeks: int, weeks: int, lag_weeks: int = 4) -> list[int]:
    """Forecast new IHAs due in each week 1..weeks, by cumulative rounding of the rate."""
    rate = entries_last_52_weeks / 52
    counts = []
    for week in range(1, weeks + 1):
        running = max(0, week - lag_weeks)
        before = max(0, week - 1 - lag_weeks)
        counts.append(_round(rate * running) - _round(rate * before))
    return counts


def _round(value: float) -> int:
    return int(value + 0.5)


def capacity_forecast(
    *,
    today: date,
    weeks: int,
    due: Sequence[Due],
    supply: dict[int, Supply],
    forecast_iha: Sequence[int] | None = None,
) -> list[WeekForecast]:
    """The forecast week by week. `due`: the open, unbooked assessments (a deadline before
    this week counts in week 1, as overdue work still needing a slot); `supply`: free slots
    by week number (1..weeks)."""
    if weeks < 1:
        raise ValueError("Forecast at least one week.")
    first = week_start(today)
    forecast_iha = list(forecast_iha or [0] * weeks)
    by_week: dict[int, list[Due]] = {w: [] for w in range(1, weeks + 1)}
    for item in due:
        number = max(1, week_number(first, item.deadline))
        if number <= weeks:
            by_week[number].append(item)
    pool = {"IHA": 0, "RHA": 0, "EITHER": 0}
    result = []
    for number in range(1, weeks + 1):
        offer = supply.get(number, Supply())
        pool["IHA"] += offer.iha
        pool["RHA"] += offer.rha
        pool["EITHER"] += offer.either
        items = sorted(by_week[number], key=lambda d: (d.kind != "IHA", d.deadline, str(d.key)))
        week = WeekForecast(
            week=number,
            starts=first + timedelta(weeks=number - 1),
            iha_due=sum(1 for d in items if d.kind == "IHA"),
            rha_due=sum(1 for d in items if d.kind == "RHA"),
            forecast_iha=forecast_iha[number - 1] if number <= len(forecast_iha) else 0,
            supply=offer,
        )
        for item in items:
            if not _take(pool, item.kind):
                week.breaches.append(item)
        for _ in range(week.forecast_iha):
            if not _take(pool, "IHA"):
                week.forecast_breaches += 1
        # Named breaches in deadline order; within a kind the latest deadlines lost.
        week.breaches.sort(key=lambda d: (d.deadline, str(d.key)))
        result.append(week)
    return result


def _take(pool: dict[str, int], kind: str) -> bool:
    if pool[kind] > 0:
        pool[kind] -= 1
        return True
    if pool["EITHER"] > 0:
        pool["EITHER"] -= 1
        return True
    return False
