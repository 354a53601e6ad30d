from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.assessments.tasks import recompute_deferred
from apps.children.models import Child
from apps.core.services import today
from apps.devtools.demo import (
    adoption_journeys,
    create_children,
    health_journeys,
    load_organisations,
)


class Command(BaseCommand):
    help = (
        "Create demo organisations, one user per role (password from DEMO_PASSWORD) and "
        "synthetic children. Safe to run again: organisations and users are updated, and "
        "children are only added when there are none."
    )

    def add_arguments(self, parser):
        parser.add_argument("--empty", action="store_true", help="Organisations and users only")
        parser.add_argument(
            "--children", type=int, default=200, help="How many children (default 200)"
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, empty: bool, children: int, seed: int, **options):
        if settings.SETTINGS_MODULE == "config.settings.production":
            # Demo users share one known password and enrolment code (issue 17, finding 13).
            raise CommandError("seed_demo is for the embedded demo, not production settings.")
        with transaction.atomic():
            orgs = load_organisations(settings.DEMO_PASSWORD, settings.DEMO_ENROLMENT_CODE)
        self.stdout.write(f"Organisations: {len(orgs)}; users: one per role (see README)")
        if empty:
            return
        if Child.objects.exists():
            self.stdout.write("Children already exist: none added.")
            return
        with transaction.atomic(), recompute_deferred():
            made = create_children(count=children, orgs=orgs, today=today(), seed=seed)
            adopted = adoption_journeys(orgs=orgs, today=today(), seed=seed)
            health_journeys(orgs=orgs, today=today(), seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {made} children with their care histories ({adopted} adoption cases)."
            )
        )
