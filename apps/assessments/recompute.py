"""Loads children's facts in batches, plans their clocks with the pure engine and writes only
what changed. Used by the per-event Celery task (a batch of one), the nightly catch-up of
children whose message was lost, and a full recompute after a policy or calendar change.

Derived fields (deadlines, status, attribution) are written in bulk (apps.core.bulk) and are not
history-tracked: the events that drive them are, and each is recomputable."""

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import JSONArray
from django.utils import timezone

from apps.assessments.models import (
    Appointment,
    Assessment,
    HealthClock,
)
from apps.assessments.rules.attribution import AppointmentEvent
from apps.assessments.rules.engine import (
    COMPUTED_FIELDS,
    AssessmentFacts,
    ChildFacts,
    PeriodFacts,
    plan_child,
)
from apps.assessments.rules.health_clocks import CLOCK_KINDS
from apps.children.models import Child, PeriodOfCare
from apps.core.bulk import bulk_update_rows
from apps.core.models import NonWorkingDay
from apps.core.working_days import calendar_for
from apps.policy.models import LocalAuthorityPolicy
from apps.policy.rules import DEFAULT_POLICY, Policy

_MODEL_FIELD = {"period_id": "period_of_care_id"}
_LOADED = [
    "id",
    "child_id",
    "kind",
    "period_of_care_id",
    "previous_id",
    "clock_start",
    "request_due",
    "due_date",
    "request_sent_on",
    "request_complete_on",
    "held_on",
    "report_returned_on",
    "declined_on",
    "not_required_reason",
    "health_reason",
    "status",
    "breach_party",
    "breach_reason",
    "breach_rule",
    "report_breached",
    "provisional_party",
    "provisional_reason",
    "provisional_rule",
]
_COMPUTED = [_MODEL_FIELD.get(name, name) for name in COMPUTED_FIELDS]  # by model field
_CLOCK_FIELDS = ["due_date", "last_completed_on", "status"]
_UPDATE_PAGE = 500  # rows per UPDATE statement
_POLICY_FIELDS = [
    f.name
    for f in LocalAuthorityPolicy._meta.fields
    if f.name not in {"id", "local_authority", "effective_from"}
]


@dataclass
class RecomputeStats:
    children: int = 0
    created: int = 0
    updated: int = 0
    health_clocks_written: int = 0


LaPolicyOn = Callable[[int, date], Policy]


def _policy_on(by_la: dict[int, list[tuple[date, Policy]]]) -> LaPolicyOn:
    """(la_id, day) -> the policy in force: ``by_la`` holds each LA's records, oldest first."""

    def policy_on(la_id: int, day: date) -> Policy:
        chosen = DEFAULT_POLICY
        for effective_from, policy in by_la.get(la_id, []):
            if effective_from <= day:
                chosen = policy
        return chosen

    return policy_on


def _update_rows(model: type[models.Model], rows: list[dict], names: list[str]) -> None:
    """One ``UPDATE ... FROM (VALUES ...)`` per page of rows, setting only ``names`` (the
    columns that changed in at least one of them), through Django's cursor so that the
    statement is logged like any other (the query-count tests see it). Other databases:
    apps.core.bulk's plain UPDATE per row."""
    if connection.vendor != "postgresql":
        bulk_update_rows(model, rows, names)
        return
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name) for name in names]
    assignments = ", ".join(
        f"{quote(c.column)} = v.{quote(c.column)}::{c.db_type(connection)}" for c in columns
    )
    aliases = ", ".join(["id", *(quote(c.column) for c in columns)])
    row_sql = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _UPDATE_PAGE):
            page = rows[start : start + _UPDATE_PAGE]
            params = [
                value
                for row in page
                for value in (
                    row["id"],
                    *(
                        c.get_db_prep_save(row[n], connection)
                        for c, n in zip(columns, names, strict=True)
                    ),
                )
            ]
            # The names come from the model's meta; the values are parameters.
            rows_sql = ", ".join([row_sql] * len(page))
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} FROM (VALUES {rows_sql}) "  # noqa: S608
                f"AS v({aliases}) WHERE t.{pk} = v.id",
                params,
            )


