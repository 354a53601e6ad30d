"""Reading 903 CSV files row by row: the file's table is recognised from its column set (as
the DfE's own tools do), and each row is checked field by field into a typed record. Every
problem becomes a ``RowError`` naming the row (the line number in the file, the column header
being line 1), the column and the reason; nothing here touches the database.

By meaning: the typed records and errors (``rows``), the field checks (``fields``), each
table's row check (``row_checks``), and recognising and streaming a file (``files``)."""

from apps.interop.reading.files import identify_table, read_file
from apps.interop.reading.row_checks import (
    check_ad1,
    check_episode,
    check_header,
    check_oc2,
    check_placed_adoption,
    check_uasc,
)
from apps.interop.reading.rows import (
    Ad1Row,
    EpisodeRow,
    HeaderRow,
    ImportFile,
    Oc2Row,
    ParsedFile,
    PlacedAdoptionRow,
    Progress,
    RowError,
    UascRow,
)

__all__ = [
    "Ad1Row",
    "EpisodeRow",
    "HeaderRow",
    "ImportFile",
    "Oc2Row",
    "ParsedFile",
    "PlacedAdoptionRow",
    "Progress",
    "RowError",
    "UascRow",
    "check_ad1",
    "check_episode",
    "check_header",
    "check_oc2",
    "check_placed_adoption",
    "check_uasc",
    "identify_table",
    "read_file",
]
