import json
from datetime import date, timedelta

from django.core.management.base import BaseCommand

from apps.assessments.sweep import sweep_clocks


class Command(BaseCommand):
    help = (
        "Run the nightly clock sweep now: flag breaches and at-risk items, catch up stale children."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=date.fromisoformat, help="Sweep as of this date (YYYY-MM-DD)"
        )

    def handle(self, *args, today=None, **options):
        result = sweep_clocks(today=today, stale_older_than=timedelta(0))
        self.stdout.write(json.dumps(result.as_dict(), indent=2))
