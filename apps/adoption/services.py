"""Writes for adoption cases and the medical adviser's work items. Every write goes through
here: the rules (apps.adoption.rules) are checked first with messages naming the field, and
the database constraints stand behind them.

Who may call each service is decided by the views and API (apps.adoption.selectors); the
services check what the data must satisfy whoever writes it."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from apps.access import Capability, may
from apps.accounts.models import User
from apps.adoption.models import ONE_OPEN_KINDS, AdoptionCase, AdoptionWorkItem, WorkItemKind
from apps.adoption.rules import (
    ADOPTER_FIELDS,
    EXCLUSIVE_RULES,
    LABELS,
    MILESTONE_FIELDS,
    NOTES,
    ORDER_RULES,
    PHRASES,
    adopter_errors,
    milestone_errors,
    work_item_due,
)
from apps.children.models import Child
from apps.core.services import (
    apply_changes,
    bump_version,
    check_not_before_birth,
    check_not_future,
    check_version,
    register_constraint_message,
    save_with_constraints,
    today,
)
from apps.policy.selectors import policy_lookup

CASE_EDITABLE_FIELDS = {*MILESTONE_FIELDS, *NOTES.values(), *ADOPTER_FIELDS, "plan_changed_reason"}

for _rule in ORDER_RULES:
    register_constraint_message(
        _rule.constraint_name,
        _rule.later,
        f"{LABELS[_rule.later]} cannot be before {PHRASES[_rule.earlier]}"
        + (", which must be recorded first." if _rule.required else "."),
    )
for _exclusive in EXCLUSIVE_RULES:
    register_constraint_message(_exclusive.constraint_name, _exclusive.field, _exclusive.message)
for _field, _note in NOTES.items():
    register_constraint_message(
        f"adoption_{_field}_has_note", _note, f"{LABELS[_field]} needs a date and a note."
    )
register_constraint_message(
    "adoption_plan_changed_has_reason",
    "plan_changed_reason",
    "A change of plan away from adoption needs its reason, and a reason needs the date.",
)
register_constraint_message(
    "adoption_adopters_need_match", "adopters_sex", "The adopters are recorded with the match."
)
register_constraint_message(
    "adoption_adopters_legal_status_fits",
    "adopters_legal_status",
    "The adopters' legal status does not fit who is adopting.",
)
register_constraint_message(
    "adoption_adoptioncase_child_id_key", "child", "This child already has an adoption case."
)
register_constraint_message(
    "UNIQUE constraint failed: adoption_adoptioncase.child_id",
    "child",
    "This child already has an adoption case.",
)
register_constraint_message(
    "adoption_work_item_one_open_per_kind",
    "kind",
    "An open request of this kind already exists for this child.",
)
register_constraint_message(
    "adoption_work_item_completed_not_before_request",
    "completed_on",
    "The work cannot be completed before it was requested.",
)


CODE_FIELDS = ("adopters_sex", "adopters_legal_status", "plan_changed_reason")


def _clean_notes(case: AdoptionCase) -> None:
    for note in NOTES.values():
        setattr(case, note, (getattr(case, note) or "").strip())
    for field in CODE_FIELDS:  # a cleared code is blank, never null
        setattr(case, field, getattr(case, field) or "")


def _placement_code(child: Child) -> str:
    """The SSDA903 code of the child's latest placement, to check the foster-carer answer."""
    latest = (
        child.placements.order_by("-start_date", F("end_date").asc(nulls_first=True), "-id")
        .values_list("place", flat=True)
        .first()
    )
    return latest or ""


def _validate_case(case: AdoptionCase, child: Child) -> None:
    values = {name: getattr(case, name) for name in CASE_EDITABLE_FIELDS}
    errors = milestone_errors(values, date_of_birth=child.date_of_birth, today=today())
    for field, message in adopter_errors(values, placement_code=_placement_code(child)).items():
        errors.setdefault(field, message)
    if errors:
        raise ValidationError(errors)


def _lock_child(child: Child) -> Child:
    # Serialises two "start the case" calls for one child; the one-to-one key stands behind.
    return Child.objects.select_for_update().get(pk=child.pk)


