"""Children placed outside our area: the referral to the receiving area's
provider, its quality assurance and escalation."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.models import Organisation, User
from apps.assessments.models import (
    OutOfAreaReferral,
)
from apps.core.services import (
    bump_version,
    check_not_future,
    save_with_constraints,
)


def out_of_area_referral_open(*, placement) -> OutOfAreaReferral | None:
    """A placement outside the child's own LA area makes a referral to the receiving area's
    provider due (policy: working days after the placement starts, Default 5)."""
    from apps.core.selectors import working_day_calendar
    from apps.policy.selectors import policy_lookup

    child = placement.child
    if placement.area_id == child.responsible_la_id or hasattr(placement, "referral"):
        return None
    policy = policy_lookup([child.responsible_la_id])(child.responsible_la_id, placement.start_date)
    due_on = working_day_calendar().add_working_days(
        placement.start_date, policy.out_of_area_referral_working_days
    )
    referral = OutOfAreaReferral(child=child, placement=placement, due_on=due_on)
    save_with_constraints(referral)
    return referral


@transaction.atomic
def out_of_area_referral_record(
    *,
    referral,
    referred_on: date,
    recorded_by: User,
    receiving_provider: Organisation | None = None,
    receiving_provider_name: str = "",
):
    from apps.assessments.models import OutOfAreaReferral

    referral = (
        OutOfAreaReferral.objects.select_for_update().select_related("child").get(pk=referral.pk)
    )
    if referral.referred_on is not None:
        raise ValidationError({"referred_on": "The referral has already been sent."})
    if receiving_provider is None and not receiving_provider_name.strip():
        raise ValidationError({"receiving_provider_name": "Name the receiving area's provider."})
    check_not_future("referred_on", referred_on, "The referral date")
    if referred_on < referral.placement.start_date:
        raise ValidationError(
            {"referred_on": "The referral cannot be before the placement started."}
        )
    referral.referred_on = referred_on
    referral.receiving_provider = receiving_provider
    referral.receiving_provider_name = receiving_provider_name.strip()
    bump_version(referral)
    save_with_constraints(referral)
    return referral


@transaction.atomic
def out_of_area_referral_quality(*, referral, outcome: str, on: date, recorded_by: User):
    from apps.assessments.models.records import ReferralQaOutcome

    referral = OutOfAreaReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.referred_on is None:
        raise ValidationError(
            {"qa_outcome": "Send the referral before recording its quality assurance."}
        )
    if outcome not in {ReferralQaOutcome.ACCEPTED, ReferralQaOutcome.RETURNED}:
        raise ValidationError({"qa_outcome": "Choose accepted or returned."})
    check_not_future("qa_on", on, "The quality assurance date")
    if on < referral.referred_on:
        raise ValidationError({"qa_on": "Quality assurance cannot be before the referral."})
    referral.qa_outcome, referral.qa_on = outcome, on
    bump_version(referral)
    save_with_constraints(referral)
    return referral


@transaction.atomic
def out_of_area_referral_escalate(*, referral, on: date, note: str, escalated_by: User):
    referral = OutOfAreaReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.escalated_on is not None:
        raise ValidationError({"escalated_on": "Already escalated to the designated nurse."})
    if not note.strip():
        raise ValidationError({"escalation_note": "Say why you are escalating."})
    check_not_future("escalated_on", on, "The escalation date")
    referral.escalated_on, referral.escalation_note = on, note.strip()
    bump_version(referral)
    save_with_constraints(referral)
    return referral
