"""Field validators for what people type, shared by models (so forms, the API and imports all
apply them through full_clean) and named in the field's error message."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

# Right-to-left and other bidirectional overrides make a name display as something other
# than what is stored ("Trojan Source"): a record must read as it is. Zero-width joiners are
# kept: some scripts need them in names.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)


def validate_plain_text(value: str) -> None:
    if any(
        char in BIDI_CONTROLS or (ord(char) < 32 and char not in "\t") or ord(char) == 127
        for char in value
    ):
        raise ValidationError(
            "Enter the text without control characters (such as right-to-left overrides or line breaks).",
            code="control_characters",
        )


# The LA's own reference (SSDA903 CHILD): letters and digits, with - / _ inside. No quotes,
# '=' or line breaks: it goes into CSV files, file names and HTTP headers.
validate_reference = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9/_-]*\Z",
    "Enter the reference using letters and numbers only (hyphens, slashes and underscores are allowed after the first character).",
    code="invalid_reference",
)

# No child in care, nor anyone whose record we still keep (to their 75th birthday), was
# born before 1900; a date of birth of 0001-01-01 is a typing error, not a person.
EARLIEST_DATE_OF_BIRTH = date(1900, 1, 1)


def validate_date_of_birth(value: date) -> None:
    if value is not None and value < EARLIEST_DATE_OF_BIRTH:
        raise ValidationError(
            "Date of birth must be on or after 1 January 1900.", code="date_of_birth_too_early"
        )


# The working-day calendar (apps.core.working_days) covers 1950 onwards: a care event before
# it cannot have a deadline computed, and none of our records goes back that far.
EARLIEST_CARE_DATE = date(1950, 1, 1)


def validate_care_date(value: date) -> None:
    if value is not None and value < EARLIEST_CARE_DATE:
        raise ValidationError(
            "The date must be on or after 1 January 1950.", code="care_date_too_early"
        )
