"""Breach attribution between two agencies (issue 13): who may move a breach, which moves
need the other side's agreement, and which reasons may charge which party. Pure: no ORM.

- Each side speaks for itself: a team manager for the local authority, a designated
  professional for health. Charging a breach to one's own side is an override that takes
  effect at once (the side accepts it); charging it to the other side is a *proposal* that
  the other side agrees or disputes, with a note. Until it is agreed the breach stays
  charged where it was and counts as "disputed" in the reports.
- A reason must belong to the party it charges, by the LA's reason -> party mapping
  (DOMAIN.md 5), or be OTHER with a note saying what happened.
"""

from __future__ import annotations

from enum import StrEnum

from apps.policy.rules import BREACH_REASON_LABELS, BreachReason, Party


class ProposalState(StrEnum):
    PROPOSED = "PROPOSED"
    AGREED = "AGREED"
    DISPUTED = "DISPUTED"
    WITHDRAWN = "WITHDRAWN"


PROPOSAL_STATE_LABELS = {
    ProposalState.PROPOSED: "Waiting for an answer",
    ProposalState.AGREED: "Agreed",
    ProposalState.DISPUTED: "Disputed",
    ProposalState.WITHDRAWN: "Withdrawn",
}
# A breach with a proposal in one of these states counts as disputed in the reports.
OPEN_STATES = frozenset({ProposalState.PROPOSED, ProposalState.DISPUTED})
PARTY_NAMES = {Party.LA: "the local authority", Party.HEALTH: "health"}

SIDES = {"TEAM_MANAGER": Party.LA, "DESIGNATED": Party.HEALTH}


def side_of(role: str) -> Party | None:
    """The agency a role speaks for when attributing breaches (None: it does not)."""
    return SIDES.get(role)


def needs_agreement(proposer_side: Party | None, party: str) -> bool:
    """Charging the other agency needs its agreement; charging one's own takes effect."""
    return proposer_side is not None and party != proposer_side


def answering_side(party: str) -> Party:
    """The side that answers a proposal to charge ``party``: that party itself."""
    return Party(party)


def reason_problem(
    party: str, reason: str, note: str, reason_parties: dict[str, str]
) -> tuple[str, str] | None:
    """(field, message) when ``reason`` may not charge ``party``, else None. A blank reason
    is allowed (health's "no reason given" is itself reported)."""
    if not reason:
        return None
    if reason == BreachReason.OTHER:
        if not note.strip():
            return ("note", "Describe the reason when choosing Other.")
        return None
    owner = reason_parties.get(reason)
    if owner and owner != party:
        label = BREACH_REASON_LABELS[BreachReason(reason)]
        return (
            "reason",
            f"“{label}” is a reason charged to {PARTY_NAMES[Party(owner)]}, not to "
            f"{PARTY_NAMES[Party(party)]}: choose a reason of {PARTY_NAMES[Party(party)]}, "
            "or Other with a note.",
        )
    return None


def may_answer(
    *, answerer_side: Party | None, proposal_party: str, answerer_is_proposer: bool
) -> bool:
    """Only the side being charged answers, and never the proposer."""
    return (
        not answerer_is_proposer
        and answerer_side is not None
        and answerer_side == answering_side(proposal_party)
    )


def may_withdraw(*, state: str, is_proposer_side: bool) -> bool:
    return is_proposer_side and state in OPEN_STATES
