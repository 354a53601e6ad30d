"""Immunisations per vaccine against the UK routine childhood schedule, for the child's age.

The schedule is data (``SCHEDULE``): each dose, the age it is due, how long after that it is
counted overdue, and, for rotavirus, the age after which it is no longer given. Children born
on or after 1 July 2024 have the 18-month 6-in-1 dose instead of the 1-year Hib/MenC dose
(UKHSA schedule change, July 2025). Where a child's history is unknown the Green Book's
advice is to treat them as unimmunised, so an unknown dose past its due age is a catch-up
need, not a blank. A clinician checks the table against the current Green Book when the
schedule changes; nothing else in the code holds dose timings."""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from apps.core.working_days import add_months

SCHEDULE_CHANGE_BIRTH_DATE = date(2024, 7, 1)


class DoseRecord(StrEnum):
    GIVEN = "GIVEN"
    NOT_GIVEN = "NOT_GIVEN"
    UNKNOWN = "UNKNOWN"


RECORD_LABELS = {
    DoseRecord.GIVEN: "Given",
    DoseRecord.NOT_GIVEN: "Not given",
    DoseRecord.UNKNOWN: "Not known",
}


class DoseState(StrEnum):
    GIVEN = "GIVEN"
    NOT_YET_DUE = "NOT_YET_DUE"
    DUE = "DUE"
    OVERDUE = "OVERDUE"
    NO_LONGER_OFFERED = "NO_LONGER_OFFERED"


STATE_LABELS = {
    DoseState.GIVEN: "Given",
    DoseState.NOT_YET_DUE: "Not yet due",
    DoseState.DUE: "Due now",
    DoseState.OVERDUE: "Overdue: catch-up needed",
    DoseState.NO_LONGER_OFFERED: "Missed: no longer given at this age",
}


@dataclass(frozen=True)
class Dose:
    code: str
    vaccine: str
    due_weeks: int = 0  # due age in weeks (infant doses) ...
    due_months: int = 0  # ... or in calendar months
    overdue_after_days: int = 28
    # Rotavirus is not given after this age in weeks (first dose by 15 weeks, last by 24).
    not_after_weeks: int | None = None
    born_before: date | None = None
    born_from: date | None = None

    def due_on(self, date_of_birth: date) -> date:
        if self.due_weeks:
            return date_of_birth + timedelta(weeks=self.due_weeks)
        return add_months(date_of_birth, self.due_months)

    def applies_to(self, date_of_birth: date) -> bool:
        if self.born_before and date_of_birth >= self.born_before:
            return False
        return not (self.born_from and date_of_birth < self.born_from)

    @property
    def due_age(self) -> str:
        if self.due_weeks:
            return f"{self.due_weeks} weeks"
        years, months = divmod(self.due_months, 12)
        if not years:
            return f"{months} months"
        return f"{years} year{'s' if years > 1 else ''}" + (f" {months} months" if months else "")


SCHEDULE: tuple[Dose, ...] = (
    Dose("6IN1_1", "6-in-1 (DTaP/IPV/Hib/HepB), 1st dose", due_weeks=8),
    Dose("ROTA_1", "Rotavirus, 1st dose", due_weeks=8, not_after_weeks=15),
    Dose("MENB_1", "MenB, 1st dose", due_weeks=8),
    Dose("6IN1_2", "6-in-1, 2nd dose", due_weeks=12),
    Dose("ROTA_2", "Rotavirus, 2nd dose", due_weeks=12, not_after_weeks=24),
    Dose("PCV_1", "Pneumococcal (PCV), 1st dose", due_weeks=12),
    Dose("6IN1_3", "6-in-1, 3rd dose", due_weeks=16),
    Dose("MENB_2", "MenB, 2nd dose", due_weeks=16),
    Dose("HIBMENC", "Hib/MenC", due_months=12, born_before=SCHEDULE_CHANGE_BIRTH_DATE),
    Dose("MMR_1", "MMR, 1st dose", due_months=12),
    Dose("PCV_2", "Pneumococcal (PCV) booster", due_months=12),
    Dose("MENB_3", "MenB booster", due_months=12),
    Dose("6IN1_4", "6-in-1, 4th dose", due_months=18, born_from=SCHEDULE_CHANGE_BIRTH_DATE),
    Dose("MMR_2", "MMR, 2nd dose", due_months=40, overdue_after_days=90),
    Dose("4IN1", "4-in-1 pre-school booster (DTaP/IPV)", due_months=40, overdue_after_days=90),
    # Given in school (year 8, year 9): overdue a school year after the due age.
    Dose("HPV", "HPV", due_months=12 * 12, overdue_after_days=365),
    Dose("TD_IPV", "3-in-1 teenage booster (Td/IPV)", due_months=14 * 12, overdue_after_days=365),
    Dose("MENACWY", "MenACWY", due_months=14 * 12, overdue_after_days=365),
)
DOSES = {dose.code: dose for dose in SCHEDULE}


def doses_for(date_of_birth: date) -> list[Dose]:
    """The schedule that applies to a child born on ``date_of_birth``."""
    return [dose for dose in SCHEDULE if dose.applies_to(date_of_birth)]


def dose_state(dose: Dose, *, date_of_birth: date, on: date, record: str) -> DoseState:
    if record == DoseRecord.GIVEN:
        return DoseState.GIVEN
    due_on = dose.due_on(date_of_birth)
    if on < due_on:
        return DoseState.NOT_YET_DUE
    if dose.not_after_weeks is not None and on > date_of_birth + timedelta(
        weeks=dose.not_after_weeks
    ):
        return DoseState.NO_LONGER_OFFERED
    if on < due_on + timedelta(days=dose.overdue_after_days):
        return DoseState.DUE
    return DoseState.OVERDUE


@dataclass(frozen=True)
class DoseLine:
    dose: Dose
    record: str
    given_on: date | None
    state: DoseState


@dataclass(frozen=True)
class ImmunisationSummary:
    lines: list[DoseLine]

    @property
    def overdue(self) -> list[DoseLine]:
        return [line for line in self.lines if line.state == DoseState.OVERDUE]

    @property
    def due(self) -> list[DoseLine]:
        return [line for line in self.lines if line.state == DoseState.DUE]

    @property
    def catch_up_needed(self) -> bool:
        return bool(self.overdue)

    @property
    def status(self) -> str:
        """The child record's summary status (DOMAIN.md 4): up to date, not up to date, or
        unknown when no dose due by now has a known record."""
        due_by_now = [line for line in self.lines if line.state not in {DoseState.NOT_YET_DUE}]
        if due_by_now and all(line.record == DoseRecord.UNKNOWN for line in due_by_now):
            return "UNKNOWN"
        return "NOT_UP_TO_DATE" if self.catch_up_needed else "UP_TO_DATE"


def summarise(
    *, date_of_birth: date, on: date, records: dict[str, tuple[str, date | None]]
) -> ImmunisationSummary:
    """Each dose of the child's schedule with its state on ``on``; ``records`` maps a dose
    code to (record, date given). A dose with no record is not known."""
    lines = []
    for dose in doses_for(date_of_birth):
        record, given_on = records.get(dose.code, (DoseRecord.UNKNOWN, None))
        lines.append(
            DoseLine(
                dose,
                record,
                given_on,
                dose_state(dose, date_of_birth=date_of_birth, on=on, record=record),
            )
        )
    return ImmunisationSummary(lines)
