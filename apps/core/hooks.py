"""The "care record changed" hooks (issue 12): the care record (children, placements) tells
the apps above it that something changed, without importing them. An app registers its
hook once (in its AppConfig.ready); the services call ``care_record_changed``. Explicit and
synchronous, in the caller's transaction (not Django signals): a hook that fails fails the
write, and the list of hooks is there to read (``registered``)."""

from collections import defaultdict
from collections.abc import Callable
from enum import StrEnum


class CareRecordChange(StrEnum):
    # A date the health clocks depend on changed (birth, care, placements): payload child.
    CLOCK_INPUTS = "clock-inputs"
    # A period of care began: payload child, period. The clocks it starts are wanted now.
    ENTERED_CARE = "entered-care"
    # A placement began: payload child, placement.
    PLACEMENT_STARTED = "placement-started"
    # A correction of the care record (issue 13): payload child_id. The clocks and the
    # breach attribution are wanted now, in the correction's transaction.
    CORRECTED = "corrected"
    # Before a write that moves the dates other records are checked against (a date of
    # birth, a period of care's start): payload child_id, field, and the new date_of_birth
    # or the period_of_care as it would be. A hook refuses (ValidationError on ``field``)
    # a contradiction the write would add to the child's record (issue 13).
    REFERENCE_DATES = "reference-dates"


_HOOKS: dict[CareRecordChange, list[Callable[..., None]]] = defaultdict(list)


def register(change: CareRecordChange, hook: Callable[..., None]) -> None:
    if hook not in _HOOKS[change]:
        _HOOKS[change].append(hook)


def registered(change: CareRecordChange) -> list[Callable[..., None]]:
    return list(_HOOKS[change])


def care_record_changed(change: CareRecordChange, **payload) -> None:
    for hook in _HOOKS[change]:
        hook(**payload)
