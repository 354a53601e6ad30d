"""Breach attribution between two agencies: overrides, proposals and answers (issue 13).

The rules are in apps.assessments.rules.proposals. A manager or designated professional who
charges a breach to their own side overrides it at once (``breach_override`` in
apps.assessments.services calls ``attribution_change``); charging the other side makes a
``BreachProposal``, which that side agrees (the override then takes effect, authored by the
proposer) or disputes with a note. Each step is kept in history and the other side is told
by email (no child details in the email).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.assessments.models import Assessment, BreachProposal
from apps.assessments.rules.proposals import (
    PARTY_NAMES,
    ProposalState,
    may_answer,
    may_withdraw,
    needs_agreement,
    reason_problem,
    side_of,
)
from apps.core.services import bump_version, check_version, save_with_constraints
from apps.policy.rules import BreachReason, Party


def _reason_parties(assessment: Assessment) -> dict[str, str]:
    from apps.policy.selectors import policy_lookup

    la = assessment.child.responsible_la_id
    return policy_lookup([la])(la, assessment.clock_start).reason_parties


def check_attribution(assessment: Assessment, party: str, reason: str, note: str) -> None:
    if party not in {Party.LA, Party.HEALTH}:
        raise ValidationError({"party": "Choose the local authority or health."})
    if reason and reason not in BreachReason.__members__.values():
        raise ValidationError({"reason": "Choose a reason from the list."})
    if not note.strip():
        raise ValidationError({"note": "Explain the change in a note."})
    problem = reason_problem(party, reason, note, _reason_parties(assessment))
    if problem:
        raise ValidationError({problem[0]: problem[1]})


def open_proposal(assessment: Assessment) -> BreachProposal | None:
    return (
        BreachProposal.objects.filter(
            assessment=assessment, state__in=[ProposalState.PROPOSED, ProposalState.DISPUTED]
        )
        .select_related("proposed_by")
        .first()
    )


def attribution_change(
    *, assessment: Assessment, party: str, reason: str, note: str, changed_by: User
) -> Assessment | BreachProposal:
    """``assessment`` is locked by the caller and in breach. Charging the changer's own side
    overrides at once (returns the assessment); charging the other side proposes it
    (returns the proposal)."""
    check_attribution(assessment, party, reason, note)
    if open_proposal(assessment) is not None:
        raise ValidationError(
            {
                "party": "A proposal to move this breach is open: answer or withdraw it "
                "before changing who it is charged to."
            }
        )
    if needs_agreement(side_of(changed_by.role), party):
        return _propose(assessment, party, reason, note, changed_by)
    _apply(assessment, party, reason, note, changed_by)
    return assessment


def _apply(assessment: Assessment, party: str, reason: str, note: str, author: User) -> None:
    assessment.override_party = party
    assessment.override_reason = reason
    assessment.override_note = note.strip()
    assessment.overridden_by = author
    assessment.overridden_at = timezone.now()
    bump_version(assessment)
    save_with_constraints(assessment)


def _propose(assessment, party, reason, note, proposed_by) -> BreachProposal:
    proposal = BreachProposal(
        assessment=assessment,
        from_party=assessment.effective_party or Party.UNDETERMINED,
        party=party,
        reason=reason,
        note=note.strip(),
        proposed_by=proposed_by,
        proposed_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            save_with_constraints(proposal)
    except IntegrityError as error:  # a second open proposal raced this one
        raise ValidationError({"party": "A proposal to move this breach is open."}) from error
    transaction.on_commit(lambda: notify_answering_side(proposal.pk))
    return proposal


def _lock_proposal(proposal: BreachProposal, expected_version: int | None) -> BreachProposal:
    from apps.assessments.services import _lock

    _lock(proposal.assessment)
    locked = (
        BreachProposal.objects.select_for_update()
        .select_related("assessment__child", "proposed_by")
        .get(pk=proposal.pk)
    )
    check_version(locked, expected_version)
    return locked


@transaction.atomic
def proposal_answer(
    *,
    proposal: BreachProposal,
    agree: bool,
    note: str,
    answered_by: User,
    expected_version: int | None = None,
) -> BreachProposal:
    """The side being charged agrees (the breach moves, authored by the proposer) or
    disputes (it stays, counted as disputed); a dispute needs a note."""
    proposal = _lock_proposal(proposal, expected_version)
    may = may_answer(
        answerer_side=side_of(answered_by.role),
        proposal_party=proposal.party,
        answerer_is_proposer=answered_by.pk == proposal.proposed_by_id,
    )
    if not may:
        raise PermissionDenied(f"Only {PARTY_NAMES[Party(proposal.party)]} answers this proposal.")
    if proposal.state != ProposalState.PROPOSED:
        raise ValidationError(
            {"agree": f"This proposal is already {proposal.get_state_display().lower()}."}
        )
    if not agree and not note.strip():
        raise ValidationError({"note": "Say why you dispute the proposal."})
    proposal.state = ProposalState.AGREED if agree else ProposalState.DISPUTED
    proposal.answered_by = answered_by
    proposal.answered_at = timezone.now()
    proposal.answer_note = note.strip()
    bump_version(proposal)
    save_with_constraints(proposal)
    if agree:
        _apply(
            proposal.assessment,
            proposal.party,
            proposal.reason,
            proposal.note,
            proposal.proposed_by,
        )
    transaction.on_commit(lambda: notify_proposer(proposal.pk))
    return proposal


@transaction.atomic
def proposal_withdraw(
    *, proposal: BreachProposal, withdrawn_by: User, expected_version: int | None = None
) -> BreachProposal:
    """The proposing side withdraws an open proposal: the breach stays where it was and is
    no longer disputed."""
    proposal = _lock_proposal(proposal, expected_version)
    if not may_withdraw(
        state=proposal.state,
        is_proposer_side=side_of(withdrawn_by.role) is not None
        and side_of(withdrawn_by.role) == side_of(proposal.proposed_by.role),
    ):
        raise PermissionDenied("Only the proposing side withdraws an open proposal.")
    proposal.state = ProposalState.WITHDRAWN
    # simple_history reads the instance's _change_reason (not in its model type).
    proposal._change_reason = f"Withdrawn by {withdrawn_by}"  # type: ignore[attr-defined]
    bump_version(proposal)
    save_with_constraints(proposal)
    return proposal


def may_answer_proposal(user: User, proposal: BreachProposal) -> bool:
    return proposal.state == ProposalState.PROPOSED and may_answer(
        answerer_side=side_of(user.role),
        proposal_party=proposal.party,
        answerer_is_proposer=user.pk == proposal.proposed_by_id,
    )


def may_withdraw_proposal(user: User, proposal: BreachProposal) -> bool:
    side = side_of(user.role)
    return may_withdraw(
        state=proposal.state,
        is_proposer_side=side is not None and side == side_of(proposal.proposed_by.role),
    )


def answerers(proposal: BreachProposal):
    """The users who may answer: the child's team managers for the LA, the designated
    professionals who see the child for health."""
    from apps.children.selectors import children_visible_to

    child = proposal.assessment.child
    if proposal.party == Party.LA:
        candidates = User.objects.filter(
            role="TEAM_MANAGER", organisation_id=child.responsible_la_id, is_active=True
        )
        if child.team_id:
            candidates = candidates.filter(team_id=child.team_id)
        return list(candidates)
    return [
        user
        for user in User.objects.filter(role="DESIGNATED", is_active=True)
        if children_visible_to(user).filter(pk=child.pk).exists()
    ]


def _mail(users, subject: str, body: str) -> int:
    addresses = sorted({u.email for u in users if u.email})
    if not addresses:
        return 0
    send_mail(subject=subject, message=body, from_email=None, recipient_list=addresses)
    return len(addresses)


def notify_answering_side(proposal_id: int) -> int:
    proposal = (
        BreachProposal.objects.select_related("assessment__child").filter(pk=proposal_id).first()
    )
    if proposal is None:
        return 0
    base = getattr(settings, "SITE_URL", "")
    return _mail(
        answerers(proposal),
        "LAC Health: a breach attribution is waiting for your answer",
        f"A proposal to charge a breach (reference A{proposal.assessment_id}) to "
        f"{PARTY_NAMES[Party(proposal.party)]} is waiting for your answer.\n"
        f"Sign in to LAC Health: {base}/breach-proposals/{proposal.pk}/\n",
    )


def notify_proposer(proposal_id: int) -> int:
    proposal = BreachProposal.objects.select_related("proposed_by").filter(pk=proposal_id).first()
    if proposal is None:
        return 0
    base = getattr(settings, "SITE_URL", "")
    return _mail(
        [proposal.proposed_by],
        f"LAC Health: your breach proposal was {proposal.get_state_display().lower()}",
        f"Your proposal on breach A{proposal.assessment_id} was "
        f"{proposal.get_state_display().lower()}.\n"
        f"Sign in to LAC Health: {base}/breach-proposals/{proposal.pk}/\n",
    )
