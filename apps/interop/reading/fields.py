"""The field checks: each reads one column of a row, adds an error naming it when
the value is wrong, and returns the typed value."""

from datetime import date

from apps.core.validators import EARLIEST_DATE_OF_BIRTH
from apps.interop import codes
from apps.interop.reading.rows import RowError


class _Errors:
    """Collects the errors of one row; the row is kept only when it has none."""

    def __init__(self, sink: list[RowError], table: str, row: int, child: str) -> None:
        self.sink, self.table, self.row, self.child = sink, table, row, child
        self.count = 0

    def add(self, column: str, reason: str) -> None:
        self.sink.append(RowError(self.table, self.row, column, reason, self.child))
        self.count += 1


def _date(
    e: _Errors,
    record: dict,
    column: str,
    *,
    required: bool,
    today: date,
    earliest: date | None = None,
) -> date | None:
    value = record[column]
    if not value:
        if required:
            e.add(column, "Required")
        return None
    try:
        parsed = codes.parse_date(value)
    except ValueError as error:
        e.add(column, str(error))
        return None
    if parsed > today:
        e.add(column, f"{value} is in the future")
        return None
    if earliest is not None and parsed < earliest:
        e.add(column, f"{value} is before {codes.format_date(earliest)}")
        return None
    return parsed


def _date_of_birth(e: _Errors, record: dict, column: str, *, today: date) -> date | None:
    # The Child model refuses dates of birth before 1900 (apps.core.validators): said here,
    # as a row error naming the column, rather than failing when the import is written.
    return _date(e, record, column, required=True, today=today, earliest=EARLIEST_DATE_OF_BIRTH)


def _code(e: _Errors, record: dict, column: str, allowed: set[str], *, required: bool) -> str:
    value = record[column].upper()
    if not value:
        if required:
            e.add(column, "Required")
        return ""
    if value not in allowed:
        e.add(column, f"'{record[column]}' is not a valid code")
        return ""
    return value


def _child(e: _Errors, record: dict) -> str:
    value = record["CHILD"]
    if not value:
        e.add("CHILD", "Required")
    elif not codes.CHILD_ID_PATTERN.match(value):
        e.add("CHILD", f"'{value}' is not a child reference (up to 10 letters or digits)")
    return value


def _sex(e: _Errors, record: dict) -> str:
    value = record["SEX"].upper()
    if not value:
        e.add("SEX", "Required")
        return ""
    if value == "U":
        e.add("SEX", "'U' (not known) cannot be recorded here: give M or F")
        return ""
    if value not in codes.SEX_TO_MODEL:
        e.add("SEX", f"'{record['SEX']}' is not a valid code (M or F)")
        return ""
    return codes.SEX_TO_MODEL[value]


def _flag(e: _Errors, record: dict, column: str) -> bool | None:
    value = record[column]
    if value == "":
        return None
    if value not in {"0", "1"}:
        e.add(column, f"'{value}' is not 0 or 1")
        return None
    return value == "1"


def _postcode(e: _Errors, record: dict, column: str) -> str:
    value = codes.normalise_postcode(record[column])
    if value and not (
        codes.POSTCODE_PATTERN.match(value) or codes.POSTCODE_DISTRICT_PATTERN.match(value)
    ):
        e.add(column, f"'{record[column]}' is not a postcode")
        return ""
    return value