@transaction.atomic
def adoption_case_create(
    *, child: Child, created_by: User, data: dict[str, Any] | None = None
) -> AdoptionCase:
    """Open the child's adoption case, with any milestones already known."""
    child = _lock_child(child)
    if AdoptionCase.objects.filter(child=child).exists():
        raise ValidationError({"child": "This child already has an adoption case."})
    case = AdoptionCase(child=child, created_by=created_by)
    apply_changes(case, dict(data or {}), CASE_EDITABLE_FIELDS)
    _clean_notes(case)
    _validate_case(case, child)
    save_with_constraints(case)
    return case


@transaction.atomic
def adoption_case_update(
    *,
    case: AdoptionCase,
    updated_by: User,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> AdoptionCase:
    """Record or correct milestones. Only the fields in ``data`` change; a milestone set to
    None is cleared (history keeps the old value)."""
    case = AdoptionCase.objects.select_for_update().select_related("child").get(pk=case.pk)
    check_version(case, expected_version)
    changed = apply_changes(case, data, CASE_EDITABLE_FIELDS)
    _clean_notes(case)
    if not changed:
        return case
    _validate_case(case, case.child)
    bump_version(case)
    save_with_constraints(case)
    return case


def _check_case_open(case: AdoptionCase) -> None:
    if case.plan_changed_on is not None:
        raise ValidationError(
            {
                "case": f"The plan changed away from adoption on {case.plan_changed_on:%d/%m/%Y}: "
                "no new adoption health work can be requested."
            }
        )
    if case.adoption_order_on is not None:
        raise ValidationError(
            {
                "case": f"The adoption order was made on {case.adoption_order_on:%d/%m/%Y}: "
                "no new adoption health work can be requested."
            }
        )


@transaction.atomic
def adoption_work_item_request(
    *,
    case: AdoptionCase,
    kind: str,
    requested_on: date,
    assigned_to: User,
    requested_by: User,
    note: str = "",
) -> AdoptionWorkItem:
    """The child's team asks a medical adviser for a report. Due (Default) one calendar
    month after the request: the LA's ``adoption_work_item_months`` in force that day."""
    case = AdoptionCase.objects.select_for_update().select_related("child").get(pk=case.pk)
    child = case.child
    if kind not in WorkItemKind.values:
        raise ValidationError({"kind": "Choose what is being requested."})
    check_not_future("requested_on", requested_on, "The request date")
    check_not_before_birth("requested_on", requested_on, child.date_of_birth, "The request date")
    _check_case_open(case)
    if assigned_to is None or not may(assigned_to, Capability.ADOPTION_ADVISER_WORK):
        raise ValidationError({"assigned_to": "Choose an adoption medical adviser."})
    if (
        kind in ONE_OPEN_KINDS
        and case.work_items.filter(kind=kind, completed_on__isnull=True).exists()
    ):
        raise ValidationError(
            {
                "kind": f"An open request for the {WorkItemKind(kind).label.lower()} already "
                "exists for this child."
            }
        )
    policy = policy_lookup([child.responsible_la_id])(child.responsible_la_id, requested_on)
    item = AdoptionWorkItem(
        case=case,
        kind=kind,
        note=note.strip(),
        requested_on=requested_on,
        requested_by=requested_by,
        due_date=work_item_due(requested_on, policy.adoption_work_item_months),
        assigned_to=assigned_to,
    )
    save_with_constraints(item)
    return item


@transaction.atomic
def adoption_work_item_complete(
    *,
    work_item: AdoptionWorkItem,
    completed_on: date,
    completed_by: User,
    expected_version: int | None = None,
) -> AdoptionWorkItem:
    """A medical adviser records the report as done."""
    item = AdoptionWorkItem.objects.select_for_update().get(pk=work_item.pk)
    check_version(item, expected_version)
    if not may(completed_by, Capability.ADOPTION_ADVISER_WORK):
        raise PermissionDenied("Only an adoption medical adviser completes this work.")
    if item.completed_on is not None:
        raise ValidationError(
            {"completed_on": f"This work was already completed on {item.completed_on:%d/%m/%Y}."}
        )
    check_not_future("completed_on", completed_on, "The completion date")
    if completed_on < item.requested_on:
        raise ValidationError(
            {
                "completed_on": "The completion date cannot be before the request "
                f"({item.requested_on:%d/%m/%Y})."
            }
        )
    item.completed_on = completed_on
    item.completed_by = completed_by
    bump_version(item)
    save_with_constraints(item)
    return item
