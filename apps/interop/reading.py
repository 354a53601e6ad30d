"""Reading 903 CSV files row by row: the file's table is recognised from its column set (as
the DfE's own tools do), and each row is checked field by field into a typed record. Every
problem becomes a ``RowError`` naming the row (the line number in the file, the column header
being line 1), the column and the reason; nothing here touches the database."""

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from apps.core.validators import EARLIEST_CARE_DATE, EARLIEST_DATE_OF_BIRTH
from apps.core.working_days import date_of_age
from apps.interop import codes

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


class _Errors:
    """Collects the errors of one row; the row is kept only when it has none."""

    def __init__(self, sink: list[RowError], table: str, row: int, child: str) -> None:
        self.sink, self.table, self.row, self.child = sink, table, row, child
        self.count = 0

    def add(self, column: str, reason: str) -> None:
        self.sink.append(RowError(self.table, self.row, column, reason, self.child))
        self.count += 1


def identify_table(columns: list[str]) -> tuple[str | None, str]:
    """The 903 table with exactly these columns, or None and what is wrong."""
    for table, expected in codes.COLUMNS.items():
        optional = set(codes.OPTIONAL_COLUMNS.get(table, []))
        given = [c for c in columns if c not in optional]
        if (
            set(given) == set(expected)
            and len(given) == len(expected)
            and len(columns) == len(set(columns))
        ):
            if table not in codes.IMPORT_TABLES:
                return None, (
                    f"This is the {table} table; only {', '.join(codes.IMPORT_TABLES)} are imported"
                )
            return table, ""
    duplicates = sorted({c for c in columns if columns.count(c) > 1})
    if duplicates:
        return None, f"Duplicate column(s): {', '.join(duplicates)}"
    best = max(codes.IMPORT_TABLES, key=lambda t: len(set(columns) & set(codes.COLUMNS[t])))
    missing = [c for c in codes.COLUMNS[best] if c not in columns]
    allowed = set(codes.COLUMNS[best]) | set(codes.OPTIONAL_COLUMNS.get(best, []))
    unexpected = [c for c in columns if c not in allowed]
    parts = []
    if missing:
        parts.append(f"missing {', '.join(missing)}")
    if unexpected:
        parts.append(f"unexpected {', '.join(unexpected)}")
    return None, (
        f"The columns do not match any 903 table; nearest is {best} "
        f"({'; '.join(parts)}). Expected: {','.join(codes.COLUMNS[best])}"
    )


class _ByteCounter:
    def __init__(self) -> None:
        self.done = 0


def _lines(stream: BinaryIO, counter: _ByteCounter) -> Iterator[str]:
    first = True
    for raw in stream:
        counter.done += len(raw)
        yield raw.decode("utf-8-sig" if first else "utf-8")
        first = False


def read_file(
    upload: ImportFile,
    errors: list[RowError],
    *,
    today: date,
    progress: Progress | None = None,
) -> ParsedFile:
    """Stream one file: recognise its table, then check each row into a typed record."""
    counter = _ByteCounter()
    reader = csv.reader(_lines(upload.stream, counter))
    label = upload.name
    try:
        header = next(reader, None)
    except UnicodeDecodeError:
        errors.append(RowError(label, 1, "", "The file is not UTF-8 text (save it as CSV UTF-8)"))
        return ParsedFile(upload.name, None)
    if not header:
        errors.append(RowError(label, 0, "", "The file is empty"))
        return ParsedFile(upload.name, None)
    columns = [c.strip().upper() for c in header]
    table, problem = identify_table(columns)
    if table is None:
        errors.append(RowError(label, 1, "", problem))
        return ParsedFile(upload.name, None)
    parsed = ParsedFile(upload.name, table)
    check = _ROW_CHECKS[table]
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            parsed.rows_read += 1
            if len(values) != len(columns):
                errors.append(
                    RowError(
                        table,
                        line,
                        "",
                        f"The row has {len(values)} fields; the header has {len(columns)}",
                    )
                )
                continue
            record = dict(zip(columns, (v.strip() for v in values), strict=True))
            row = check(record, line, errors, today)
            if row is not None:
                parsed.rows.append(row)
            if progress and parsed.rows_read % 500 == 0:
                progress(table, parsed.rows_read, counter.done, upload.size)
    except UnicodeDecodeError:
        errors.append(
            RowError(table, reader.line_num + 1, "", "The file is not UTF-8 text from this line")
        )
    except csv.Error as error:
        errors.append(RowError(table, reader.line_num, "", f"The CSV is malformed: {error}"))
    if progress:
        progress(table, parsed.rows_read, counter.done, upload.size)
    return parsed


# Field checks --------------------------------------------------------------------------------


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


