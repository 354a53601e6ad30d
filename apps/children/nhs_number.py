"""NHS number validation (DOMAIN.md 10). Pure code."""

import re

_SEPARATORS = re.compile(r"[\s-]")
_TEN_DIGITS = re.compile(r"[0-9]{10}")


def normalise_nhs_number(value: str) -> str:
    """Strip the spaces and hyphens people type (``943 476 5919``)."""
    return _SEPARATORS.sub("", value or "")


def nhs_number_error(value: str) -> str | None:
    """Why ``value`` is not a valid NHS number, or None when it is.

    Modulus 11: weights 10..2 on the first nine digits; check digit = 11 - (sum mod 11);
    a result of 11 means 0 and a result of 10 means the number is invalid. A number made of
    one repeated digit passes the arithmetic for some digits but is never issued.
    """
    digits = normalise_nhs_number(value)
    # ASCII digits only: str.isdigit() also accepts superscript and full-width digits.
    if not _TEN_DIGITS.fullmatch(digits):
        return "An NHS number must be 10 digits."
    if len(set(digits)) == 1:
        return "An NHS number cannot be the same digit ten times."
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10 or check != int(digits[9]):
        return "Enter a valid NHS number: the check digit does not match."
    return None


def is_test_nhs_number(value: str) -> bool:
    """The 999 000 0000 - 999 999 9999 range is never issued and is safe for test data."""
    digits = normalise_nhs_number(value)
    return bool(_TEN_DIGITS.fullmatch(digits)) and digits.startswith("999")
