"""Recognising a file's table from its column set and streaming its rows through
the table's row check."""

import csv
from collections.abc import Iterator
from datetime import date
from typing import BinaryIO

from apps.interop import codes
from apps.interop.reading.row_checks import (
    check_ad1,
    check_episode,
    check_header,
    check_oc2,
    check_placed_adoption,
    check_uasc,
)
from apps.interop.reading.rows import ImportFile, ParsedFile, Progress, RowError


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


_ROW_CHECKS = {
    codes.HEADER: check_header,
    codes.EPISODES: check_episode,
    codes.UASC: check_uasc,
    codes.OC2: check_oc2,
    codes.AD1: check_ad1,
    codes.PLACED_ADOPTION: check_placed_adoption,
}