_DATES = {
    "clock_start",
    "request_due",
    "due_date",
    "request_sent_on",
    "request_complete_on",
    "held_on",
    "report_returned_on",
    "declined_on",
}
_POLICY_TYPES = {f.name: f.get_internal_type() for f in LocalAuthorityPolicy._meta.fields}
_CLOCK_LOADED = ["id", "kind", *_CLOCK_FIELDS]


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _setting(internal_type: str, value: Any) -> Any:
    """A policy setting as the model gives it (SQLite's JSON has 0/1 for booleans)."""
    if internal_type == "DateField":
        return _day(value)
    return bool(value) if internal_type == "BooleanField" else value


def _by_date(day: date | None, pk: int) -> tuple:
    """As PostgreSQL orders a date column ascending, then the id: empty dates last."""
    return (day is None, day or date.min, pk)


def _part(name: str, queryset: QuerySet, key: Any, columns: list[str]) -> QuerySet:
    """One source of the facts' UNION ALL: (source, key, [columns...]) rows, the columns
    as one JSON array so that every source has the same shape."""
    return queryset.order_by().values_list(
        Value(name, output_field=CharField()), key, JSONArray(*columns)
    )


def _lists() -> tuple[tuple[str, str, str], ...]:
    """The placements' start dates and the records that complete each health clock, as the
    clock registry declares them: (list, model, date column), one date a row."""
    return (("placement_starts", "placements.Placement", "start_date"),) + tuple(
        (spec.facts_field, spec.record[0], spec.record[1]) for spec in CLOCK_KINDS.values()
    )


def _facts_union(child_ids: list[int], lists: tuple[tuple[str, str, str], ...]) -> QuerySet:
    of_children = Q(child_id__in=child_ids)
    parts = [
        _part(
            "period",
            PeriodOfCare.objects.filter(of_children),
            "child_id",
            ["id", "start_date", "end_date", "reason_new_episode"],
        ),
        _part(
            "appointment",
            Appointment.objects.filter(assessment__child_id__in=child_ids),
            "assessment_id",
            ["id", "appointment_date", "outcome", "cancelled_by", "placement_move"],
        ),
        _part("assessment", Assessment.objects.filter(of_children), "child_id", _LOADED),
        _part("clock", HealthClock.objects.filter(of_children), "child_id", _CLOCK_LOADED),
        _part(
            "policy",
            LocalAuthorityPolicy.objects.filter(
                local_authority_id__in=Child.objects.filter(pk__in=child_ids)
                .order_by()
                .values("responsible_la_id")
            ),
            "local_authority_id",
            ["effective_from", *_POLICY_FIELDS],
        ),
        _part("non_working", NonWorkingDay.objects.all(), Value(0), ["date"]),
        *(
            _part(
                f"list:{name}",
                apps.get_model(model).objects.filter(of_children),
                "child_id",
                [column],
            )
            for name, model, column in lists
        ),
    ]
    return parts[0].union(*parts[1:], all=True).order_by()


@lru_cache(maxsize=8)
def _facts_sql(count: int, lists: tuple[tuple[str, str, str], ...]) -> tuple[str, tuple]:
    """The facts' UNION ALL for ``count`` children, compiled once (building and compiling
    ten querysets was most of a per-event recompute's own time): the children's ids are
    parameters, compiled here as the placeholders -1..-count and swapped in by ``_read``."""
    placeholders = [-(n + 1) for n in range(count)]
    sql, params = _facts_union(placeholders, lists).query.get_compiler(using="default").as_sql()
    return sql, tuple(params)


def _read(child_ids: list[int], lists: tuple[tuple[str, str, str], ...]) -> list[tuple]:
    sql, params = _facts_sql(len(child_ids), lists)
    ids = {-(n + 1): child_id for n, child_id in enumerate(child_ids)}
    actual = [
        ids.get(p, p) if isinstance(p, int) and not isinstance(p, bool) else p for p in params
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, actual)
        return [
            (source, key, values if isinstance(values, list) else json.loads(values))
            for source, key, values in cursor.fetchall()
        ]


