"""Retention (DOMAIN.md 10): the records of a child in care are kept until their 75th
birthday, or 15 years after death if that is earlier; adoption records 100 years from the
adoption order. Records past their date are put up for review; nothing is ever deleted here."""

from datetime import date, timedelta

from apps.core.working_days import add_years, date_of_age

CARE_RECORD_AGE = 75
AFTER_DEATH_YEARS = 15
ADOPTION_RECORD_YEARS = 100


def retention_until(
    *, date_of_birth: date, date_of_death: date | None = None, adoption_order_on: date | None = None
) -> date:
    until = date_of_age(date_of_birth, CARE_RECORD_AGE)
    if date_of_death is not None:
        until = min(until, add_years(date_of_death, AFTER_DEATH_YEARS))
    if adoption_order_on is not None:
        until = max(until, add_years(adoption_order_on, ADOPTION_RECORD_YEARS))
    return until


def retention_reason(
    *, date_of_birth: date, date_of_death: date | None, adoption_order_on: date | None
) -> str:
    until = retention_until(
        date_of_birth=date_of_birth,
        date_of_death=date_of_death,
        adoption_order_on=adoption_order_on,
    )
    if adoption_order_on is not None and until == add_years(
        adoption_order_on, ADOPTION_RECORD_YEARS
    ):
        return "ADOPTION_100_YEARS"
    if date_of_death is not None and until == add_years(date_of_death, AFTER_DEATH_YEARS):
        return "DEATH_15_YEARS"
    return "AGE_75"


def candidate_cutoffs(today: date) -> tuple[date, date]:
    """Dates of birth and of death at or before which a record may be past retention: a
    day's margin for 29 February birthdays, refined exactly per candidate."""
    return add_years(today, -CARE_RECORD_AGE) + timedelta(days=1), add_years(
        today, -AFTER_DEATH_YEARS
    ) + timedelta(days=1)
