"""CSV and spreadsheet cells that stay text.

A cell starting with one of these characters is a formula to Excel or LibreOffice: a child's
name or reference such as "=HYPERLINK(...)" or "=1+1" must stay text (CSV/formula injection),
in every file the service writes: the drill-down exports and the SSDA903 return alike."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula[T](value: T) -> T | str:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
