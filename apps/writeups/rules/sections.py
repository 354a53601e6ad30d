"""The sections of an IHA/RHA write-up, in our own words (no CoramBAAF form text, no SDQ
question text), which apply at which age, and what makes one complete.

A section is either completed (its required fields given) or "not assessed, because ..."
with the reason. Nothing is left silently empty: sign-off names every section still open."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from apps.writeups.rules.immunisations import DoseRecord, doses_for

COMPLETED = "completed"
NOT_ASSESSED = "not_assessed"

YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("unknown", "Not known")]
CHECK_OUTCOMES = [
    ("no_concerns", "No concerns"),
    ("concerns_monitor", "Concerns: to be monitored"),
    ("referred", "Referred"),
]
REFERRAL_ROWS = 3


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text | textarea | date | number | choice
    required: bool = False
    choices: list[tuple[str, str]] = field(default_factory=list)
    hint: str = ""
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: tuple[Field, ...] = ()
    min_age: int | None = None  # applies from this age (years) on the assessment date
    under_age: int | None = None  # applies under this age
    hint: str = ""

    def applies_at(self, age_years: int) -> bool:
        if self.min_age is not None and age_years < self.min_age:
            return False
        return not (self.under_age is not None and age_years >= self.under_age)


def _findings(label: str = "What was found", hint: str = "") -> Field:
    return Field("findings", label, "textarea", required=True, hint=hint)


SECTIONS: tuple[Section, ...] = (
    Section(
        "growth",
        "Growth",
        (
            Field("measured_on", "Date measured", "date", required=True),
            Field("height_cm", "Height or length (cm)", "number", minimum=30, maximum=230),
            Field("weight_kg", "Weight (kg)", "number", minimum=0.5, maximum=250),
            Field(
                "head_circumference_cm",
                "Head circumference (cm), under 2 years",
                "number",
                minimum=20,
                maximum=60,
            ),
            Field("comment", "Comment on growth", "textarea"),
        ),
        hint="Centiles and SDS are calculated on the UK-WHO reference when you save.",
    ),
    Section(
        "immunisations",
        "Immunisations",
        (
            Field(
                "source",
                "Where the history comes from",
                "text",
                required=True,
                hint="For example the GP record, the child's red book, the child health system",
            ),
            Field(
                "catch_up_plan", "Catch-up plan", "textarea", hint="Needed when a dose is overdue"
            ),
        ),
        hint="Record each dose of the UK routine schedule due by the child's age.",
    ),
    Section(
        "vision",
        "Vision",
        (
            Field("last_test_on", "Date of the last sight test", "date"),
            Field("outcome", "Outcome", "choice", required=True, choices=CHECK_OUTCOMES),
            Field("notes", "Notes", "textarea"),
        ),
    ),
    Section(
        "hearing",
        "Hearing",
        (
            Field("last_test_on", "Date of the last hearing test", "date"),
            Field("outcome", "Outcome", "choice", required=True, choices=CHECK_OUTCOMES),
            Field("notes", "Notes", "textarea"),
        ),
    ),
    Section(
        "dental",
        "Teeth and dentist",
        (
            Field(
                "registered",
                "Registered with a dentist",
                "choice",
                required=True,
                choices=YES_NO_UNKNOWN,
            ),
            Field("practice", "Dental practice", "text"),
            Field("last_check_on", "Date of the last dental check", "date"),
            Field("notes", "Notes", "textarea"),
        ),
    ),
    Section(
        "development",
        "Development (under 5)",
        (_findings("Development: what was found", "Motor, speech and language, social, play"),),
        under_age=5,
    ),
    Section(
        "emotional",
        "Emotional and behavioural health",
        (_findings(hint="The latest SDQ score on the record is shown above"),),
    ),
    Section("sexual_health", "Sexual health (11 and over)", (_findings(),), min_age=11),
    Section(
        "substance_use", "Smoking, alcohol and drugs (11 and over)", (_findings(),), min_age=11
    ),
    Section(
        "risk_taking",
        "Risk-taking and safety (11 and over)",
        (_findings(hint="For example exploitation, going missing, online safety"),),
        min_age=11,
    ),
    Section(
        "allergies",
        "Allergies",
        (_findings("Known allergies", "Write \u201cNone known\u201d if there are none"),),
    ),
    Section(
        "medication",
        "Medicines",
        (_findings("Current medicines and doses", "Write \u201cNone\u201d if there are none"),),
    ),
    Section(
        "gp",
        "GP registration",
        (
            Field(
                "registered",
                "Registered with a GP",
                "choice",
                required=True,
                choices=YES_NO_UNKNOWN,
            ),
            Field("practice", "GP practice", "text"),
        ),
    ),
    Section(
        "referrals",
        "Referrals made",
        tuple(
            f
            for row in range(1, REFERRAL_ROWS + 1)
            for f in (
                Field(f"referral_{row}_to", f"Referral {row}: to whom", "text"),
                Field(f"referral_{row}_on", f"Referral {row}: date", "date"),
            )
        )
        + (
            Field(
                "none_made",
                "Were any referrals made?",
                "choice",
                required=True,
                choices=[("yes", "Yes, listed above"), ("no", "No referrals made")],
            ),
        ),
    ),
    Section(
        "child_views",
        "The child's own views",
        (_findings("What the child or young person said", "In their words where possible"),),
    ),
    Section("summary", "Summary", (_findings("Summary of the assessment"),)),
)
SECTION_BY_KEY = {section.key: section for section in SECTIONS}


def sections_for(age_years: int) -> list[Section]:
    return [section for section in SECTIONS if section.applies_at(age_years)]


def _parse_date(value: object) -> date:
    """A saved date value (a date, or its ISO text); TypeError or ValueError otherwise."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise TypeError(f"not a date: {value!r}")
    return date.fromisoformat(value)


