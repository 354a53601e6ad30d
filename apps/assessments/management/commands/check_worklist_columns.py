"""Compare every assessment's worklist columns with the facts they copy (issue 18).

    python manage.py check_worklist_columns [--fix]

Prints the number of rows that differ (0 expected: the triggers of assessments migration
0012 keep them) and exits 1 if any do; --fix rewrites them from the facts first."""

import sys

from django.core.management.base import BaseCommand

from apps.assessments import worklist_columns


class Command(BaseCommand):
    help = "Compare the assessments' worklist columns with the facts they copy."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="rewrite them from the facts")

    def handle(self, *args, fix: bool, **options):
        if not worklist_columns.kept():
            self.stdout.write("the worklist columns are kept on PostgreSQL only: nothing to check")
            return
        if fix:
            self.stdout.write(f"rewrote {worklist_columns.rebuild()} rows")
        ids = worklist_columns.differences()
        self.stdout.write(f"{len(ids)} differences" + (f": {ids[:20]}" if ids else ""))
        if ids:
            sys.exit(1)
