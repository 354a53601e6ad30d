"""Benchmark of the health clocks on a synthetic population in a scratch database.

    python manage.py bench_clocks --children 100000

Prints: set-up time, full recompute time, nightly sweep time (next day, and a month on),
per-event recompute p50/p95, and the floor: bare UPDATEs by id of exactly the rows the sweep
changes, with the same values, on the same day and from the same state (both rolled back),
with the ratio sweep/floor. The scratch database is dropped afterwards (--keep to keep it)."""

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
from django.utils import timezone

SCRATCH_SUFFIX = "_bench"


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

    def handle(self, *args, children: int, inner: bool, keep: bool, events: int, **options):
        if inner:
            return self._run(children, events)
        db = settings.DATABASES["default"]
        env = dict(os.environ)
        if "postgresql" in db["ENGINE"]:
            import psycopg2

            scratch = f"{db['NAME']}{SCRATCH_SUFFIX}"
            admin = psycopg2.connect(
                dbname="postgres",
                user=db["USER"],
                host=db["HOST"],
                port=db["PORT"] or 5432,
                password=db.get("PASSWORD") or None,
            )
            admin.autocommit = True
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

    def _run(self, count: int, events: int) -> None:
        from apps.assessments.models import Assessment, HealthClock
        from apps.assessments.recompute import recompute_children
        from apps.assessments.sweep import sweep_clocks
        from apps.children.models import Child
        from apps.core.selectors import working_day_calendar
        from apps.devtools.synthetic import build_population

        today = timezone.localdate()
        calendar = working_day_calendar()
        out = self.stdout.write
        out(f"database: {connection.vendor}; children: {count}")

        started = time.perf_counter()
        totals = build_population(count=count, today=today, calendar=calendar)
        self._analyse()
        setup = time.perf_counter() - started
        out(f"set-up: {setup:.1f} s  {json.dumps(totals)}")

        ids = list(Child.objects.order_by("pk").values_list("pk", flat=True))
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
        out(
            f"rows: assessments {Assessment.objects.count()}, health clocks {HealthClock.objects.count()}"
        )

        # The sweep against its floor: both from the same state (each in a transaction that
        # is rolled back), on the same day, the floor writing exactly the rows the sweep
        # changes with the same values, by primary key, and nothing else.
        tomorrow = today + timedelta(days=1)
        month_on = today + timedelta(days=30)
        ratios = {}
        for label, day in (("next day", tomorrow), ("a month on", month_on)):
            changes = self._sweep_changes(day)
            sweep_seconds, result = self._timed_sweep(day)
            floor_seconds = self._floor(changes)
            out(f"nightly sweep ({label}): {sweep_seconds:.3f} s  {json.dumps(result.as_dict())}")
            out(
                f"floor ({label}: the same {sum(len(v) for v in changes.values())} rows, same "
                f"values, by id): {floor_seconds:.3f} s"
            )
            ratios[label] = sweep_seconds / floor_seconds if floor_seconds else float("nan")
        result = sweep_clocks(today=tomorrow)
        started = time.perf_counter()
        again = sweep_clocks(today=tomorrow)
        out(
            f"same sweep again (idempotent): {time.perf_counter() - started:.3f} s, transitions: "
            f"{again.newly_overdue + again.newly_at_risk + again.reports_newly_late + again.health_clocks_overdue + again.health_clocks_at_risk}"
        )

        sample = random.Random(3).sample(ids, min(events, len(ids)))
        timings = []
        for child_id in sample:
            started = time.perf_counter()
            recompute_children([child_id], today=today)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        out(
            f"per-event recompute: p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms (n={len(timings)})"
        )

        out(
            f"ratio sweep/floor: next day {ratios['next day']:.1f}, "
            f"a month on {ratios['a month on']:.1f}"
        )

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
