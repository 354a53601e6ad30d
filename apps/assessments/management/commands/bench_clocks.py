"""Benchmark of the health clocks on a synthetic population in a scratch database.

    python manage.py bench_clocks --children 100000

Prints: set-up time, full recompute time, nightly sweep time (next day, and a month on),
per-event recompute p50/p95, and a bare SQL UPDATE over the same rows as the floor, with the
ratio sweep/floor. The scratch database is dropped afterwards (--keep to keep it)."""

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
        from apps.assessments.synthetic import build_population
        from apps.children.models import Child
        from apps.core.selectors import working_day_calendar

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

        tomorrow = today + timedelta(days=1)
        started = time.perf_counter()
        result = sweep_clocks(today=tomorrow)
        sweep_next_day = time.perf_counter() - started
        out(f"nightly sweep (next day): {sweep_next_day:.3f} s  {json.dumps(result.as_dict())}")
        started = time.perf_counter()
        again = sweep_clocks(today=tomorrow)
        out(
            f"same sweep again (idempotent): {time.perf_counter() - started:.3f} s, transitions: "
            f"{again.newly_overdue + again.newly_at_risk + again.reports_newly_late + again.health_clocks_overdue + again.health_clocks_at_risk}"
        )
        # A month on, many clocks change at once. Sweep and floor both start from the same
        # state: each runs in a transaction that is rolled back.
        month_on = today + timedelta(days=30)
        started = time.perf_counter()
        with transaction.atomic():
            result = sweep_clocks(today=month_on)
            sweep_month = time.perf_counter() - started
            transaction.set_rollback(True)
        out(
            f"sweep a month on (many transitions): {sweep_month:.3f} s  {json.dumps(result.as_dict())}"
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

        # The floor: bare UPDATEs of the same rows (same predicates), nothing else.
        floors = {}
        for label, day in (("next day", tomorrow + timedelta(days=1)), ("a month on", month_on)):
            started = time.perf_counter()
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE assessments_assessment SET status = 'OVERDUE' WHERE status IN ('PENDING', 'AT_RISK') "
                    "AND held_on IS NULL AND declined_on IS NULL AND not_required_reason = '' AND due_date < %s",
                    [day],
                )
                cursor.execute(
                    "UPDATE assessments_healthclock SET status = 'OVERDUE' WHERE status IN ('PENDING', 'AT_RISK') AND due_date < %s",
                    [day],
                )
                floors[label] = time.perf_counter() - started
                transaction.set_rollback(True)
        out(
            f"floor (bare UPDATE of the same rows): next day {floors['next day']:.3f} s, a month on {floors['a month on']:.3f} s"
        )
        out(
            f"ratio sweep/floor: next day {sweep_next_day / floors['next day']:.1f}, "
            f"a month on {sweep_month / floors['a month on']:.1f}"
        )

    def _analyse(self) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