def validate_section(
    section: Section,
    data: dict[str, Any],
    *,
    date_of_birth: date,
    held_on: date,
    for_sign_off: bool = False,
) -> dict[str, str]:
    """Errors by field name for one section's saved data. A draft may be partial (only the
    values given are checked); ``for_sign_off`` also requires the section to be completed or
    not assessed with a reason."""
    errors: dict[str, str] = {}
    state = data.get("state", "")
    if state == NOT_ASSESSED:
        if not str(data.get("reason", "")).strip():
            errors["reason"] = f"{section.title}: say why it was not assessed"
        return errors
    if for_sign_off and state != COMPLETED:
        errors["state"] = f"{section.title}: complete the section or say why it was not assessed"
        return errors
    for f in section.fields:
        value = data.get(f.name, "")
        if value in (None, ""):
            if f.required and state == COMPLETED:
                errors[f.name] = f"{section.title}: enter {f.label.lower()}"
            continue
        if f.kind == "date":
            try:
                day = _parse_date(value)
            except (TypeError, ValueError):
                errors[f.name] = f"{f.label} must be a real date"
                continue
            if day < date_of_birth:
                errors[f.name] = f"{f.label} cannot be before the child's date of birth"
            elif day > held_on:
                errors[f.name] = f"{f.label} cannot be after the assessment"
        elif f.kind == "number":
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                errors[f.name] = f"{f.label} must be a number"
                continue
            if (
                not number.is_finite()
                or (f.minimum is not None and number < Decimal(str(f.minimum)))
                or (f.maximum is not None and number > Decimal(str(f.maximum)))
            ):
                errors[f.name] = f"{f.label} must be between {f.minimum:g} and {f.maximum:g}"
        elif f.kind == "choice" and value not in {key for key, _ in f.choices}:
            errors[f.name] = f"Choose one of the options for {f.label.lower()}"
    if state == COMPLETED:
        errors.update(_section_rules(section, data, date_of_birth, held_on))
    return errors


def _section_rules(
    section: Section, data: dict[str, Any], date_of_birth: date, held_on: date
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if section.key == "growth" and not any(
        data.get(name) not in (None, "")
        for name in ("height_cm", "weight_kg", "head_circumference_cm")
    ):
        errors["height_cm"] = "Growth: enter at least one measurement, or say why not measured"
    if section.key == "referrals":
        rows = [
            (data.get(f"referral_{row}_to", ""), data.get(f"referral_{row}_on", ""))
            for row in range(1, REFERRAL_ROWS + 1)
        ]
        for row, (to, on) in enumerate(rows, start=1):
            if bool(str(to).strip()) != bool(on):
                errors[f"referral_{row}_to"] = f"Referral {row}: give both to whom and the date"
        given = [row for row in rows if str(row[0]).strip()]
        if data.get("none_made") == "yes" and not given:
            errors["referral_1_to"] = "Referrals: list the referrals made"
        if data.get("none_made") == "no" and given:
            errors["none_made"] = "Referrals: you listed referrals, so choose \u201cYes\u201d"
    if section.key == "immunisations":
        for dose in doses_for(date_of_birth):
            record = data.get(f"dose_{dose.code}", "")
            given_on = data.get(f"dose_{dose.code}_on", "")
            if record and record not in DoseRecord.__members__.values():
                errors[f"dose_{dose.code}"] = (
                    f"{dose.vaccine}: choose given, not given or not known"
                )
            if record == DoseRecord.GIVEN and not given_on:
                errors[f"dose_{dose.code}_on"] = f"{dose.vaccine}: enter the date given"
            if given_on:
                try:
                    day = _parse_date(given_on)
                except (TypeError, ValueError):
                    errors[f"dose_{dose.code}_on"] = f"{dose.vaccine}: the date must be a real date"
                    continue
                if record != DoseRecord.GIVEN:
                    errors[f"dose_{dose.code}_on"] = (
                        f"{dose.vaccine}: a date is given only for a dose that was given"
                    )
                elif not date_of_birth <= day <= held_on:
                    errors[f"dose_{dose.code}_on"] = (
                        f"{dose.vaccine}: the date must be between birth and the assessment"
                    )
    return errors


def section_status(data: dict[str, Any] | None) -> str:
    """For the task list: not started, in progress, completed or not assessed."""
    if not data:
        return "Not started"
    if data.get("state") == NOT_ASSESSED:
        return "Not assessed"
    if data.get("state") == COMPLETED:
        return "Completed"
    return "In progress"


def sign_off_errors(
    sections: dict[str, Any], *, date_of_birth: date, held_on: date, age_years: int
) -> dict[str, str]:
    """Every problem that stops sign-off, keyed ``<section>.<field>``, naming the section."""
    errors: dict[str, str] = {}
    for section in sections_for(age_years):
        for name, message in validate_section(
            section,
            sections.get(section.key) or {},
            date_of_birth=date_of_birth,
            held_on=held_on,
            for_sign_off=True,
        ).items():
            errors[f"{section.key}.{name}"] = message
    return errors
