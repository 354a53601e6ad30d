"""Benchmark of the health clocks on a synthetic population in a scratch database.

    python manage.py bench_clocks --children 100000

    python manage.py bench_clocks --reuse lac_health_x100k   # an existing population

Prints: set-up time, full recompute time, nightly sweep time (next day, and a month on),
per-event recompute p50/p95 (and its statements), and the floor: bare UPDATEs by id of
exactly the rows the sweep changes, with the same values, on the same day and from the same
state (both rolled back, each table vacuumed before each timed run so that neither pays for
the other's dead rows), with the ratio sweep/floor: medians of --repeat runs, the sweep and
its floor taking turns. The scratch database is dropped afterwards (--keep to keep it).

With --reuse NAME the benchmark runs on that database as it is (e.g. a copy of the
population ``bench_pages --keep`` leaves, already recomputed): no build, no full recompute,
and it is never dropped. The sweeps it times are rolled back."""

import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

SCRATCH_SUFFIX = "_bench"


def _p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


class Command(BaseCommand):
    help = (
        "Benchmark recompute and the nightly sweep on N synthetic children in a scratch database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=10000)
        parser.add_argument(
            "--inner", action="store_true", help=("internal: run inside the scratch database")
        )
        parser.add_argument("--keep", action="store_true", help="keep the scratch database")
        parser.add_argument(
            "--events", type=int, default=200, help="single-child recomputes to time"
        )
        parser.add_argument(
            "--repeat", type=int, default=3, help="timed runs of the sweep and of its floor"
        )
        parser.add_argument(
            "--reuse",
            metavar="DATABASE",
            default="",
            help="run on this existing PostgreSQL database as it is (no build; never dropped)",
        )

    def handle(
        self,
        *args,
        children: int,
        inner: bool,
        keep: bool,
        events: int,
        repeat: int,
        reuse: str,
        **options,
    ):
        if inner:
            return self._run(children, events, repeat, build=not reuse)
        db = settings.DATABASES["default"]
        env = dict(os.environ)
        if reuse and "postgresql" not in db["ENGINE"]:
            raise CommandError("--reuse needs PostgreSQL")
        if "postgresql" in db["ENGINE"]:
            import psycopg2

            scratch = reuse or f"{db['NAME']}{SCRATCH_SUFFIX}"
            keep = keep or bool(reuse)
            admin = psycopg2.connect(
                dbname="postgres",
                user=db["USER"],
                host=db["HOST"],
                port=db["PORT"] or 5432,
                password=db.get("PASSWORD") or None,
            )
            admin.autocommit = True
            if not reuse:
                with admin.cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
                    cursor.execute(f'CREATE DATABASE "{scratch}"')
            auth = f"{db['USER']}:{db['PASSWORD']}@" if db.get("PASSWORD") else f"{db['USER']}@"
            env["DATABASE_URL"] = (
                f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{scratch}"
            )
        else:
            scratch = f"/tmp/lac_health{SCRATCH_SUFFIX}.sqlite3"
            if os.path.exists(scratch):
                os.remove(scratch)
            env["DATABASE_URL"] = f"sqlite:///{scratch}"
            admin = None
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        env["LOG_LEVEL"] = "WARNING"
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        try:
            subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
            done = subprocess.run(
                [
                    *manage,
                    "bench_clocks",
                    "--inner",
                    "--children",
                    str(children),
                    "--events",
                    str(events),
                    "--repeat",
                    str(repeat),
                    *(["--reuse", reuse] if reuse else []),
                ],
                env=env,
            )
            if done.returncode:
                raise CommandError("benchmark failed")
        finally:
            if not keep:
                if admin is not None:
                    with admin.cursor() as cursor:
                        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
                elif os.path.exists(scratch):
                    os.remove(scratch)

    def _run(self, count: int, events: int, repeat: int, *, build: bool) -> None:
        from apps.assessments.models import Assessment, HealthClock
        from apps.assessments.recompute import recompute_children
        from apps.assessments.sweep import sweep_clocks
        from apps.children.models import Child
        from apps.core.selectors import working_day_calendar
        from apps.devtools.synthetic import build_population

        today = timezone.localdate()
        calendar = working_day_calendar()
        out = self.stdout.write
        if build:
            out(f"database: {connection.vendor}; children: {count}")
            started = time.perf_counter()
            totals = build_population(count=count, today=today, calendar=calendar)
            self._analyse()
            setup = time.perf_counter() - started
            out(f"set-up: {setup:.1f} s  {json.dumps(totals)}")

        ids = list(Child.objects.order_by("pk").values_list("pk", flat=True))
        if build:
            started = time.perf_counter()
            created = updated = 0
            for start in range(0, len(ids), 1000):
                stats = recompute_children(ids[start : start + 1000], today=today)
                created += stats.created
                updated += stats.updated
            full = time.perf_counter() - started
            self._analyse()
            out(
                f"full recompute: {full:.1f} s ({count / full:.0f} children/s; {created} assessments created, {updated} updated)"
            )
        else:
            out(
                f"database: {connection.settings_dict['NAME']} as it is; children: {len(ids)} "
                "(no build, no full recompute)"
            )
        out(
            f"rows: assessments {Assessment.objects.count()}, health clocks {HealthClock.objects.count()}"
        )

        self._per_event(ids, events, today)

        # The sweep against its floor: both from the same state (each in a transaction that
        # is rolled back, each table vacuumed before each run), on the same day, the floor
        # writing exactly the rows the sweep changes with the same values, by primary key,
        # and nothing else. They take turns, so a busy moment hits both alike.
        tomorrow = today + timedelta(days=1)
        month_on = today + timedelta(days=30)
        ratios = {}
        for label, day in (("next day", tomorrow), ("a month on", month_on)):
            changes = self._sweep_changes(day)
            sweeps, floors = [], []
            for _ in range(repeat):
                self._vacuum()
                seconds, result = self._timed_sweep(day)
                sweeps.append(seconds)
                self._vacuum()
                floors.append(self._floor(changes))
            sweep_seconds, floor_seconds = statistics.median(sweeps), statistics.median(floors)
            runs = ", ".join(f"{x:.3f}" for x in sweeps)
            out(
                f"nightly sweep ({label}): {sweep_seconds:.3f} s (median of {runs})  "
                f"{json.dumps(result.as_dict())}"
            )
            runs = ", ".join(f"{x:.3f}" for x in floors)
            out(
                f"floor ({label}: the same {sum(len(v) for v in changes.values())} rows, same "
                f"values, by id): {floor_seconds:.3f} s (median of {runs})"
            )
            ratios[label] = sweep_seconds / floor_seconds if floor_seconds else float("nan")
        with transaction.atomic():
            sweep_clocks(today=tomorrow)
            started = time.perf_counter()
            again = sweep_clocks(today=tomorrow)
            seconds = time.perf_counter() - started
            transaction.set_rollback(True)
        out(
            f"same sweep again (idempotent): {seconds:.3f} s, transitions: "
            f"{again.newly_overdue + again.newly_at_risk + again.reports_newly_late + again.health_clocks_overdue + again.health_clocks_at_risk}"
        )
        out(
            f"ratio sweep/floor: next day {ratios['next day']:.1f}, "
            f"a month on {ratios['a month on']:.1f}"
        )

    def _per_event(self, ids: list[int], events: int, today) -> None:
        """Per-event recompute of a sample of children, as an event's task runs it: its own
        transaction, the commit included. On a population recomputed today it finds nothing
        or little to write (an event changes one or two rows); what it writes is the
        child's state as of today, which the sweep then starts from."""
        from apps.assessments.recompute import recompute_children

        sample = random.Random(3).sample(ids, min(events, len(ids)))  # noqa: S311 (a sample)
        recompute_children(sample[:5], today=today)  # warm the caches (calendar, policies)
        timings, cpu, statements, written = [], [], [], 0
        for child_id in sample:
            with CaptureQueriesContext(connection) as captured:
                started, started_cpu = time.perf_counter(), time.process_time()
                stats = recompute_children([child_id], today=today)
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            statements.append(len(captured.captured_queries))
            written += stats.created + stats.updated + stats.health_clocks_written
        self.stdout.write(
            f"per-event recompute: median {statistics.median(timings):.1f} ms, "
            f"p95 {_p95(timings):.1f} ms, max {max(timings):.1f} ms (n={len(timings)}; "
            f"statements {min(statements)}-{max(statements)}; rows written {written}); "
            f"this process's CPU: median {statistics.median(cpu):.1f} ms, p95 {_p95(cpu):.1f} ms"
        )

    def _vacuum(self) -> None:
        # (Not inside a transaction, e.g. a test's: VACUUM cannot run there.)
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM assessments_assessment, assessments_healthclock")

    def _timed_sweep(self, day):
        from apps.assessments.sweep import sweep_clocks

        with transaction.atomic():
            started = time.perf_counter()
            result = sweep_clocks(today=day)
            seconds = time.perf_counter() - started
            transaction.set_rollback(True)
        return seconds, result

    def _sweep_changes(self, day) -> dict[str, list[int]]:
        """The ids the sweep on ``day`` changes, by transition, from a rolled-back run."""
        from apps.assessments.sweep import sweep_clocks

        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE bench_assessment ON COMMIT DROP AS "
                "SELECT id, status, report_breached FROM assessments_assessment"
            )
            cursor.execute(
                "CREATE TEMP TABLE bench_clock ON COMMIT DROP AS "
                "SELECT id, status FROM assessments_healthclock"
            )
            sweep_clocks(today=day)
            cursor.execute(
                "SELECT a.id, a.status, b.status <> a.status FROM assessments_assessment a "
                "JOIN bench_assessment b USING (id) "
                "WHERE a.status <> b.status OR a.report_breached <> b.report_breached"
            )
            changes: dict[str, list[int]] = {"OVERDUE": [], "AT_RISK": [], "REPORT_LATE": []}
            for pk, status, moved in cursor.fetchall():
                changes[status if moved else "REPORT_LATE"].append(pk)
            cursor.execute(
                "SELECT h.id, h.status FROM assessments_healthclock h "
                "JOIN bench_clock b USING (id) WHERE h.status <> b.status"
            )
            for pk, status in cursor.fetchall():
                changes.setdefault(f"CLOCK_{status}", []).append(pk)
            transaction.set_rollback(True)
        return changes

    def _floor(self, changes: dict[str, list[int]]) -> float:
        """The same writes as the sweep (its SET lists), by id, from the same state."""
        breach = (
            "breach_party = provisional_party, breach_reason = provisional_reason, "
            "breach_rule = provisional_rule, report_breached = true"
        )
        statements = {
            "OVERDUE": f"UPDATE assessments_assessment SET status = 'OVERDUE', {breach} WHERE id = ANY(%s)",
            "AT_RISK": "UPDATE assessments_assessment SET status = 'AT_RISK' WHERE id = ANY(%s)",
            "REPORT_LATE": f"UPDATE assessments_assessment SET {breach} WHERE id = ANY(%s)",
        }
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.perf_counter()
            for key, ids in changes.items():
                if not ids:
                    continue
                if key.startswith("CLOCK_"):
                    cursor.execute(
                        "UPDATE assessments_healthclock SET status = %s WHERE id = ANY(%s)",
                        [key.removeprefix("CLOCK_"), ids],
                    )
                else:
                    cursor.execute(statements[key], [ids])
            seconds = time.perf_counter() - started
            transaction.set_rollback(True)
        return seconds

    def _analyse(self) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
