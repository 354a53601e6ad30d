"""What reading a 903 file gives: the uploaded file, a typed record per table's row,
and a ``RowError`` naming the row, the column and the reason."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

Progress = Callable[[str, int, int, int | None], None]
"""progress(label, rows_done, bytes_done, bytes_total)"""


@dataclass(frozen=True)
class RowError:
    table: str
    row: int
    column: str
    reason: str
    child: str = ""

    def __str__(self) -> str:
        where = f"{self.table} row {self.row}" if self.row else self.table
        column = f", {self.column}" if self.column else ""
        return f"{where}{column}: {self.reason}"


@dataclass
class ImportFile:
    name: str
    stream: BinaryIO
    size: int | None = None


@dataclass(frozen=True)
class HeaderRow:
    row: int
    child: str
    sex: str
    date_of_birth: date
    ethnicity: str
    upn: str
    is_mother: bool | None
    mother_child_dob: date | None
    # The LA's own TEAM column, when its extract has one (codes.OPTIONAL_COLUMNS).
    team: str = ""


@dataclass(frozen=True)
class EpisodeRow:
    row: int
    child: str
    start: date
    rne: str
    legal_status: str
    category_of_need: str
    place: str
    place_provider: str
    end: date | None
    rec: str
    reason_place_change: str
    home_postcode: str
    placement_postcode: str
    urn: str

    @property
    def placement_key(self) -> tuple[str, str, str, str]:
        return (self.place, self.place_provider, self.placement_postcode, self.urn)


@dataclass(frozen=True)
class UascRow:
    row: int
    child: str
    sex: str
    date_of_birth: date
    ceased_on: date | None


@dataclass(frozen=True)
class Oc2Row:
    """A child looked after for 12 months at 31 March: the year's outcome items."""

    row: int
    child: str
    date_of_birth: date
    sdq_score: int | None
    sdq_reason: str
    convicted: bool | None
    health_check: bool | None
    immunisations: bool | None
    teeth_check: bool | None
    health_assessment: bool | None
    substance_misuse: bool | None
    intervention_received: bool | None
    intervention_offered: bool | None


@dataclass(frozen=True)
class Ad1Row:
    """A child adopted in the year: the decision, the match and the adopters."""

    row: int
    child: str
    date_of_birth: date
    decision_on: date
    matched_on: date
    foster_carers: bool
    adopters_sex: str
    adopters_legal_status: str


@dataclass(frozen=True)
class PlacedAdoptionRow:
    """A decision that the child should be placed for adoption, and its reversal if any."""

    row: int
    child: str
    date_of_birth: date
    decision_on: date
    ceased_on: date | None
    reason: str


@dataclass
class ParsedFile:
    name: str
    table: str | None
    rows: list = field(default_factory=list)
    rows_read: int = 0
