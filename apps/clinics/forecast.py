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
  by child (between two equal deadlines of a kind, the request with the higher key, the one
  recorded later, loses). Forecast new entries (anonymous) count as due at the end of their
  week, so they lose before any named child of that week; they are counted, never listed.
- Because of that order, how many of a week's IHAs and RHAs breach depends only on the
  week-by-week counts (``simulate``); which ones, only on their order within the week and
  kind. The database therefore counts demand per provider x week x kind and picks the
  breaches by rank within the week and kind (apps/clinics/selectors.py); ``capacity_forecast``
  is the same rule on a list of items, the reference the tests hold the two to.
- The forecast of new entries: the provider's IHAs that began in the last 52 weeks, divided
  by 52, per week; an entry from now on has its IHA deadline about four weeks later (20
  working days), so the forecast starts in week `lag_weeks + 1`. Fractions are carried
  (cumulative rounding), so 0.5 a week gives 0, 1, 0, 1, ...
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

Key = int | str


@dataclass(frozen=True)
class Due:
    key: Key
    kind: str  # "IHA" or "RHA"
    deadline: date


@dataclass(frozen=True)
class Supply:
    iha: int = 0
    rha: int = 0
    either: int = 0


@dataclass(frozen=True)
class Demand:
    """A week's named demand: the IHAs and RHAs due in it with no appointment."""

    iha: int = 0
    rha: int = 0


@dataclass
class WeekForecast:
    week: int
    starts: date
    iha_due: int
    rha_due: int
    forecast_iha: int
    supply: Supply
    iha_breaches: int = 0
    rha_breaches: int = 0
    forecast_breaches: int = 0
    # The named breaches, earliest deadline first (all of them, or the first listed when
    # a long list is capped; the counts above are always whole).
    breaches: list[Due] = field(default_factory=list)

    @property
    def demand(self) -> int:
        return self.iha_due + self.rha_due + self.forecast_iha

    @property
    def free_slots(self) -> int:
        return self.supply.iha + self.supply.rha + self.supply.either

    @property
    def named_breaches(self) -> int:
        return self.iha_breaches + self.rha_breaches

    @property
    def shortfall(self) -> int:
        return self.named_breaches + self.forecast_breaches

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


def simulate(
    *,
    today: date,
    weeks: int,
    demand: dict[int, Demand],
    supply: dict[int, Supply],
    forecast_iha: Sequence[int] | None = None,
) -> list[WeekForecast]:
    """The forecast week by week from counts alone: `demand` and `supply` by week number
    (1..weeks; overdue work is already in week 1). Says how many of each week's IHAs, RHAs
    and forecast entries breach, not which."""
    if weeks < 1:
        raise ValueError("Forecast at least one week.")
    first = week_start(today)
    forecast_iha = list(forecast_iha or [0] * weeks)
    pool = {"IHA": 0, "RHA": 0, "EITHER": 0}
    result = []
    for number in range(1, weeks + 1):
        offer = supply.get(number, Supply())
        due = demand.get(number, Demand())
        pool["IHA"] += offer.iha
        pool["RHA"] += offer.rha
        pool["EITHER"] += offer.either
        week = WeekForecast(
            week=number,
            starts=first + timedelta(weeks=number - 1),
            iha_due=due.iha,
            rha_due=due.rha,
            forecast_iha=forecast_iha[number - 1] if number <= len(forecast_iha) else 0,
            supply=offer,
        )
        # IHAs first (the statutory clock that breaches first), then RHAs, then the
        # forecast entries (due at the end of the week).
        week.iha_breaches = _serve(pool, "IHA", due.iha)
        week.rha_breaches = _serve(pool, "RHA", due.rha)
        week.forecast_breaches = _serve(pool, "IHA", week.forecast_iha)
        result.append(week)
    return result


def _serve(pool: dict[str, int], kind: str, count: int) -> int:
    """Give `count` items of `kind` a slot of their kind, else an "either" slot; return how
    many get none."""
    own = min(count, pool[kind])
    pool[kind] -= own
    shared = min(count - own, pool["EITHER"])
    pool["EITHER"] -= shared
    return count - own - shared


def _order(item: Due) -> tuple[date, Key]:
    return (item.deadline, item.key)


def capacity_forecast(
    *,
    today: date,
    weeks: int,
    due: Sequence[Due],
    supply: dict[int, Supply],
    forecast_iha: Sequence[int] | None = None,
) -> list[WeekForecast]:
    """The forecast on a list of items. `due`: the open, unbooked assessments (a deadline
    before this week counts in week 1, as overdue work still needing a slot); `supply`:
    free slots by week number (1..weeks)."""
    if weeks < 1:
        raise ValueError("Forecast at least one week.")
    first = week_start(today)
    by_week: dict[int, list[Due]] = {w: [] for w in range(1, weeks + 1)}
    for item in due:
        number = max(1, week_number(first, item.deadline))
        if number <= weeks:
            by_week[number].append(item)
    demand = {
        w: Demand(
            iha=sum(1 for d in items if d.kind == "IHA"),
            rha=sum(1 for d in items if d.kind == "RHA"),
        )
        for w, items in by_week.items()
    }
    result = simulate(
        today=today, weeks=weeks, demand=demand, supply=supply, forecast_iha=forecast_iha
    )
    for week in result:
        for kind, lost in (("IHA", week.iha_breaches), ("RHA", week.rha_breaches)):
            # Served earliest deadline first, so the latest deadlines of the kind lose.
            ordered = sorted((d for d in by_week[week.week] if d.kind == kind), key=_order)
            week.breaches += ordered[len(ordered) - lost :] if lost else []
        week.breaches.sort(key=_order)
    return result
