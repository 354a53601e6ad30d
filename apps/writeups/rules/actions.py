"""Health plan actions: who owns them and when one is overdue."""

from datetime import date
from enum import StrEnum


class OwnerKind(StrEnum):
    CARER = "CARER"
    SOCIAL_WORKER = "SOCIAL_WORKER"
    GP = "GP"
    NAMED_SERVICE = "NAMED_SERVICE"
    YOUNG_PERSON = "YOUNG_PERSON"


OWNER_LABELS = {
    OwnerKind.CARER: "Carer",
    OwnerKind.SOCIAL_WORKER: "Social worker",
    OwnerKind.GP: "GP",
    OwnerKind.NAMED_SERVICE: "Named service",
    OwnerKind.YOUNG_PERSON: "Young person",
}


class ActionStatus(StrEnum):
    OPEN = "OPEN"
    DONE = "DONE"
    NOT_DONE = "NOT_DONE"


STATUS_LABELS = {
    ActionStatus.OPEN: "Open",
    ActionStatus.DONE: "Done",
    ActionStatus.NOT_DONE: "Not done",
}


def is_overdue(*, status: str, due_date: date | None, today: date) -> bool:
    """Open past its due date (the due date itself is still in time)."""
    return status == ActionStatus.OPEN and due_date is not None and today > due_date


def check_close(
    *, status: str, new_status: str, reason: str, completed_on: date | None, today: date
) -> dict[str, str]:
    """Errors closing an action: only an open action closes; "not done" needs the reason."""
    errors = {}
    if status != ActionStatus.OPEN:
        errors["status"] = "This action is already closed."
    if new_status not in {ActionStatus.DONE, ActionStatus.NOT_DONE}:
        errors["status"] = "Choose done or not done."
    if new_status == ActionStatus.NOT_DONE and not reason.strip():
        errors["reason_not_done"] = "Say why the action was not done."
    if completed_on is None:
        errors["completed_on"] = "Enter the date."
    elif completed_on > today:
        errors["completed_on"] = "The date cannot be in the future."
    return errors
