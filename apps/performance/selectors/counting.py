"""How the scorecard counts many KPIs over several windows in a constant, small number of
queries: ONE query per table, whatever the number of KPIs and months.

- Dated measures (rows = a static condition with a date in the window: IHAs by entry or
  due date, RHAs by due date, SDQs by completion) come from a day histogram: the rows are
  grouped by UASC flag, day and the truth of each condition; any window is then a sum of
  days, taken in Python with prefix sums. The database evaluates each condition once per
  row instead of once per row and window, which is what made the first version slow.
- "No clock overdue" numerators are counted as failures (the distinct periods of care with
  an overdue clock on the snapshot date) in that same scan of the assessments, by grouping
  the failing rows by their period.
- Snapshot measures over periods of care (in care on the day; dental; placements) are
  filtered aggregates (COUNT ... FILTER) in one query over the periods.

Results are keyed ``{key}d`` (denominator), ``{key}n`` (numerator) or ``{key}f``
(failures), each per (group, UASC flag). With a breakdown, each measure's group (team,
provider, age, legal status) is one more GROUP BY column of the same queries; without one
the group is ``NO_GROUP``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import reduce
from operator import itemgetter, or_

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    Count,
    DateField,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth

from apps.performance.measures import Failures, Measure
from apps.performance.rules import Window, month_end, month_start

# Enough for the report's grouping to stay in memory (4 MB, the PostgreSQL default, makes
# the 100,000-children histogram spill to disk).
REPORT_WORK_MEM = "32MB"

NO_GROUP = ""
# name -> (group, UASC flag) -> count or sum
Results = dict[str, dict[tuple[object, bool], Decimal | int]]
# A measure (or its failures) -> (a name for its group expression, the expression), or
# None to count it ungrouped (NO_GROUP) in the same query. A list of such pairs groups by
# all of them at once (the scorecard snapshot: every breakdown in one scan), and the group
# of a row is then the tuple of their values.
GroupBy = tuple[str, Expression]
Grouping = Callable[[Measure | Failures], GroupBy | list[GroupBy] | None]


@contextmanager
def reporting_queries() -> Iterator[None]:
    """Run a report's queries in one transaction tuned for them on PostgreSQL: JIT off
    (these are sub-second scans, and compiling their wide expressions costs 100-200 ms a
    query, more than it ever saves) and more memory for grouping. SET LOCAL ends with the
    transaction, so nothing leaks to other requests on the same connection."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL jit = off; SET LOCAL work_mem = '{REPORT_WORK_MEM}'")
        yield


def count(
    measures: dict[str, tuple[Measure, Window]], la_id: int, grouping: Grouping | None = None
) -> Results:
    """Counts of every (key -> measure, window) for one LA's own children, per group when
    a grouping is given."""
    dated: dict[str, tuple[Measure, Window]] = {}
    failures: dict[str, Failures] = {}
    tallies: dict[str, _Tally] = {}
    for key, (measure, window) in measures.items():
        if measure.date_field:
            dated[key] = (measure, window)
            continue
        tallies[f"{key}d"] = _Tally(measure, Count("pk", filter=measure.rows))
        if measure.failures is not None:
            failures[key] = measure.failures
        elif measure.sum_field:
            tallies[f"{key}n"] = _Tally(measure, Sum(measure.sum_field, filter=measure.rows))
        else:
            tallies[f"{key}n"] = _Tally(measure, Count("pk", filter=measure.rows & measure.met))
    results: Results = defaultdict(dict)
    if dated or failures:
        results.update(_run_histograms(dated, failures, la_id, grouping))
    if tallies:
        results.update(_run_tallies(tallies, la_id, grouping))
    return results


def flags_for(uasc: str) -> tuple[bool, ...]:
    return {"include": (False, True), "exclude": (False,), "only": (True,)}[uasc]


def counted(results: Results, key: str, uasc: str, group=None) -> tuple[Decimal | int, int]:
    """(numerator, denominator) of a key for the UASC option, in one group or (None) in
    all of them."""
    flags = flags_for(uasc)

    def total(name: str) -> Decimal | int:
        return sum(
            value
            for (in_group, flag), value in results.get(f"{key}{name}", {}).items()
            if flag in flags and (group is None or in_group == group)
        )

    denominator = total("d")
    if f"{key}n" in results:
        return total("n"), denominator
    return denominator - total("f"), denominator


def groups_of(results: Results, key: str) -> set:
    return {group for group, _flag in results.get(f"{key}d", {})}


