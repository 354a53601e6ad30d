"""Compare the child relationships table with the rule it replaced (issue 18).

    python manage.py check_child_relationships [--rebuild]

For each provider and commissioner, the children the old rule (EXISTS over assessments and
open placements) lets it see against those the table-backed access selector does. Prints
each organisation that differs and exits non-zero if any does; --rebuild first rewrites the
table from the facts (after a bulk load that bypassed the services)."""

from django.core.management.base import BaseCommand, CommandError

from apps.children.relationships import relationship_differences, relationships_rebuild


class Command(BaseCommand):
    help = "Compare the child relationships table with the access rule it replaced."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="rebuild the table first")

    def handle(self, *args, rebuild: bool, **options):
        if rebuild:
            self.stdout.write(f"rebuilt: {relationships_rebuild()} rows written")
        differences = relationship_differences()
        for code, count in differences.items():
            self.stdout.write(f"{code}: {count} children differ")
        if differences:
            raise CommandError(f"{len(differences)} organisations differ")
        self.stdout.write("0 differences")
