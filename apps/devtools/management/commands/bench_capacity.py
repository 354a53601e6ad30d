"""Benchmark of the capacity forecast on a synthetic population in a scratch database.

    python manage.py bench_capacity --children 100000

Builds the population (the clock benchmark's generator), recomputes its clocks, sets up
twelve weeks of clinics for each of five providers, then times the 12-week forecast for one
provider and for all providers, with the number of queries of each (which must not grow with
the number of children). The scratch database is dropped afterwards (--keep to keep it)."""

import os
import subprocess
import sys
import time
from datetime import time as clock_time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

SCRATCH_SUFFIX = "_bench_capacity"


class Command(BaseCommand):
    help = "Time the capacity forecast on N synthetic children in a scratch database."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=10000)
        parser.add_argument(
            "--inner", action="store_true", help="internal: run inside the scratch database"
        )
        parser.add_argument("--keep", action="store_true", help="keep the scratch database")

    def handle(self, *args, children: int, inner: bool, keep: bool, **options):
        if inner:
            return self._run(children)
        db = settings.DATABASES["default"]
        if "postgresql" not in db["ENGINE"]:
            raise CommandError("The capacity benchmark runs on PostgreSQL.")
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
        env = dict(os.environ)
        env["DATABASE_URL"] = (
            f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{scratch}"
        )
        env["LOG_LEVEL"] = "WARNING"
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        try:
            subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
            done = subprocess.run(
                [*manage, "bench_capacity", "--inner", "--children", str(children)], env=env
            )
            if done.returncode:
                raise CommandError("benchmark failed")
        finally:
            if not keep:
                with admin.cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')

    def _run(self, count: int) -> None:
        from apps.accounts.models import Organisation, OrganisationKind, Role, User
        from apps.assessments.models import Assessment
        from apps.assessments.recompute import recompute_children
        from apps.children.models import Child
        from apps.clinics import selectors
        from apps.clinics.models import ClinicSession, Slot
        from apps.core.selectors import working_day_calendar
        from apps.devtools.synthetic import build_population

        out = self.stdout.write
        today = timezone.localdate()
        started = time.perf_counter()
        build_population(count=count, today=today, calendar=working_day_calendar())
        ids = list(Child.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), 1000):
            recompute_children(ids[start : start + 1000], today=today)
        la = Organisation.objects.get(code="B01")
        providers = [Organisation.objects.get(code="BP1")] + [
            Organisation.objects.create(
                kind=OrganisationKind.PROVIDER, code=f"BP{n}", name=f"Bench provider {n}"
            )
            for n in range(2, 6)
        ]
        providers[0].areas.add(la)
        sessions, slots = [], []
        for provider in providers:
            clinician = User.objects.create(
                username=f"clinician.{provider.code}", role=Role.LAC_NURSE, organisation=provider
            )
            for week in range(12):
                for weekday, kind in ((1, "IHA"), (3, "RHA"), (4, "EITHER")):
                    day = today + timedelta(days=7 * week + (weekday - today.weekday()) % 7)
                    sessions.append(
                        ClinicSession(
                            provider=provider,
                            kind=kind,
                            date=day,
                            start_time=clock_time(9),
                            end_time=clock_time(13),
                            venue_name="Bench clinic",
                            venue_address="1 Road",
                            venue_postcode="AA1 1AA",
                            clinician=clinician,
                            clinician_role="PAEDIATRICIAN",
                            slot_minutes=60,
                            created_by=clinician,
                        )
                    )
        ClinicSession.objects.bulk_create(sessions)
        for session in sessions:
            slots += [
                Slot(session=session, start_time=clock_time(9 + h), minutes=60) for h in range(4)
            ]
        Slot.objects.bulk_create(slots)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        out(
            f"children: {count}; assessments: {Assessment.objects.count()}; clinics: {len(sessions)}; "
            f"slots: {len(slots)}; set-up {time.perf_counter() - started:.1f} s"
        )
        admin = User.objects.create(
            username="bench.admin", role=Role.HEALTH_ADMIN, organisation=providers[0]
        )
        designated_org = Organisation.objects.create(
            kind=OrganisationKind.COMMISSIONER, code="BC1", name="Bench ICB"
        )
        designated_org.areas.add(la)
        for label, user, chosen in (
            ("one provider (its health admin)", admin, providers[:1]),
            ("all providers", admin, providers),
        ):
            timings = []
            for _ in range(5):
                with CaptureQueriesContext(connection) as queries:
                    begun = time.perf_counter()
                    results = selectors.capacity(user, providers=chosen, today=today, weeks=12)
                    timings.append(time.perf_counter() - begun)
            timings.sort()
            short = sum(len(r.short_weeks) for r in results)
            breaches = sum(w.shortfall for r in results for w in r.weeks)
            out(
                f"forecast, {label}: median {timings[2] * 1000:.0f} ms, best {timings[0] * 1000:.0f} ms, "
                f"{len(queries)} queries; {short} short weeks, {breaches} predicted breaches"
            )
