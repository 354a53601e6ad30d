"""manage.py export_903 --la 886 --year 2025/26 --out artifacts/903"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import Organisation, OrganisationKind
from apps.children.models import Child
from apps.interop.selectors import CollectionYear, build_export


class Command(BaseCommand):
    help = (
        "Write the SSDA903 Header, Episodes, UASC, OC2, AD1 and PlacedAdoption CSV files of one "
        "local authority's children for a collection year (1 April to 31 March; default: the "
        "latest that has ended). AD1 and PlacedAdoption come from the children's adoption "
        "cases; what the DfE needs and is not recorded is left blank and listed in the notes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--la", required=True, help="The LA's DfE code, e.g. 886")
        parser.add_argument("--year", help="Collection year: 2025/26 or 2026 (year ending)")
        parser.add_argument("--out", type=Path, required=True, help="Directory for the files")

    def handle(self, *args, la: str, year: str | None, out: Path, **options):
        try:
            local_authority = Organisation.objects.get(
                code=la, kind=OrganisationKind.LOCAL_AUTHORITY
            )
        except Organisation.DoesNotExist:
            raise CommandError(f"No local authority with code {la}") from None
        try:
            collection_year = (
                CollectionYear.parse(year) if year else CollectionYear.latest_complete()
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        export = build_export(Child.objects.filter(responsible_la=local_authority), collection_year)
        for path in export.write_directory(out):
            self.stdout.write(f"Wrote {path}")
        for note in export.notes:
            self.stdout.write(note)
