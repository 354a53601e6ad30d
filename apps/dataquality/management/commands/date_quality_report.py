"""List the rows that break the temporal rules (issue 13), by child, with counts per rule.
Reads only: nothing is rewritten (correct the records through their Change links)."""

from django.core.management.base import BaseCommand, CommandError

from apps.children.models import Child
from apps.core.rules.temporal import RULE_LABELS
from apps.dataquality.selectors import date_report


class Command(BaseCommand):
    help = "List records whose dates contradict each other (issue 13), with counts per rule."

    def add_arguments(self, parser):
        parser.add_argument("--la", help="Only this local authority's children (its code)")
        parser.add_argument(
            "--counts-only", action="store_true", help="Print the counts, not each child"
        )

    def handle(self, *args, la=None, counts_only=False, **options):
        children = Child.objects.all()
        if la:
            children = children.filter(responsible_la__code=la)
            if not children.exists():
                raise CommandError(f"No children for local authority {la}.")
        report = date_report(children)
        if not counts_only:
            for row in report.rows:
                self.stdout.write(f"{row.reference} {row.name}")
                for record, breach in row.problems:
                    self.stdout.write(f"  {record}: {breach.message}")
        self.stdout.write(
            f"Children checked: {report.children_checked}; with contradictory dates: "
            f"{len(report.rows)}; contradictions: {report.total}"
        )
        for rule, label in RULE_LABELS.items():
            self.stdout.write(f"  {report.counts[rule]:>6}  {label}")
