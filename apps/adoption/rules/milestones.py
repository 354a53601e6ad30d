"""Pure rule code for adoption (DOMAIN.md 7): the milestones and their order, medical
adviser work item due dates and status, and the timeliness measures. No ORM: plain values
in, plain values out, so every rule is tested exhaustively (tests/adoption/test_rules.py).

Order of the milestones (our decisions, each also a database CheckConstraint):

- The agency decision maker (ADM) decides that the child should be placed for adoption
  after adoption became the plan, and the local authority applies for a placement order
  only after that decision (Adoption Agencies Regulations 2005, reg. 19; ACA 2002 s.22).
- A match follows the ADM decision and, where the court made a placement order, the order
  (a child placed with parental consent under s.19 has no placement order: it is optional).
- The child moves in with the adopters after the match; the adoption order follows the move.
- A disruption ends a placement with adopters: it needs the move-in, is on or after it, and
  there is no adoption order for a disrupted placement (a breakdown after the order is not a
  disruption).
- A change of plan away from adoption ends the adoption route: it follows the plan and
  every other recorded milestone (including a disruption), and never an adoption order.
- Every date: not before the child's date of birth, not in the future (DOMAIN.md 10).
- A change of plan and a disruption each carry a note; a note has its date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from apps.core.working_days import add_months

# ---------------------------------------------------------------------------------------
# Milestones


@dataclass(frozen=True)
class Milestone:
    field: str
    label: str  # starts a message: "ADM decision"
    phrase: str  # inside a message: "the ADM decision"


MILESTONES: tuple[Milestone, ...] = (
    Milestone("adoption_plan_on", "Adoption plan", "the adoption plan"),
    Milestone("adm_decision_on", "ADM decision", "the ADM decision"),
    Milestone("placement_order_on", "Placement order", "the placement order"),
    Milestone("match_decision_on", "Match", "the match"),
    Milestone("moved_in_on", "Moving in with adopters", "moving in with adopters"),
    Milestone("adoption_order_on", "Adoption order", "the adoption order"),
    Milestone("disruption_on", "Disruption", "the disruption"),
    Milestone("plan_changed_on", "Plan change away from adoption", "the plan change"),
)
MILESTONE_FIELDS: tuple[str, ...] = tuple(m.field for m in MILESTONES)
LABELS: dict[str, str] = {m.field: m.label for m in MILESTONES}
PHRASES: dict[str, str] = {m.field: m.phrase for m in MILESTONES}
# A dated event that needs a note saying what happened, and that note's field.
NOTES: dict[str, str] = {"plan_changed_on": "plan_changed_note", "disruption_on": "disruption_note"}


@dataclass(frozen=True)
class OrderRule:
    """``later`` cannot be before ``earlier``; when ``required``, ``later`` also needs
    ``earlier`` recorded."""

    later: str
    earlier: str
    required: bool

    @property
    def constraint_name(self) -> str:
        return f"adoption_{self.later}_not_before_{self.earlier}"


_ROUTE_BEFORE_PLAN_CHANGE = (
    "adm_decision_on",
    "placement_order_on",
    "match_decision_on",
    "moved_in_on",
    "disruption_on",
)
ORDER_RULES: tuple[OrderRule, ...] = (
    OrderRule("adm_decision_on", "adoption_plan_on", required=True),
    OrderRule("placement_order_on", "adm_decision_on", required=True),
    OrderRule("match_decision_on", "adm_decision_on", required=True),
    OrderRule("match_decision_on", "placement_order_on", required=False),
    OrderRule("moved_in_on", "match_decision_on", required=True),
    OrderRule("adoption_order_on", "moved_in_on", required=True),
    OrderRule("disruption_on", "moved_in_on", required=True),
    OrderRule("plan_changed_on", "adoption_plan_on", required=True),
    *(OrderRule("plan_changed_on", field, required=False) for field in _ROUTE_BEFORE_PLAN_CHANGE),
)


@dataclass(frozen=True)
class ExclusiveRule:
    """Two milestones that cannot both be recorded; the error goes on ``field``."""

    field: str
    other: str
    message: str

    @property
    def constraint_name(self) -> str:
        return f"adoption_{self.field}_excludes_{self.other}"


EXCLUSIVE_RULES: tuple[ExclusiveRule, ...] = (
    ExclusiveRule(
        "disruption_on",
        "adoption_order_on",
        "A placement with an adoption order cannot disrupt: remove the adoption order or "
        "the disruption.",
    ),
    ExclusiveRule(
        "plan_changed_on",
        "adoption_order_on",
        "The child is adopted: the plan cannot change away from adoption.",
    ),
)


def order_message(rule: OrderRule, later: date, earlier: date | None) -> str:
    if earlier is None:
        return f"{LABELS[rule.later]} needs {PHRASES[rule.earlier]} recorded first."
    return (
        f"{LABELS[rule.later]} ({later:%d/%m/%Y}) cannot be before "
        f"{PHRASES[rule.earlier]} ({earlier:%d/%m/%Y})."
    )


def _day(values: Mapping[str, date | str | bool | None], field: str) -> date | None:
    """A milestone's date from a mapping that also holds the notes (text)."""
    value = values.get(field)
    if value is None or isinstance(value, date):
        return value
    raise TypeError(f"{field} holds {value!r}, not a date")


