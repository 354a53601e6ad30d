"""Benchmark of every role's pages and API lists on a synthetic population (issue 18).

    python manage.py bench_pages --children 20000 [--keep]

Builds the bench_scorecard population (apps.devtools.synthetic plus its extras, then a
full recompute) in a scratch database (the current one's name + "_bench_pages"), adds one
user of each role, then for each page and API list of each role requests it through the
Django test client, signed in as that user, and prints: the median and p95 over the timed
requests, the SQL queries of one request, and the ratio of the median to the floor: a bare
``SELECT *`` of the same rows the page shows (by primary key). Pages that show no rows of
their own (the scorecard) have no floor. With --keep the scratch database is kept and
reused by the next run (no rebuild); without it the database is dropped afterwards.

Requests to one page stop after --budget seconds (the count actually timed is printed), so
a slow page cannot hold the run for long; p95 of fewer than 20 requests is their maximum.
"""

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext, setup_test_environment

SCRATCH_SUFFIX = "_bench_pages"


@dataclass
class Measure:
    role: str
    page: str
    status: int
    timed: int
    median_ms: float
    p95_ms: float
    queries: int
    floor_ms: float | None

    @property
    def ratio(self) -> str:
        if not self.floor_ms:
            return "-"
        return f"{self.median_ms / self.floor_ms:.0f}x"


def _p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


