"""The collection year (1 April to 31 March), the return's files, and the 903 flag."""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from apps.core.services import today as local_today
from apps.core.spreadsheets import neutralise_formula
from apps.interop import codes


@dataclass(frozen=True)
class CollectionYear:
    """The year to 31 March of ``ending``: 1 April (ending - 1) to 31 March (ending)."""

    ending: int

    @property
    def start(self) -> date:
        return date(self.ending - 1, 4, 1)

    @property
    def end(self) -> date:
        return date(self.ending, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.ending - 1}/{self.ending % 100:02d}"

    @classmethod
    def parse(cls, value: str) -> "CollectionYear":
        """'2026' or '2025/26' or '2025-26' (the year ending 31 March 2026)."""
        value = value.strip()
        for separator in ("/", "-"):
            if separator in value:
                first, second = value.split(separator, 1)
                ending = int(first) + 1
                if int(second) % 100 != ending % 100:
                    raise ValueError(f"{value} is not a collection year")
                return cls(ending)
        return cls(int(value))

    @classmethod
    def latest_complete(cls, today: date | None = None) -> "CollectionYear":
        today = today or local_today()
        return cls(today.year if today >= date(today.year, 4, 1) else today.year - 1)


@dataclass
class Export:
    year: CollectionYear
    tables: dict[str, list[list[str]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # For each Episodes row, in order: the period of care and placement it comes from.
    episode_sources: list[tuple[int, int | None]] = field(default_factory=list)

    def csv_text(self, table: str) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(codes.COLUMNS[table])
        writer.writerows([neutralise_formula(cell) for cell in row] for row in self.tables[table])
        return buffer.getvalue()

    def write_directory(self, directory: Path) -> list[Path]:
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for table in self.tables:
            path = directory / codes.FILE_NAMES[table]
            path.write_text(self.csv_text(table), encoding="utf-8")
            written.append(path)
        return written

    def zip_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for table in self.tables:
                archive.writestr(codes.FILE_NAMES[table], self.csv_text(table))
            archive.writestr("README.txt", "\n".join(self.notes) + "\n")
        return buffer.getvalue()


def _flag(value: bool | None) -> str:
    return codes.format_flag(value)


def current_collection_year(today: date | None = None) -> CollectionYear:
    """The collection year in progress (the 2026-27 return from 1 April 2026)."""
    today = today or local_today()
    return CollectionYear(today.year + 1 if today >= date(today.year, 4, 1) else today.year)
