"""Per-event recompute on the current database (issue 18): p50/p95 of recomputing one
child's clocks, and the queries it issues, over a sample of children.

    python manage.py bench_recompute [--events 200] [--change]

Run it on a populated database, e.g. the one ``bench_pages --keep`` leaves
(DATABASE_URL=.../<name>_bench_pages). Each recompute runs in a transaction that is rolled
back, so the database is left as it was. With --change each recompute first moves one fact
of the child (its open assessment's request date, or its latest appointment's date), as an
event does, so that the recompute has rows to write; without it the recompute finds nothing
changed (the common case: most events change one or two rows)."""

import random
import statistics
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone


class _Rollback(Exception):
    pass


def _p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


class Command(BaseCommand):
    help = "Time the per-event recompute of one child's clocks on the current database."

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=200, help="children to recompute")
        parser.add_argument("--change", action="store_true", help="move one fact first")
        parser.add_argument("--seed", type=int, default=3)

    def handle(self, *args, events: int, change: bool, seed: int, **options):
        from apps.assessments.models import Assessment
        from apps.assessments.recompute import recompute_children
        from apps.children.models import Child

        ids = list(Child.objects.order_by("pk").values_list("pk", flat=True))
        if not ids:
            raise CommandError("no children: run it on a populated database")
        today = timezone.localdate()
        sample = random.Random(seed).sample(ids, min(events, len(ids)))  # noqa: S311 (a sample)
        recompute_children(sample[:5], today=today)  # warm the caches (calendar, policies)
        timings, queries, written = [], [], 0
        for child_id in sample:
            try:
                with transaction.atomic():
                    if change:
                        open_ = (
                            Assessment.objects.filter(child_id=child_id, held_on__isnull=True)
                            .order_by("due_date")
                            .first()
                        )
                        if open_ is not None and open_.request_sent_on is None:
                            Assessment.objects.filter(pk=open_.pk).update(
                                request_sent_on=max(open_.clock_start, today - timedelta(days=1))
                            )
                    with CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        stats = recompute_children([child_id], today=today)
                        timings.append((time.perf_counter() - started) * 1000)
                    queries.append(len(captured.captured_queries))
                    written += stats.created + stats.updated + stats.health_clocks_written
                    raise _Rollback
            except _Rollback:
                pass
        self.stdout.write(
            f"per-event recompute: p50 {statistics.median(timings):.1f} ms, "
            f"p95 {_p95(timings):.1f} ms, max {max(timings):.1f} ms (n={len(timings)}); "
            f"queries {min(queries)}-{max(queries)}; rows written {written}"
        )
