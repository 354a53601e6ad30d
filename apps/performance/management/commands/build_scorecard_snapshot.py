"""Build the scorecard snapshot of one month (or the nightly set) by hand.

    python manage.py build_scorecard_snapshot --month 2026-11 [--la 886] [--today YYYY-MM-DD]
    python manage.py build_scorecard_snapshot --nightly

Prints, per LA, the months written, the figures stored and the seconds the counting took
(Django start-up and the write excluded).
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.accounts.models import Organisation, OrganisationKind
from apps.performance.rules import parse_month
from apps.performance.snapshots import (
    nightly_months,
    reporting_authorities_with_children,
    scorecard_snapshot_build,
)


class Command(BaseCommand):
    help = "Compute and store the scorecard snapshot of a month (or the nightly months)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM")
        parser.add_argument("--nightly", action="store_true", help="the nightly job's months")
        parser.add_argument("--la", help="the LA's code; default: every LA with children")
        parser.add_argument("--today", help="YYYY-MM-DD; default: today")

    def handle(self, *args, month, nightly, la, today, **options):
        if bool(month) == bool(nightly):
            raise CommandError("Give either --month YYYY-MM or --nightly.")
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError("Enter --today as YYYY-MM-DD, for example 2026-12-01.") from error
        if month:
            try:
                months = [parse_month(month)]
            except ValueError as error:
                raise CommandError(f"--month: {error}") from error
        else:
            months = nightly_months(day)
        if la:
            authorities = list(
                Organisation.objects.filter(code=la, kind=OrganisationKind.LOCAL_AUTHORITY)
            )
            if not authorities:
                raise CommandError(f"--la: there is no local authority with the code {la}.")
        else:
            authorities = reporting_authorities_with_children()
        for authority in authorities:
            build = scorecard_snapshot_build(local_authority=authority, months=months, today=day)
            self.stdout.write(
                f"{authority.code}: {build.written} of {len(build.months)} month(s) written, "
                f"{build.figures} figures, counted in {build.seconds:.2f} s"
            )
