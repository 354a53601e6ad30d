"""What the assessments app does when the care record changes (apps/core/hooks.py)."""

from apps.core.hooks import CareRecordChange, register


def _clock_inputs(*, child) -> None:
    from apps.assessments.services import clocks_changed

    clocks_changed(child.pk)


def _entered_care(*, child, period) -> None:
    # Entry to care creates the IHA with its deadlines at once, in the caller's
    # transaction; the rest of the child's clocks follow through the usual recompute.
    from apps.assessments.recompute import recompute_children

    recompute_children([child.pk])


def _corrected(*, child_id) -> None:
    from apps.assessments.recompute import recompute_children

    recompute_children([child_id])


def _placement_started(*, child, placement) -> None:
    from apps.assessments.services import out_of_area_referral_open

    out_of_area_referral_open(placement=placement)


def register_all() -> None:
    register(CareRecordChange.CLOCK_INPUTS, _clock_inputs)
    register(CareRecordChange.ENTERED_CARE, _entered_care)
    register(CareRecordChange.PLACEMENT_STARTED, _placement_started)
    register(CareRecordChange.CORRECTED, _corrected)