def fold(results: Results, folding: Callable[[object], object]) -> Results:
    """The results with each raw group (an age, a legal status code) replaced by the group
    it belongs to (an age band, care order or section 20), counts added up."""
    folded: Results = defaultdict(lambda: defaultdict(int))
    for name, values in results.items():
        for (group, flag), value in values.items():
            folded[name][(folding(group), flag)] += value
    return folded


def _group_columns(sources, grouping: Grouping | None) -> tuple[dict, dict]:
    """One GROUP BY column per distinct group expression; and which columns each source
    (by id) reads."""
    columns: dict[str, Expression] = {}
    names: dict[str, str] = {}
    of_source: dict[int, tuple[str, ...] | None] = {}
    for source in sources:
        grouped = grouping(source) if grouping is not None else None
        if grouped is None:
            of_source[id(source)] = None
            continue
        read = []
        for name, expression in grouped if isinstance(grouped, list) else [grouped]:
            if name not in names:
                names[name] = f"g{len(names)}"
                columns[names[name]] = expression
            read.append(names[name])
        of_source[id(source)] = tuple(read)
    return columns, of_source


def _group_of(at: tuple | None) -> Callable[[object], object]:
    """How to read the group of a result row (a dict or a tuple) from ``at``'s columns:
    made once per query, called per row (itemgetter reads a tuple of columns in C)."""
    if at is None:
        return lambda _row: NO_GROUP
    return itemgetter(*at)


# ---------------------------------------------------------------------------------------
# Filtered aggregates


@dataclass(frozen=True)
class _Tally:
    measure: Measure
    aggregate: Aggregate


def _run_tallies(tallies: dict[str, _Tally], la_id: int, grouping: Grouping | None) -> Results:
    batches: dict[tuple[type, str], dict[str, _Tally]] = defaultdict(dict)
    for name, tally in tallies.items():
        batches[(tally.measure.model, tally.measure.child)][name] = tally
    results: Results = defaultdict(lambda: defaultdict(int))
    for (model, child), batch in sorted(batches.items(), key=lambda item: item[0][0].__name__):
        annotations = {}
        for tally in batch.values():
            annotations.update(tally.measure.annotations)
        queryset = model.objects.filter(**{f"{child}responsible_la_id": la_id})
        if annotations:
            queryset = queryset.annotate(**annotations)
        conditions = dict.fromkeys(t.measure.rows for t in batch.values())
        columns, of_source = _group_columns([t.measure for t in batch.values()], grouping)
        group_at = {name: of_source[id(tally.measure)] for name, tally in batch.items()}
        group_of = {name: _group_of(at) for name, at in group_at.items()}
        # The same aggregate asked for twice (dental and placements both count the children
        # in care on the day) is computed once.
        canonical: dict[tuple, str] = {}
        column_of = {
            name: canonical.setdefault((tally.aggregate, group_at[name]), f"a{len(canonical)}")
            for name, tally in batch.items()
        }
        aggregates = {column: aggregate for (aggregate, _group), column in canonical.items()}
        rows = (
            queryset.filter(reduce(or_, conditions))
            .annotate(_u=F(f"{child}is_uasc"), **columns)
            .values("_u", *columns)
            .annotate(**aggregates)
            .order_by()
        )
        for row in rows:
            flag = bool(row["_u"])
            for name in batch:
                group = group_of[name](row)
                results[name][(group, flag)] += row[column_of[name]] or 0
    return results


# ---------------------------------------------------------------------------------------
# Histograms


class _Histogram:
    """Counts (and sums) of one kind of row by day, with prefix sums so that any window is
    two binary searches."""

    def __init__(self, by_day: dict[date, list]) -> None:
        self.days = sorted(by_day)
        self.prefix: list[tuple] = [(0, 0, 0)]
        for day in self.days:
            rows, met, total = by_day[day]
            last = self.prefix[-1]
            self.prefix.append((last[0] + rows, last[1] + met, last[2] + total))

    def window(self, start: date, end: date) -> tuple:
        low, high = bisect_left(self.days, start), bisect_right(self.days, end)
        first, last = self.prefix[low], self.prefix[high]
        return tuple(b - a for a, b in zip(first, last, strict=True))


def _kind(measure: Measure, group_column: tuple | None = None) -> tuple:
    """Measures of the same kind differ only by window: they share one histogram."""
    return (
        measure.date_field,
        measure.static_rows,
        measure.met,
        measure.sum_field,
        measure.band,
        group_column,
    )


def _as_date(value) -> date:
    # SQLite hands back a CASE over a date column as text; PostgreSQL's date_trunc (the
    # month buckets) as a timestamp.
    if type(value) is date:
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def _bool(q: Q) -> ExpressionWrapper:
    return ExpressionWrapper(q, output_field=BooleanField())