def _facts(child_ids: list[int]) -> tuple[dict, dict, dict, dict, frozenset, LaPolicyOn]:
    """The children (locked), their facts, their assessments and health clocks as loaded,
    the calendar's extra non-working days and the policies of their LAs, in two queries
    (issue 18: a per-event recompute is a handful of round trips, whatever the history).

    The lock comes first, in a query of its own: the facts are read after it is granted
    (a new snapshot), so an event that committed while we waited is seen."""
    children = {
        c["id"]: c
        for c in Child.objects.select_for_update()
        .filter(pk__in=child_ids)
        .order_by("pk")
        .values("id", "date_of_birth", "responsible_la_id", "clocks_stale_since")
    }
    lists = _lists()
    rows: dict[str, list[tuple[int, list]]] = defaultdict(list)
    for source, key, values in _read(child_ids, lists):
        rows[source].append((key, values))

    periods = defaultdict(list)
    for child_id, (pk, start, end, rne) in sorted(
        rows["period"], key=lambda r: (r[0], *_by_date(_day(r[1][1]), r[1][0]))
    ):
        periods[child_id].append(PeriodFacts(pk, _day(start), _day(end), rne == "S"))
    appointments = defaultdict(list)
    for assessment_id, (_, day, outcome, cancelled_by, move) in sorted(
        rows["appointment"], key=lambda r: (r[0], *_by_date(_day(r[1][1]), r[1][0]))
    ):
        appointments[assessment_id].append(
            AppointmentEvent(_day(day), outcome, cancelled_by, bool(move))
        )
    loaded = {}
    assessments = defaultdict(list)
    decoded = [
        {name: _day(v) if name in _DATES else v for name, v in zip(_LOADED, values, strict=True)}
        for _, values in rows["assessment"]
    ]
    for row in decoded:
        row["report_breached"] = bool(row["report_breached"])
    for row in sorted(decoded, key=lambda r: (r["child_id"], *_by_date(r["due_date"], r["id"]))):
        loaded[row["id"]] = row
        values = {k: row[k] for k in _LOADED if k not in {"child_id", "period_of_care_id"}}
        facts = AssessmentFacts(
            period_id=row["period_of_care_id"], appointments=appointments[row["id"]], **values
        )
        assessments[row["child_id"]].append(facts)
    clocks = {}
    for child_id, values in rows["clock"]:
        clock = dict(zip(_CLOCK_LOADED, values, strict=True))
        clock["due_date"] = _day(clock["due_date"])
        clock["last_completed_on"] = _day(clock["last_completed_on"])
        clocks[(child_id, clock["kind"])] = clock
    policies: dict[int, list[tuple[date, Policy]]] = defaultdict(list)
    for la_id, (effective_from, *values) in rows["policy"]:
        settings = {
            name: _setting(_POLICY_TYPES[name], v)
            for name, v in zip(_POLICY_FIELDS, values, strict=True)
        }
        policies[la_id].append((_day(effective_from), Policy(**settings)))
    for records in policies.values():
        records.sort(key=lambda r: r[0])
    non_working = frozenset(_day(day) for _, (day,) in rows["non_working"])

    by_list: dict[str, dict[int, list[date]]] = defaultdict(lambda: defaultdict(list))
    for name, _, _ in lists:
        for child_id, (day,) in rows[f"list:{name}"]:
            by_list[name][child_id].append(_day(day))
    for name, by_child in by_list.items():
        for days in by_child.values():
            # Placements by start date; completions latest first (the models' own orders).
            days.sort(reverse=name != "placement_starts")
    placements = by_list["placement_starts"]
    completions = {spec.facts_field: by_list[spec.facts_field] for spec in CLOCK_KINDS.values()}
    named = {f.name for f in fields(ChildFacts)}
    facts = {
        child_id: ChildFacts(
            date_of_birth=child["date_of_birth"],
            periods=periods[child_id],
            assessments=assessments[child_id],
            placement_starts=placements[child_id],
            **{n: by_child[child_id] for n, by_child in completions.items() if n in named},
            other_completions={
                n: by_child[child_id] for n, by_child in completions.items() if n not in named
            },
        )
        for child_id, child in children.items()
    }
    return children, facts, loaded, clocks, non_working, _policy_on(policies)