def check_header(record: dict, line: int, errors: list[RowError], today: date) -> HeaderRow | None:
    e = _Errors(errors, codes.HEADER, line, record["CHILD"])
    child = _child(e, record)
    sex = _sex(e, record)
    date_of_birth = _date_of_birth(e, record, "DOB", today=today)
    ethnicity = _code(e, record, "ETHNIC", codes.ETHNIC_CODES, required=True)
    upn = record["UPN"].upper()
    if upn and not codes.UPN_PATTERN.match(upn):
        e.add("UPN", f"'{record['UPN']}' is not a UPN (or UN1-UN5 when not known)")
    is_mother = _flag(e, record, "MOTHER")
    if is_mother and sex == "1":
        e.add("MOTHER", "A male child cannot be recorded as a mother")
    mother_child_dob = _date(e, record, "MC_DOB", required=False, today=today)
    if mother_child_dob and not is_mother:
        e.add("MC_DOB", "Given, but MOTHER is not 1")
    if mother_child_dob and date_of_birth and mother_child_dob <= date_of_birth:
        e.add("MC_DOB", "Before the mother's own date of birth")
    if e.count:
        return None
    team = " ".join(record.get("TEAM", "").split())
    return HeaderRow(
        line, child, sex, date_of_birth, ethnicity, upn, is_mother, mother_child_dob, team
    )


def check_episode(
    record: dict, line: int, errors: list[RowError], today: date
) -> EpisodeRow | None:
    e = _Errors(errors, codes.EPISODES, line, record["CHILD"])
    child = _child(e, record)
    # A period of care starts no earlier than the working-day calendar (validate_care_date).
    start = _date(e, record, "DECOM", required=True, today=today, earliest=EARLIEST_CARE_DATE)
    rne = _code(e, record, "RNE", codes.RNE_CODES, required=True)
    legal_status = _code(e, record, "LS", codes.LEGAL_STATUS_CODES, required=True)
    category_of_need = _code(e, record, "CIN", codes.CIN_CODES, required=False)
    place = record["PLACE"].upper()
    if not place:
        e.add("PLACE", "Required")
    elif place in codes.PLACE_CODES_NOT_HELD:
        e.add("PLACE", f"'{place}' is a valid 903 code that this system does not record yet")
    elif place not in codes.PLACE_CODES:
        e.add("PLACE", f"'{record['PLACE']}' is not a valid code")
    place_provider = record["PLACE_PROVIDER"].upper()
    if place in codes.TEMPORARY_PLACEMENTS:
        if place_provider:
            e.add("PLACE_PROVIDER", f"Given for a temporary placement ({place}): leave it blank")
    elif not place_provider:
        e.add("PLACE_PROVIDER", "Required (blank only for a temporary placement, T0 to T4)")
    elif place_provider not in codes.PLACE_PROVIDER_CODES:
        e.add("PLACE_PROVIDER", f"'{record['PLACE_PROVIDER']}' is not a valid code")
    end = _date(e, record, "DEC", required=False, today=today)
    rec = _code(e, record, "REC", codes.REC_CODES, required=False)
    if bool(record["DEC"]) != bool(record["REC"]):
        e.add("REC" if record["DEC"] else "DEC", "DEC and REC are both given or both blank")
    if start and end and end < start:
        e.add("DEC", f"Before the episode started ({codes.format_date(start)})")
    reason_place_change = _code(
        e, record, "REASON_PLACE_CHANGE", codes.REASON_PLACE_CHANGE_CODES, required=False
    )
    home_postcode = _postcode(e, record, "HOME_POST")
    placement_postcode = _postcode(e, record, "PL_POST")
    urn = record["URN"].upper()
    if urn and not codes.URN_PATTERN.match(urn):
        e.add("URN", f"'{record['URN']}' is not an Ofsted URN")
    if e.count:
        return None
    return EpisodeRow(
        line,
        child,
        start,
        rne,
        legal_status,
        category_of_need,
        place,
        place_provider,
        end,
        rec,
        reason_place_change,
        home_postcode,
        placement_postcode,
        urn,
    )


def check_uasc(record: dict, line: int, errors: list[RowError], today: date) -> UascRow | None:
    e = _Errors(errors, codes.UASC, line, record["CHILD"])
    child = _child(e, record)
    sex = _sex(e, record)
    date_of_birth = _date_of_birth(e, record, "DOB", today=today)
    ceased_on = _date(e, record, "DUC", required=False, today=today)
    if ceased_on and date_of_birth:
        if ceased_on < date_of_birth:
            e.add("DUC", "Before the date of birth")
        elif ceased_on > date_of_age(date_of_birth, 18):
            e.add("DUC", "After the 18th birthday (UASC status ends at 18)")
    if e.count:
        return None
    return UascRow(line, child, sex, date_of_birth, ceased_on)