class Command(BaseCommand):
    help = "Time every role's pages and API lists on N synthetic children."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=2000)
        parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
        parser.add_argument(
            "--budget", type=float, default=30.0, help="seconds of timed requests per page"
        )
        parser.add_argument(
            "--keep", action="store_true", help="keep the scratch database and reuse it"
        )
        parser.add_argument(
            "--template",
            default="",
            help="make the scratch database as a copy of this migrated one (CI's template)",
        )
        parser.add_argument("--only", default="", help="comma-separated page labels to run")
        parser.add_argument("--inner", action="store_true", help="internal: run inside it")

    def handle(self, *args, children, repeat, budget, keep, template, only, inner, **options):
        if inner:
            return self._run(children, repeat, budget, only)
        db = settings.DATABASES["default"]
        if "postgresql" not in db["ENGINE"]:
            raise CommandError("bench_pages measures PostgreSQL: set DATABASE_URL to one")
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
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [scratch])
            if not (keep and cursor.fetchone()):
                cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
                copy = f' TEMPLATE "{template}"' if template else ""
                cursor.execute(f'CREATE DATABASE "{scratch}"{copy}')
        env = dict(os.environ)
        auth = f"{db['USER']}:{db['PASSWORD']}@" if db.get("PASSWORD") else f"{db['USER']}@"
        env["DATABASE_URL"] = (
            f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{scratch}"
        )
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        env["LOG_LEVEL"] = "WARNING"
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        try:
            subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
            command = [*manage, "bench_pages", "--inner", "--children", str(children)]
            command += ["--repeat", str(repeat), "--budget", str(budget), "--only", only]
            if subprocess.run(command, env=env).returncode:
                raise CommandError("benchmark failed")
        finally:
            if not keep:
                with admin.cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')

    # -- inside the scratch database ----------------------------------------------------

    def _run(self, count: int, repeat: int, budget: float, only: str) -> None:
        # The test client sees the rows a page rendered (for the floor) only when template
        # rendering is instrumented, as under the test runner.
        from django.test.utils import _TestState

        from apps.assessments import worklist_columns
        from apps.children.models import Child
        from apps.children.relationships import relationships_rebuild
        from apps.devtools.management.commands.bench_scorecard import (
            Command as ScorecardBench,
        )

        if not hasattr(_TestState, "saved_data"):  # already so under pytest
            setup_test_environment()
        out = self.stdout.write
        existing = Child.objects.count()
        if existing:
            out(f"reusing {existing} children")
        else:
            started = time.perf_counter()
            # django-stubs want a TextIO; the OutputWrapper is a TextIOBase that writes to one.
            bench = ScorecardBench(stdout=self.stdout, stderr=self.stderr)  # type: ignore[arg-type]
            bench._build(count)
            # Bulk inserts bypass the services that keep who may see a child, and ran with
            # the triggers that keep the assessments' worklist columns off.
            relationships_rebuild()
            worklist_columns.rebuild()
            out(f"built {count} children in {time.perf_counter() - started:.0f} s")
        users = self._users()
        with connection.cursor() as cursor:
            # As autovacuum would have by now: statistics and the visibility map (for
            # index-only scans) of the tables migrate just built or changed.
            # (VACUUM cannot run in a transaction, as under the test runner.)
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self._snapshot()
        from apps.assessments.models import Assessment

        out(
            f"children {Child.objects.count()}, assessments {Assessment.objects.count()}; "
            f"{repeat} requests a page (at most {budget:.0f} s)"
        )
        wanted = {label.strip() for label in only.split(",") if label.strip()}
        results = []
        for role, user in users.items():
            client = self._client(user)
            for label, url in self._pages(role, user):
                if wanted and label not in wanted:
                    continue
                measure = self._measure(role, label, client, url, repeat, budget)
                results.append(measure)
                out(
                    f"{role:<20} {label:<28} {measure.status:>3} n={measure.timed:<3} "
                    f"median {measure.median_ms:8.1f} ms  p95 {measure.p95_ms:8.1f} ms  "
                    f"{measure.queries:>3} queries  floor "
                    + (f"{measure.floor_ms:6.2f} ms" if measure.floor_ms else "     -   ")
                    + f"  {measure.ratio}"
                )
        worst = max(results, key=lambda m: m.p95_ms) if results else None
        if worst:
            out(f"worst p95: {worst.role} {worst.page} {worst.p95_ms:.1f} ms")

    def _snapshot(self) -> None:
        """The scorecard pages read the nightly snapshot in production (issue 18): build it
        as the 02:00 job does, once per population, so they are measured as users see them
        (a month with no snapshot would be computed live)."""
        from django.utils import timezone

        from apps.performance.models import ScorecardSnapshot
        from apps.performance.snapshots import (
            nightly_months,
            reporting_authorities_with_children,
            scorecard_snapshot_build,
        )

        if ScorecardSnapshot.objects.exists():
            return
        started = time.perf_counter()
        today = timezone.localdate()
        for authority in reporting_authorities_with_children():
            scorecard_snapshot_build(
                local_authority=authority, months=nightly_months(today), today=today
            )
        self.stdout.write(
            f"scorecard snapshot (the nightly job's months) built in "
            f"{time.perf_counter() - started:.0f} s"
        )

    def _users(self) -> dict:
        from apps.accounts.models import Organisation, OrganisationKind, Role, Team, User

        la = Organisation.objects.get(code="B01")
        provider = Organisation.objects.get(code="BP1")
        commissioner, _ = Organisation.objects.get_or_create(
            code="BC1", defaults={"kind": OrganisationKind.COMMISSIONER, "name": "Bench ICB"}
        )
        provider.areas.add(la)
        commissioner.areas.add(la)
        team = Team.objects.filter(organisation=la).order_by("pk").first()
        cast = {
            "social worker": (Role.SOCIAL_WORKER, la, team),
            "team manager": (Role.TEAM_MANAGER, la, team),
            "performance manager": (Role.PERFORMANCE_MANAGER, la, None),
            "health admin": (Role.HEALTH_ADMIN, provider, None),
            "nurse": (Role.LAC_NURSE, provider, None),
            "designated nurse": (Role.DESIGNATED, commissioner, None),
            "auditor": (Role.AUDITOR, la, None),
        }
        users = {}
        for label, (role, organisation, member_of) in cast.items():
            user, _ = User.objects.get_or_create(
                username=f"bench.{role.lower()}",
                defaults={"role": role, "organisation": organisation, "team": member_of},
            )
            users[label] = user
        return users

    def _client(self, user):
        from django.test import Client
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from apps.accounts.middleware import requires_two_factor

        client = Client()
        client.force_login(user)
        if requires_two_factor(user):
            device, _ = TOTPDevice.objects.get_or_create(
                user=user, confirmed=True, defaults={"name": "Bench"}
            )
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    def _pages(self, role: str, user) -> list[tuple[str, str]]:
        from apps.access import Capability, may
        from apps.accounts.models import Role
        from apps.children.selectors import children_visible_to
        from apps.performance.selectors import reporting_authorities_for

        pages = [
            ("worklist: awaiting action", "/?list=action"),
            ("worklist: overdue", "/?list=overdue"),
            ("worklist: due soon", "/?list=at_risk"),
            ("child list", "/children/"),
            ("child search: name", "/children/?q=Child1234"),
            ("child search: reference", "/children/?q=b00001234"),
        ]
        visible = list(children_visible_to(user).order_by("pk").values_list("pk", flat=True)[:999])
        if visible:
            pages.append(("child page", f"/children/{visible[len(visible) // 2]}/"))
        if may(user, Capability.REPORTS_VIEW):  # as the breach list view checks
            pages.append(("breach list", "/breaches/"))
        pages += [
            ("API children", "/api/v1/children/"),
            ("API assessments", "/api/v1/assessments/"),
            ("API breached", "/api/v1/assessments/?breached=true"),
        ]
        if user.role != Role.SOCIAL_WORKER and reporting_authorities_for(user):
            pages += [
                ("scorecard", "/performance/scorecard/"),
                ("scorecard by team", "/performance/scorecard/?breakdown=team"),
                ("KPI trend", "/performance/scorecard/HA_IN_DATE/"),
            ]
        return pages

    def _measure(self, role, label, client, url, repeat, budget) -> Measure:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)  # warm-up; also the query count and the rows shown
        queries = len(captured.captured_queries)
        floor = self._floor(response)
        timings: list[float] = []
        spent = time.perf_counter()
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            if time.perf_counter() - spent > budget:
                break
        return Measure(
            role=role,
            page=label,
            status=response.status_code,
            timed=len(timings),
            median_ms=statistics.median(timings),
            p95_ms=_p95(timings),
            queries=queries,
            floor_ms=floor,
        )

    def _floor(self, response) -> float | None:
        """A bare SELECT of the rows the page shows, by primary key: the least any page
        showing them must spend in the database."""
        table, ids = self._shown(response)
        if not table or not ids:
            return None
        timings = []
        with connection.cursor() as cursor:
            for _ in range(20):
                started = time.perf_counter()
                cursor.execute(f'SELECT * FROM "{table}" WHERE id = ANY(%s)', [ids])
                cursor.fetchall()
                timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings)

    def _shown(self, response) -> tuple[str | None, list[int]]:
        data = getattr(response, "data", None)
        if data is not None:
            rows = data.get("results", []) if isinstance(data, dict) else data
            view = response.renderer_context["view"]
            model = view.get_queryset().model
            return model._meta.db_table, [row["id"] for row in rows if "id" in row]
        context = response.context
        if context is None:
            return None, []
        page = context.get("page")
        if page is not None and hasattr(page, "object_list"):
            objects = [getattr(item, "assessment", item) for item in page.object_list]
            if objects and hasattr(objects[0], "_meta"):
                return objects[0]._meta.db_table, [item.pk for item in objects]
        child = context.get("child")
        if child is not None and hasattr(child, "_meta"):
            return child._meta.db_table, [child.pk]
        return None, []