def _run_histograms(
    dated: dict[str, tuple[Measure, Window]],
    failures: dict[str, Failures],
    la_id: int,
    grouping: Grouping | None,
) -> Results:
    batches: dict[tuple[type, str], tuple[dict, dict]] = defaultdict(lambda: ({}, {}))
    for key, (measure, window) in dated.items():
        batches[(measure.model, measure.child)][0][key] = (measure, window)
    for key, failure in failures.items():
        batches[(failure.model, failure.child)][1][key] = failure
    results: Results = defaultdict(dict)
    for (model, child), (batch, batch_failures) in sorted(
        batches.items(), key=lambda item: item[0][0].__name__
    ):
        results.update(_run_histogram(model, child, batch, batch_failures, la_id, grouping))
    return results


def _run_histogram(
    model, child: str, batch: dict, batch_failures: dict, la_id: int, grouping: Grouping | None
) -> Results:
    measures = [measure for measure, _window in batch.values()]
    group_columns, group_of = _group_columns([*measures, *batch_failures.values()], grouping)
    # Each distinct condition is one boolean column, however many measures share it.
    statics = {q: i for i, q in enumerate(dict.fromkeys(m.static_rows for m in measures))}
    mets = {q: i for i, q in enumerate(dict.fromkeys(m.met for m in measures if m.met is not None))}
    fails = {q: i for i, q in enumerate(dict.fromkeys(f.rows for f in batch_failures.values()))}
    annotations: dict = {}
    for measure in measures:
        annotations.update(measure.annotations)

    def statics_using(predicate) -> Q:
        return reduce(or_, dict.fromkeys(m.static_rows for m in measures if predicate(m)))

    date_fields = list(dict.fromkeys(m.date_field for m in measures))
    # Every window starts on the first of a month (rules.period_window) and ends at a month
    # end, except the month in progress, cut at the reporting date: whole months can be
    # summed by month, and only from that month on are days needed.
    part_months = [
        month_start(window.end)
        for _measure, window in batch.values()
        if window.end != month_end(window.end)
    ]
    day_from = min(part_months, default=None)
    band_names = list(dict.fromkeys(m.band[0] for m in measures if m.band))
    boundaries = {
        name: sorted({b for m in measures if m.band and m.band[0] == name for b in m.band[1:]})
        for name in band_names
    }
    failure_keys = list(dict.fromkeys(f.key for f in batch_failures.values()))
    groups = {
        "_u": F(f"{child}is_uasc"),
        # A day column is NULL on rows none of its measures count, and holds the first of
        # the month except in a month that a window ends part-way through: fewer groups.
        **{
            f"day_{name}": _bucket(
                name,
                statics_using(lambda m, name=name: m.date_field == name),
                day_from,
            )
            for name in date_fields
        },
        # Which band an annotation (the age on the due date) falls in, on the rows of the
        # measures that use it: the band's index, so the rows of a day group by band rather
        # than by every distinct age.
        **{
            f"band_{name}": _band_index(
                name,
                boundaries[name],
                statics_using(lambda m, name=name: m.band and m.band[0] == name),
            )
            for name in band_names
        },
        # Failing rows keep their key (the period of care) so they can be counted once.
        **{
            f"key_{name}": Case(
                When(
                    reduce(or_, (q for q in fails if _key_of(q, batch_failures) == name)),
                    then=F(name),
                )
            )
            for name in failure_keys
        },
        **group_columns,
        **{f"s{i}": _bool(q) for q, i in statics.items()},
        **{f"k{i}": _bool(q) for q, i in mets.items()},
        **{f"f{i}": _bool(q) for q, i in fails.items()},
    }
    # Each kind of row only over the span of its own windows (a quarter's RHAs need not be
    # read for two years because an IHA measure looks back that far).
    spans: dict[tuple[str, Q], list[date]] = defaultdict(list)
    for measure, window in batch.values():
        spans[(measure.date_field, measure.static_rows)] += [window.start, window.end]
    where = [
        Q(**{f"{name}__gte": min(days), f"{name}__lte": max(days)}) & static
        for (name, static), days in spans.items()
    ] + list(fails)
    sum_names = sorted({m.sum_field for m in measures if m.sum_field})
    columns = [*groups, "_count", *(f"_sum_{name}" for name in sum_names)]
    at = {name: index for index, name in enumerate(columns)}
    queryset = model.objects.filter(**{f"{child}responsible_la_id": la_id})
    if annotations:
        queryset = queryset.annotate(**annotations)
    rows = (
        queryset.filter(reduce(or_, where))
        .annotate(**groups)
        .values(*groups)
        .annotate(_count=Count("pk"), **{f"_sum_{name}": Sum(name) for name in sum_names})
        .order_by()
        .values_list(*columns)
    )
    # Kinds and failures as plain column positions: hashing Q objects per row would cost
    # more than the query.
    kind_ids: dict[tuple, int] = {}
    plans = []
    for measure in measures:
        column = group_of[id(measure)]
        kind = _kind(measure, column)
        if kind in kind_ids:
            continue
        kind_ids[kind] = len(plans)
        band = measure.band
        plans.append(
            (
                len(plans),
                at[f"day_{measure.date_field}"],
                at[f"s{statics[measure.static_rows]}"],
                at[f"k{mets[measure.met]}"] if measure.met is not None else None,
                at[f"_sum_{measure.sum_field}"] if measure.sum_field else None,
                (
                    at[f"band_{band[0]}"],
                    boundaries[band[0]].index(band[1]),
                    boundaries[band[0]].index(band[2]),
                )
                if band
                else None,
                _group_of(tuple(at[c] for c in column) if column else None),
            )
        )
    failure_plans = [
        (
            id(failure),
            at[f"f{fails[failure.rows]}"],
            at[f"key_{failure.key}"],
            _group_of(
                tuple(at[c] for c in group_of[id(failure)]) if group_of[id(failure)] else None
            ),
        )
        for failure in batch_failures.values()
    ]
    u_at, count_at = at["_u"], at["_count"]
    by_day: dict[tuple, dict[date, list]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    failing: dict[tuple, set] = defaultdict(set)
    for row in rows:
        flag = bool(row[u_at])
        for kind_id, day_at, static_at, met_at, sum_at, band, group_at in plans:
            day = row[day_at]
            if day is None or not row[static_at]:
                continue
            if band is not None:
                value = row[band[0]]
                if value is None or not band[1] <= value < band[2]:
                    continue
            group = group_at(row)
            cell = by_day[(kind_id, flag, group)][_as_date(day)]
            cell[0] += row[count_at]
            if met_at is not None and row[met_at]:
                cell[1] += row[count_at]
            if sum_at is not None:
                cell[2] += row[sum_at] or 0
        for failure_id, flag_at, key_at, group_at in failure_plans:
            if row[flag_at] and row[key_at] is not None:
                group = group_at(row)
                failing[(failure_id, flag, group)].add(row[key_at])

    results: Results = defaultdict(dict)
    histograms: dict[int, dict[tuple, _Histogram]] = defaultdict(dict)
    for (kind_id, flag, group), days in by_day.items():
        histograms[kind_id][(group, flag)] = _Histogram(days)
    for key, (measure, window) in batch.items():
        results[f"{key}d"] = {}
        results[f"{key}n"] = {}
        for group_flag, histogram in histograms[
            kind_ids[_kind(measure, group_of[id(measure)])]
        ].items():
            rows_in, met, total = histogram.window(window.start, window.end)
            if rows_in:
                results[f"{key}d"][group_flag] = rows_in
                results[f"{key}n"][group_flag] = total if measure.sum_field else met
    for key, failure in batch_failures.items():
        results[f"{key}f"] = {
            (group, flag): len(keys)
            for (failure_id, flag, group), keys in failing.items()
            if failure_id == id(failure)
        }
    return results


def _bucket(name: str, rows: Q, day_from: date | None) -> Case:
    whens = [When(~rows, then=Value(None))]
    if day_from is not None:
        whens.append(When(**{f"{name}__gte": day_from}, then=F(name)))
    return Case(
        *whens, default=TruncMonth(name, output_field=DateField()), output_field=DateField()
    )


def _band_index(name: str, bounds: list[int], rows: Q) -> Case:
    """0 for [bounds[0], bounds[1]), 1 for [bounds[1], bounds[2]), ...; -1 below, NULL off
    the rows. A measure's band [low, high) is then the indices from low's to high's."""
    return Case(
        When(~rows, then=Value(None)),
        When(**{f"{name}__lt": bounds[0]}, then=Value(-1)),
        *(
            When(**{f"{name}__lt": bound}, then=Value(index))
            for index, bound in enumerate(bounds[1:])
        ),
        default=Value(len(bounds)),
        output_field=IntegerField(),
    )


def _key_of(q: Q, batch_failures: dict[str, Failures]) -> str:
    return next(f.key for f in batch_failures.values() if f.rows == q)