def milestone_errors(
    values: Mapping[str, date | str | None], *, date_of_birth: date, today: date
) -> dict[str, str]:
    """Every problem with a case's milestones, at most one per field (the first found),
    keyed by the field to show it on. Empty when the milestones are consistent."""
    errors: dict[str, str] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, message)

    for field in MILESTONE_FIELDS:
        day = _day(values, field)
        if day is None:
            continue
        if day > today:
            add(field, f"{LABELS[field]} cannot be in the future.")
        elif day < date_of_birth:
            add(
                field,
                f"{LABELS[field]} cannot be before the child's date of birth "
                f"({date_of_birth:%d/%m/%Y}).",
            )
    for rule in ORDER_RULES:
        later, earlier = _day(values, rule.later), _day(values, rule.earlier)
        if later is None:
            continue
        if earlier is None:
            if rule.required:
                add(rule.later, order_message(rule, later, None))
        elif later < earlier:
            add(rule.later, order_message(rule, later, earlier))
    for exclusive in EXCLUSIVE_RULES:
        if values.get(exclusive.field) is not None and values.get(exclusive.other) is not None:
            add(exclusive.field, exclusive.message)
    for field, note_field in NOTES.items():
        has_note = bool(str(values.get(note_field) or "").strip())
        if values.get(field) is not None and not has_note:
            add(note_field, f"Say what happened: {PHRASES[field]} needs a note.")
        elif values.get(field) is None and has_note:
            add(field, f"Enter the date of {PHRASES[field]} the note is about.")
    return {field: errors[field] for field in _error_order() if field in errors}


def _error_order() -> list[str]:
    order: list[str] = []
    for field in MILESTONE_FIELDS:
        order.append(field)
        if field in NOTES:
            order.append(NOTES[field])
    return order


# ---------------------------------------------------------------------------------------
# The adopters and the reason the plan changed (the SSDA903 AD1 and PlacedAdoption items,
# with the DfE's codes, so the return needs no translation)

# SEX_ADOPTR: who adopts. The number of adopters (NB_ADOPTR) follows from it.
ADOPTER_SEXES: dict[str, str] = {
    "M1": "One man",
    "F1": "One woman",
    "MM": "Two men",
    "FF": "Two women",
    "MF": "A man and a woman",
}
# LS_ADOPTR: the adopters' legal status at the adoption order.
ADOPTER_LEGAL_STATUSES: dict[str, str] = {
    "L0": "Single adopter",
    "L11": "Married couple, different sex",
    "L12": "Married couple, same sex",
    "L2": "Civil partners",
    "L3": "Unmarried couple, different sex",
    "L4": "Unmarried couple, same sex",
}
# The legal statuses each SEX_ADOPTR code allows (DfE validation rules 511, 514, 517-520
# and 524).
LEGAL_STATUSES_FOR_SEX: dict[str, frozenset[str]] = {
    "M1": frozenset({"L0"}),
    "F1": frozenset({"L0"}),
    "MF": frozenset({"L11", "L2", "L3"}),
    "MM": frozenset({"L12", "L2", "L4"}),
    "FF": frozenset({"L12", "L2", "L4"}),
}
# REASON_PLACED_CEASED: why the decision that the child should be placed for adoption was
# reversed (the plan changed away from adoption).
PLAN_CHANGE_REASONS: dict[str, str] = {
    "RD1": "The child's needs changed after the decision",
    "RD2": "The court did not make a placement order",
    "RD3": "Prospective adopters could not be found",
    "RD4": "Any other reason",
}
ADOPTER_FIELDS: tuple[str, ...] = (
    "adopters_sex",
    "adopters_legal_status",
    "adopted_by_foster_carers",
)
ADOPTER_LABELS: dict[str, str] = {
    "adopters_sex": "Who is adopting",
    "adopters_legal_status": "The adopters' legal status",
    "adopted_by_foster_carers": "Adopted by the child's foster carers",
}
# Placements for adoption (SSDA903 PLACE) with the child's current foster carers, and not.
WITH_FOSTER_CARERS_PLACEMENTS = frozenset({"A3", "A5"})
NOT_WITH_FOSTER_CARERS_PLACEMENTS = frozenset({"A4", "A6"})


def number_of_adopters(adopters_sex: str) -> int | None:
    """NB_ADOPTR: 1 for M1 or F1, 2 for a couple; None when not recorded."""
    if not adopters_sex:
        return None
    return 1 if adopters_sex in {"M1", "F1"} else 2


