"""manage.py import_903 --la 886 [--default-team North] [--collection-year 2026] header.csv
episodes.csv uasc.csv oc2.csv ad1.csv placed_adoption.csv"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import Organisation, OrganisationKind, Team
from apps.interop.importer import import_903
from apps.interop.reading import ImportFile
from apps.interop.selectors import CollectionYear


class ProgressBar:
    """A one-line text progress bar on stderr: bytes read of each file, then rows written."""

    def __init__(self, stream, width: int = 30) -> None:
        self.stream, self.width = stream, width

    def __call__(self, label: str, done: int, part: int, total: int | None) -> None:
        if total:
            filled = int(self.width * min(part, total) / total)
            bar = "#" * filled + "-" * (self.width - filled)
            self.stream.write(f"\r{label:<10} [{bar}] {100 * part // total:3d}% {done} rows")
        else:
            self.stream.write(f"\r{label:<10} {done} rows")
        if total and part >= total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import SSDA903 Header, Episodes, UASC, OC2, AD1 and PlacedAdoption CSV files (DfE column sets, dates "
        "DD/MM/YYYY) for one local authority. The tables are recognised by their columns. "
        "All files are checked first; with any error nothing is imported and every rejected "
        "row is listed. Importing the same files again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--la", required=True, help="The LA's DfE code, e.g. 886")
        parser.add_argument(
            "--default-team",
            default="",
            help="The name of the LA's team for children the files give no team (a TEAM "
            "column in the Header comes first); a child who has a team keeps it",
        )
        parser.add_argument(
            "--collection-year",
            default="",
            help="The collection year of the OC2 rows, e.g. 2026 or 2025/26 (default: the "
            "latest that has ended)",
        )
        parser.add_argument("--quiet-progress", action="store_true")

    def handle(
        self,
        *args,
        files: list[Path],
        la: str,
        quiet_progress: bool,
        default_team: str = "",
        collection_year: str = "",
        **options,
    ):
        try:
            year = CollectionYear.parse(collection_year) if collection_year else None
        except ValueError:
            raise CommandError(f"{collection_year} is not a collection year") from None
        try:
            local_authority = Organisation.objects.get(
                code=la, kind=OrganisationKind.LOCAL_AUTHORITY
            )
        except Organisation.DoesNotExist:
            raise CommandError(f"No local authority with code {la}") from None
        team = None
        if default_team:
            team = Team.objects.filter(
                organisation=local_authority, name__iexact=default_team.strip()
            ).first()
            if team is None:
                raise CommandError(f"No team '{default_team}' in {local_authority.name}")
        for path in files:
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
        handles = [path.open("rb") for path in files]
        try:
            report = import_903(
                local_authority=local_authority,
                files=[
                    ImportFile(path.name, handle, path.stat().st_size)
                    for path, handle in zip(files, handles, strict=True)
                ],
                progress=None if quiet_progress else ProgressBar(sys.stderr),
                default_team=team,
                year=year,
            )
        finally:
            for handle in handles:
                handle.close()
        for table, name in report.files.items():
            self.stdout.write(f"{table}: {name} ({report.rows_read[table]} rows)")
        if report.errors:
            for error in report.errors:
                self.stdout.write(f"  {error}")
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
