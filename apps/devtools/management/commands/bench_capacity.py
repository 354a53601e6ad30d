"""Benchmark of the capacity forecast on a synthetic population in a scratch database.

    python manage.py bench_capacity --children 100000 [--keep] [--repeat 20]

Builds the population (the clock benchmark's generator) in a scratch database named after
the current one and the number of children (``<name>_bench_capacity_<N>``), spreads its
requests over five providers, books 5% of the open requests, sets up twelve weeks of clinics
for each provider, then times the 12-week forecast for one provider and for all providers:
median and p95 over --repeat runs and the number of SQL queries of one run (which must not
grow with the number of children).

With --keep the scratch database is kept, and the next run with the same --children reuses
it without rebuilding (building 100,000 children takes a while); the forecast is then timed
as of the day the population was built, so the clinics are still in the twelve weeks.
Without --keep the database is dropped afterwards. A scratch database that holds a
population of that size without the clinics (a copy of the one bench_scorecard or
bench_pages keeps, made with ``createdb -T``) gets only the clinics and the rest of the
set-up, as of today.

The clocks are not recomputed after the bulk load: the forecast reads the assessments'
deadlines and outcomes, which build_population writes as the services would, not the
derived clock rows."""

import os
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from datetime import time as clock_time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

SCRATCH_SUFFIX = "_bench_capacity"
PROVIDERS = 5
# The commissioner's name carries the day the population was built (for a reused database).
BUILT_PREFIX = "Bench ICB, built "


def _p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


