"""The nightly sweep (DOMAIN.md 5): flags the breaches and "at risk" items that time alone
created, and catches up on children whose recompute message was lost.

Set-based: one UPDATE per transition over the whole population, no per-child Python loop (on
PostgreSQL all of them in one statement).
The attribution of a new breach is copied from the ``provisional_*`` columns, which every
recompute keeps current. Idempotent: a second run on the same day matches no rows.
"""

import time
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, sql
from django.utils import timezone

from apps.assessments.models import Assessment, HealthClock
from apps.assessments.recompute import recompute_children

# The clocks that recur (a completed one is moved on to its next due date by the recompute);
# the others are one-off (done once completed): from the clock registry.
from apps.assessments.rules.health_clocks import RECURRING_KINDS
from apps.assessments.rules.status import ClockStatus, at_risk_cutoff
from apps.children.models import Child, PeriodOfCare
from apps.core.selectors import working_day_calendar
from apps.policy.models import LocalAuthorityPolicy
from apps.policy.rules import DEFAULT_POLICY
from apps.policy.selectors import policy_windows

CATCH_UP_BATCH = 500


def health_clock_day_zero():
    """Day 0 of a child's health clocks, as the engine takes it: the start of the child's
    latest period of care (the open one for the dental and SDQ clocks)."""
    return Subquery(
        PeriodOfCare.objects.filter(child=OuterRef("child_id"))
        .order_by("-start_date")
        .values("start_date")[:1]
    )


@dataclass
class SweepResult:
    today: date
    stale_children_recomputed: int = 0
    newly_overdue: int = 0
    newly_at_risk: int = 0
    reports_newly_late: int = 0
    health_clocks_overdue: int = 0
    health_clocks_at_risk: int = 0
    seconds: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["today"] = self.today.isoformat()
        return data


def _open_assessments():
    return Assessment.objects.filter(
        held_on__isnull=True, declined_on__isnull=True, not_required_reason=""
    )


def catch_up_stale_children(
    *, older_than: timedelta = timedelta(minutes=5), today: date | None = None
) -> int:
    """Recompute children whose stale mark is older than a normal task takes: their message
    was lost (Redis down, worker killed before ack). Loops over that subset only."""
    cutoff = timezone.now() - older_than
    done = 0
    last_id = 0
    while True:
        ids = list(
            Child.objects.filter(clocks_stale_since__lte=cutoff, pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:CATCH_UP_BATCH]
        )
        if not ids:
            return done
        recompute_children(ids, today=today)
        done += len(ids)
        last_id = ids[-1]


def _update_sql(queryset: QuerySet, values: dict) -> tuple[str, tuple]:
    """The UPDATE that ``queryset.update(**values)`` sends, as SQL and parameters."""
    query = queryset.query.chain(sql.UpdateQuery)
    assert isinstance(query, sql.UpdateQuery)  # noqa: S101 (narrows chain()'s type)
    query.add_update_values(values)
    query.clear_select_clause()
    return query.get_compiler(queryset.db).as_sql()


def _apply(transitions: list[tuple[str, QuerySet, dict]]) -> dict[str, int]:
    """Run the transitions' UPDATEs, returning the rows each kind changed.

    PostgreSQL: one statement, each UPDATE a data-modifying CTE (one round trip, atomic by
    itself, issue 18). Its UPDATEs all see the same snapshot, which is the same as running
    them in turn because no row matches two of them: the assessments' are told apart by
    status (open and due, held) and by due date (before today: overdue; from today: at
    risk), the health clocks' by due date, and the windows of one setting partition the rows.
    Elsewhere (SQLite): the UPDATEs in turn, in one transaction."""
    counts = dict.fromkeys((name for name, _, _ in transitions), 0)
    if connection.vendor != "postgresql":
        with transaction.atomic():
            for name, queryset, values in transitions:
                counts[name] += queryset.update(**values)
        return counts
    ctes: list[str] = []
    params: list[Any] = []  # the ORM's parameters
    for index, (_, queryset, values) in enumerate(transitions):
        update, update_params = _update_sql(queryset, values)
        ctes.append(f"u{index} AS ({update} RETURNING 1)")
        params.extend(update_params)
    # The ORM's own SQL and parameters, composed.
    counted = ", ".join(f"(SELECT count(*) FROM u{i})" for i in range(len(transitions)))  # noqa: S608
    statement = f"WITH {', '.join(ctes)} SELECT {counted}"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    for (name, _, _), count in zip(transitions, row, strict=True):
        counts[name] += count
    return counts