def recompute_children(child_ids: Iterable[int], *, today: date | None = None) -> RecomputeStats:
    """Recompute the clocks of these children (one transaction, children locked in id order
    so that concurrent events and recomputes of the same child queue behind each other)."""
    child_ids = sorted(set(child_ids))
    today = today or timezone.localdate()
    stats = RecomputeStats()
    with transaction.atomic():
        # Locks the children first; the calendar in force is read with the facts.
        children, facts, loaded, existing_clocks, non_working, policy_for_la = _facts(child_ids)
        calendar = calendar_for(non_working)
        to_create, to_update = [], []
        clocks_create, clocks_update, clocks_delete = [], [], []
        # The columns that changed in at least one row: an UPDATE sets only those (one
        # statement per table), so an unchanged column is not rewritten.
        assessment_fields: set[str] = set()
        clock_fields: set[str] = set()
        for child_id, child in children.items():
            la_id = child["responsible_la_id"]
            plan = plan_child(
                facts[child_id],
                today=today,
                calendar=calendar,
                policy_on=lambda day, la_id=la_id: policy_for_la(la_id, day),
            )
            for planned in plan.assessments:
                values = {
                    _MODEL_FIELD.get(name, name): getattr(planned, name) for name in COMPUTED_FIELDS
                }
                if planned.id is None:
                    to_create.append(Assessment(child_id=child_id, kind=planned.kind, **values))
                    continue
                row = loaded[planned.id]
                changed = [name for name, value in values.items() if row[name] != value]
                if changed:
                    to_update.append({"id": planned.id, **values})
                    assessment_fields.update(changed)
            for kind, clock in plan.health_clocks.items():
                current = existing_clocks.pop((child_id, kind), None)
                if current is None:
                    clocks_create.append(
                        HealthClock(
                            child_id=child_id,
                            kind=kind,
                            due_date=clock.due_date,
                            last_completed_on=clock.last_completed_on,
                            status=clock.status,
                        )
                    )
                else:
                    wanted = {name: getattr(clock, name) for name in _CLOCK_FIELDS}
                    changed = [n for n, v in wanted.items() if current[n] != v]
                    if changed:
                        clocks_update.append({"id": current["id"], **wanted})
                        clock_fields.update(changed)
            clocks_delete.extend(
                h["id"] for (cid, _), h in list(existing_clocks.items()) if cid == child_id
            )
        if to_create:
            Assessment.objects.bulk_create(to_create, batch_size=1000)
        if to_update:
            _update_rows(Assessment, to_update, [f for f in _COMPUTED if f in assessment_fields])
        if clocks_create:
            HealthClock.objects.bulk_create(clocks_create, batch_size=1000)
        if clocks_update:
            _update_rows(
                HealthClock, clocks_update, [f for f in _CLOCK_FIELDS if f in clock_fields]
            )
        if clocks_delete:
            HealthClock.objects.filter(pk__in=clocks_delete).delete()
        # Clear the stale mark only where it is still the one we saw: an event committed
        # after our read left a newer mark, and that child is recomputed again.
        seen = [
            Q(pk=cid, clocks_stale_since=c["clocks_stale_since"])
            for cid, c in children.items()
            if c["clocks_stale_since"]
        ]
        for start in range(0, len(seen), 500):
            condition = Q()
            for q in seen[start : start + 500]:
                condition |= q
            Child.objects.filter(condition).update(clocks_stale_since=None)
    stats.children = len(children)
    stats.created = len(to_create)
    stats.updated = len(to_update)
    stats.health_clocks_written = len(clocks_create) + len(clocks_update) + len(clocks_delete)
    return stats


def mark_clocks_stale(child_id: int) -> None:
    """In the event's own transaction: this child's clocks need a recompute."""
    Child.objects.filter(pk=child_id).update(clocks_stale_since=timezone.now())