class Command(BaseCommand):
    help = "Time the capacity forecast on N synthetic children in a scratch database."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=10000)
        parser.add_argument("--repeat", type=int, default=20, help="timed runs of each forecast")
        parser.add_argument(
            "--inner", action="store_true", help="internal: run inside the scratch database"
        )
        parser.add_argument(
            "--keep", action="store_true", help="keep the scratch database and reuse it"
        )

    def handle(self, *args, children: int, repeat: int, inner: bool, keep: bool, **options):
        if inner:
            return self._run(children, repeat)
        db = settings.DATABASES["default"]
        if "postgresql" not in db["ENGINE"]:
            raise CommandError("The capacity benchmark runs on PostgreSQL.")
        import psycopg2

        scratch = f"{db['NAME']}{SCRATCH_SUFFIX}_{children}"
        admin = psycopg2.connect(
            dbname="postgres",
            user=db["USER"],
            host=db["HOST"],
            port=db["PORT"] or 5432,
            password=db.get("PASSWORD") or None,
        )
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [scratch])
            if not (keep and cursor.fetchone()):
                cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
                cursor.execute(f'CREATE DATABASE "{scratch}"')
        auth = f"{db['USER']}:{db['PASSWORD']}@" if db.get("PASSWORD") else f"{db['USER']}@"
        env = dict(os.environ)
        env["DATABASE_URL"] = (
            f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{scratch}"
        )
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        env["LOG_LEVEL"] = "WARNING"
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        try:
            subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
            done = subprocess.run(
                [
                    *manage,
                    "bench_capacity",
                    "--inner",
                    "--children",
                    str(children),
                    "--repeat",
                    str(repeat),
                ],
                env=env,
            )
            if done.returncode:
                raise CommandError("benchmark failed")
        finally:
            if not keep:
                with admin.cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')

    # -- inside the scratch database ----------------------------------------------------

    def _run(self, count: int, repeat: int) -> None:
        from apps.accounts.models import Organisation, User
        from apps.assessments.models import Assessment
        from apps.children.models import Child
        from apps.clinics import selectors
        from apps.clinics.models import ClinicSession, Slot

        out = self.stdout.write
        built = Organisation.objects.filter(name__startswith=BUILT_PREFIX).first()
        existing = Child.objects.count()
        if built is not None and existing == count:
            today = date.fromisoformat(built.name.removeprefix(BUILT_PREFIX))
            out(f"reusing the population built on {today}")
        elif existing == count and not ClinicSession.objects.exists():
            today = timezone.localdate()
            out(f"reusing a population of {existing} children; setting up the clinics")
            started = time.perf_counter()
            self._set_up(today)
            out(f"set-up: {time.perf_counter() - started:.0f} s")
        else:
            today = timezone.localdate()
            self._build(count, today)
        with connection.cursor() as cursor:
            # As autovacuum would have by now (statistics, and the visibility map that
            # index-only scans need); VACUUM cannot run in a transaction.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        providers = list(Organisation.objects.filter(code__startswith="BP").order_by("code"))
        out(
            f"children: {Child.objects.count()}; assessments: {Assessment.objects.count()}; "
            f"clinics: {ClinicSession.objects.count()}; slots: {Slot.objects.count()}; "
            f"providers: {len(providers)}; as of {today}"
        )
        admin = User.objects.get(username="bench.admin")
        designated = User.objects.get(username="bench.designated")
        for label, user, chosen in (
            ("one provider, its health admin", admin, providers[:1]),
            ("all providers, the designated nurse", designated, providers),
        ):
            selectors.capacity(user, providers=chosen, today=today, weeks=12)  # warm
            timings = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    begun = time.perf_counter()
                    results = selectors.capacity(user, providers=chosen, today=today, weeks=12)
                    timings.append(time.perf_counter() - begun)
            short = sum(len(r.short_weeks) for r in results)
            breaches = sum(w.shortfall for r in results for w in r.weeks)
            listed = sum(len(r.children) for r in results)
            out(
                f"forecast, {label}: n={repeat} median {statistics.median(timings) * 1000:.0f} ms, "
                f"p95 {_p95(timings) * 1000:.0f} ms, {len(queries)} queries; "
                f"{short} short weeks, {breaches} predicted breaches, {listed} children listed"
            )

    def _build(self, count: int, today: date) -> None:
        from django.db.models import F

        from apps.assessments.models import DentalCheck
        from apps.core.selectors import working_day_calendar
        from apps.devtools.synthetic import build_population

        out = self.stdout.write
        started = time.perf_counter()
        # build_population predates the triggers that refuse events dated before a child's
        # birth (some of its dental checks are): bypassed in this throwaway database only,
        # those rows are deleted after (as bench_scorecard does).
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            build_population(count=count, today=today, calendar=working_day_calendar())
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
        DentalCheck.objects.filter(checked_on__lt=F("child__date_of_birth")).delete()
        out(f"population: {time.perf_counter() - started:.0f} s")
        self._set_up(today)
        out(f"set-up: {time.perf_counter() - started:.0f} s")

    def _set_up(self, today: date) -> None:
        """On the population: the five providers, the bookings, the clinics and the users.
        Safe on a population another benchmark built (its commissioner and users are
        reused)."""
        from django.db.models.functions import Mod

        from apps.accounts.models import Organisation, OrganisationKind, Role, User
        from apps.assessments.models import Appointment, Assessment
        from apps.children.relationships import relationships_rebuild
        from apps.clinics.models import ClinicSession, Slot

        la = Organisation.objects.get(code="B01")
        providers = [Organisation.objects.get(code="BP1")] + [
            Organisation.objects.get_or_create(
                code=f"BP{n}",
                defaults={"kind": OrganisationKind.PROVIDER, "name": f"Bench provider {n}"},
            )[0]
            for n in range(2, PROVIDERS + 1)
        ]
        providers[0].areas.add(la)
        # The requests sent, spread over the five providers by child.
        for index, provider in enumerate(providers[1:], start=1):
            Assessment.objects.annotate(share=Mod("child_id", PROVIDERS)).filter(
                provider=providers[0], share=index
            ).update(provider=provider)
        # 5% of the open requests already have an appointment (they need no slot).
        open_sent = Assessment.objects.filter(
            held_on__isnull=True, provider__isnull=False, due_date__gte=today
        ).values_list("pk", "request_complete_on")
        Appointment.objects.bulk_create(
            [
                Appointment(
                    assessment_id=pk,
                    appointment_date=today + timedelta(days=7),
                    booked_on=complete or today,
                    outcome="BOOKED",
                )
                for pk, complete in open_sent
                if pk % 20 == 0
            ],
            batch_size=5000,
        )
        sessions = []
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
        Slot.objects.bulk_create(
            [
                Slot(session=session, start_time=clock_time(9 + h), minutes=60)
                for session in sessions
                for h in range(4)
            ]
        )
        User.objects.get_or_create(
            username="bench.admin",
            defaults={"role": Role.HEALTH_ADMIN, "organisation": providers[0]},
        )
        designated_org, _ = Organisation.objects.update_or_create(
            code="BC1",
            defaults={"kind": OrganisationKind.COMMISSIONER, "name": f"{BUILT_PREFIX}{today}"},
        )
        designated_org.areas.add(la)
        User.objects.get_or_create(
            username="bench.designated",
            defaults={"role": Role.DESIGNATED, "organisation": designated_org},
        )
        for provider in providers[1:]:
            provider.areas.add(la)
        # Bulk inserts bypass the services that keep who may see a child.
        relationships_rebuild()