def sweep_clocks(
    *, today: date | None = None, stale_older_than: timedelta = timedelta(minutes=5)
) -> SweepResult:
    today = today or timezone.localdate()
    result = SweepResult(today=today)
    started = time.perf_counter()
    result.stale_children_recomputed = catch_up_stale_children(
        older_than=stale_older_than, today=today
    )
    result.seconds["catch_up"] = round(time.perf_counter() - started, 3)

    started = time.perf_counter()
    calendar = working_day_calendar()
    # The at-risk window is a per-LA, effective-dated setting: as in the engine, the policy
    # in force on each clock's day 0 decides it (not the one in force today). One UPDATE per
    # distinct window (usually one).
    # With no LA's own record the default applies to every row: a condition that needs
    # neither the LA nor the day 0 (no join, no subquery), read in one query.
    windows: dict[Any, Q]
    clock_windows: dict[Any, Q]
    if LocalAuthorityPolicy.objects.exists():
        windows = policy_windows("at_risk_working_days", "clock_start")
        clock_windows = policy_windows("at_risk_working_days", "day_zero")
    else:
        windows = clock_windows = {DEFAULT_POLICY.at_risk_working_days: Q()}

    breach = {
        "breach_party": F("provisional_party"),
        "breach_reason": F("provisional_reason"),
        "breach_rule": F("provisional_rule"),
    }
    # (what it counts, the rows, the values set): one UPDATE each.
    transitions: list[tuple[str, QuerySet, dict]] = [
        (
            "newly_overdue",
            _open_assessments().filter(
                status__in=[ClockStatus.PENDING, ClockStatus.AT_RISK], due_date__lt=today
            ),
            {"status": ClockStatus.OVERDUE, **breach, "report_breached": True},
        ),
        # Held in time but the report is not back by the due date: the report measure
        # breaches. (Not the assessment from before our records: it has no deadline.)
        (
            "reports_newly_late",
            Assessment.objects.filter(
                status=ClockStatus.MET,
                not_required_reason="",
                report_returned_on__isnull=True,
                report_breached=False,
                due_date__lt=today,
            ),
            {"report_breached": True, **breach},
        ),
    ]
    # A one-off clock that is done is done; a recurring one moves on.
    still_due = Q(last_completed_on__isnull=True) | Q(kind__in=RECURRING_KINDS)
    transitions.append(
        (
            "health_clocks_overdue",
            HealthClock.objects.filter(
                still_due,
                status__in=[ClockStatus.PENDING, ClockStatus.AT_RISK],
                due_date__lt=today,
            ),
            {"status": ClockStatus.OVERDUE},
        )
    )
    for working_days, in_window in windows.items():
        cutoff = at_risk_cutoff(today, calendar, working_days)
        transitions.append(
            (
                "newly_at_risk",
                _open_assessments().filter(
                    in_window, status=ClockStatus.PENDING, due_date__range=(today, cutoff)
                ),
                {"status": ClockStatus.AT_RISK},
            )
        )
    for working_days, in_window in clock_windows.items():
        cutoff = at_risk_cutoff(today, calendar, working_days)
        due_soon = HealthClock.objects.filter(
            still_due, status=ClockStatus.PENDING, due_date__range=(today, cutoff)
        )
        if in_window:
            # An LA's own window: by the day 0 of each clock (a subquery per row), so the
            # UPDATE goes by the ids of the matching rows.
            matching = (
                due_soon.annotate(day_zero=health_clock_day_zero()).filter(in_window).values("pk")
            )
            due_soon = HealthClock.objects.filter(pk__in=matching)
        transitions.append(("health_clocks_at_risk", due_soon, {"status": ClockStatus.AT_RISK}))
    for name, count in _apply(transitions).items():
        setattr(result, name, getattr(result, name) + count)
    result.seconds["transitions"] = round(time.perf_counter() - started, 3)
    return result