def adopter_errors(
    values: Mapping[str, date | str | bool | None], *, placement_code: str = ""
) -> dict[str, str]:
    """Problems with the adopters' details and the plan change reason, keyed by field.

    - The adopters are known from the match: their details need the match recorded.
    - The adoption order needs all three details (the DfE's AD1 return asks for them).
    - The legal status must fit who is adopting (a single adopter is L0; a man and a woman
      cannot be a same-sex couple, and so on).
    - When the child's placement is coded as a placement for adoption, the foster-carer
      answer must agree with it (A3/A5 with the current foster carers, A4/A6 not).
    - A change of plan away from adoption needs its reason, and a reason needs the change.
    """
    errors: dict[str, str] = {}
    sex = str(values.get("adopters_sex") or "")
    status = str(values.get("adopters_legal_status") or "")
    foster = values.get("adopted_by_foster_carers")
    recorded = {
        "adopters_sex": sex,
        "adopters_legal_status": status,
        "adopted_by_foster_carers": foster,
    }
    if sex and sex not in ADOPTER_SEXES:
        errors["adopters_sex"] = "Choose who is adopting from the list."
    if status and status not in ADOPTER_LEGAL_STATUSES:
        errors["adopters_legal_status"] = "Choose the adopters' legal status from the list."
    if values.get("match_decision_on") is None:
        for field, value in recorded.items():
            if value not in ("", None):
                errors.setdefault(field, f"{ADOPTER_LABELS[field]} needs the match recorded first.")
    if values.get("adoption_order_on") is not None:
        for field, value in recorded.items():
            if value in ("", None):
                errors.setdefault(
                    field, f"{ADOPTER_LABELS[field]}: answer this to record the adoption order."
                )
    fits = status in LEGAL_STATUSES_FOR_SEX.get(sex, {status})
    if sex in ADOPTER_SEXES and status in ADOPTER_LEGAL_STATUSES and not fits:
        errors.setdefault(
            "adopters_legal_status",
            f"'{ADOPTER_LEGAL_STATUSES[status]}' does not fit "
            f"'{ADOPTER_SEXES[sex].lower()}' adopting.",
        )
    if foster is not None and placement_code:
        if foster is False and placement_code in WITH_FOSTER_CARERS_PLACEMENTS:
            errors.setdefault(
                "adopted_by_foster_carers",
                f"The child's placement is {placement_code}, placed for adoption with the current "
                "foster carers: answer Yes, or correct the placement.",
            )
        elif foster is True and placement_code in NOT_WITH_FOSTER_CARERS_PLACEMENTS:
            errors.setdefault(
                "adopted_by_foster_carers",
                f"The child's placement is {placement_code}, placed for adoption not with the "
                "current foster carers: answer No, or correct the placement.",
            )
    reason = values.get("plan_changed_reason") or ""
    if reason and reason not in PLAN_CHANGE_REASONS:
        errors["plan_changed_reason"] = "Choose why the plan changed from the list."
    elif values.get("plan_changed_on") is not None and not reason:
        errors["plan_changed_reason"] = "Choose why the plan changed away from adoption."
    elif values.get("plan_changed_on") is None and reason:
        errors["plan_changed_on"] = "Enter the date the plan changed, or remove the reason."
    return errors


class Stage:
    NO_PLAN = "NO_PLAN"
    PLAN = "PLAN"
    ADM = "ADM"
    PLACEMENT_ORDER = "PLACEMENT_ORDER"
    MATCHED = "MATCHED"
    PLACED = "PLACED"
    ADOPTED = "ADOPTED"
    DISRUPTED = "DISRUPTED"
    PLAN_CHANGED = "PLAN_CHANGED"


STAGE_LABELS = {
    Stage.NO_PLAN: "Adoption is not yet the plan",
    Stage.PLAN: "Adoption is the plan",
    Stage.ADM: "ADM decision made",
    Stage.PLACEMENT_ORDER: "Placement order made",
    Stage.MATCHED: "Matched",
    Stage.PLACED: "Placed with adopters",
    Stage.ADOPTED: "Adopted",
    Stage.DISRUPTED: "Placement disrupted",
    Stage.PLAN_CHANGED: "Plan changed away from adoption",
}


# Which milestone decides the stage: the first recorded in this order (the ending ones first).
STAGE_ORDER: tuple[tuple[str, str], ...] = (
    ("plan_changed_on", Stage.PLAN_CHANGED),
    ("adoption_order_on", Stage.ADOPTED),
    ("disruption_on", Stage.DISRUPTED),
    ("moved_in_on", Stage.PLACED),
    ("match_decision_on", Stage.MATCHED),
    ("placement_order_on", Stage.PLACEMENT_ORDER),
    ("adm_decision_on", Stage.ADM),
    ("adoption_plan_on", Stage.PLAN),
)


def case_stage(values: Mapping[str, date | str | None]) -> str:
    """Where the case is now: the latest milestone reached, the ending ones first."""
    for field, stage in STAGE_ORDER:
        if values.get(field) is not None:
            return stage
    return Stage.NO_PLAN


# Records of adoption are kept for 100 years from the adoption order (DOMAIN.md 10).
ADOPTION_RECORD_RETENTION_YEARS = 100


def retain_until(adoption_order_on: date | None) -> date | None:
    if adoption_order_on is None:
        return None
    return add_months(adoption_order_on, 12 * ADOPTION_RECORD_RETENTION_YEARS)