def check_oc2(record: dict, line: int, errors: list[RowError], today: date) -> Oc2Row | None:
    e = _Errors(errors, codes.OC2, line, record["CHILD"])
    child = _child(e, record)
    date_of_birth = _date(e, record, "DOB", required=True, today=today)
    score_text = record["SDQ_SCORE"]
    sdq_score = None
    if score_text:
        if not score_text.isdigit() or int(score_text) > 40:
            e.add("SDQ_SCORE", f"'{score_text}' is not a score from 0 to 40")
        else:
            sdq_score = int(score_text)
    sdq_reason = _code(e, record, "SDQ_REASON", codes.SDQ_REASON_CODES, required=False)
    if score_text and record["SDQ_REASON"]:
        e.add("SDQ_REASON", "Given with SDQ_SCORE: give the score or the reason, not both")
    flags = {
        column: _flag(e, record, column)
        for column in (
            "CONVICTED",
            "HEALTH_CHECK",
            "IMMUNISATIONS",
            "TEETH_CHECK",
            "HEALTH_ASSESSMENT",
            "SUBSTANCE_MISUSE",
            "INTERVENTION_RECEIVED",
            "INTERVENTION_OFFERED",
        )
    }
    if e.count:
        return None
    return Oc2Row(
        line,
        child,
        date_of_birth,
        sdq_score,
        sdq_reason,
        flags["CONVICTED"],
        flags["HEALTH_CHECK"],
        flags["IMMUNISATIONS"],
        flags["TEETH_CHECK"],
        flags["HEALTH_ASSESSMENT"],
        flags["SUBSTANCE_MISUSE"],
        flags["INTERVENTION_RECEIVED"],
        flags["INTERVENTION_OFFERED"],
    )


def check_ad1(record: dict, line: int, errors: list[RowError], today: date) -> Ad1Row | None:
    from apps.adoption.rules import LEGAL_STATUSES_FOR_SEX, number_of_adopters

    e = _Errors(errors, codes.AD1, line, record["CHILD"])
    child = _child(e, record)
    date_of_birth = _date_of_birth(e, record, "DOB", today=today)
    decision_on = _date(e, record, "DATE_INT", required=True, today=today)
    matched_on = _date(e, record, "DATE_MATCH", required=True, today=today)
    foster_carers = _flag(e, record, "FOSTER_CARE")
    if record["FOSTER_CARE"] == "":
        e.add("FOSTER_CARE", "Required")
    number = record["NB_ADOPTR"]
    if number not in {"1", "2"}:
        e.add("NB_ADOPTR", "Required: 1 or 2" if not number else f"'{number}' is not 1 or 2")
    sex = _code(e, record, "SEX_ADOPTR", codes.ADOPTER_SEX_CODES, required=True)
    legal_status = _code(e, record, "LS_ADOPTR", codes.ADOPTER_LEGAL_STATUS_CODES, required=True)
    if sex and number in {"1", "2"} and number_of_adopters(sex) != int(number):
        e.add("NB_ADOPTR", f"{number}, but SEX_ADOPTR {sex} is {number_of_adopters(sex)}")
    if sex and legal_status and legal_status not in LEGAL_STATUSES_FOR_SEX[sex]:
        e.add("LS_ADOPTR", f"{legal_status} does not fit SEX_ADOPTR {sex}")
    if decision_on and matched_on and matched_on < decision_on:
        e.add("DATE_MATCH", f"Before DATE_INT ({codes.format_date(decision_on)})")
    if date_of_birth and decision_on and decision_on < date_of_birth:
        e.add("DATE_INT", "Before the date of birth")
    if e.count:
        return None
    return Ad1Row(
        line, child, date_of_birth, decision_on, matched_on, foster_carers, sex, legal_status
    )


def check_placed_adoption(
    record: dict, line: int, errors: list[RowError], today: date
) -> PlacedAdoptionRow | None:
    e = _Errors(errors, codes.PLACED_ADOPTION, line, record["CHILD"])
    child = _child(e, record)
    date_of_birth = _date_of_birth(e, record, "DOB", today=today)
    decision_on = _date(e, record, "DATE_PLACED", required=True, today=today)
    ceased_on = _date(e, record, "DATE_PLACED_CEASED", required=False, today=today)
    reason = _code(
        e, record, "REASON_PLACED_CEASED", codes.PLACED_CEASED_REASON_CODES, required=False
    )
    if bool(record["DATE_PLACED_CEASED"]) != bool(record["REASON_PLACED_CEASED"]):
        e.add(
            "REASON_PLACED_CEASED" if record["DATE_PLACED_CEASED"] else "DATE_PLACED_CEASED",
            "DATE_PLACED_CEASED and REASON_PLACED_CEASED are both given or both blank",
        )
    if decision_on and ceased_on and ceased_on < decision_on:
        e.add("DATE_PLACED_CEASED", f"Before DATE_PLACED ({codes.format_date(decision_on)})")
    if date_of_birth and decision_on and decision_on < date_of_birth:
        e.add("DATE_PLACED", "Before the date of birth")
    if e.count:
        return None
    return PlacedAdoptionRow(line, child, date_of_birth, decision_on, ceased_on, reason)


_ROW_CHECKS = {
    codes.HEADER: check_header,
    codes.EPISODES: check_episode,
    codes.UASC: check_uasc,
    codes.OC2: check_oc2,
    codes.AD1: check_ad1,
    codes.PLACED_ADOPTION: check_placed_adoption,
}
