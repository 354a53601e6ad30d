"""Breach attribution between two agencies (apps.assessments.rules.proposals): no database."""

import pytest

from apps.assessments.rules.proposals import (
    OPEN_STATES,
    ProposalState,
    answering_side,
    may_answer,
    may_withdraw,
    needs_agreement,
    reason_problem,
    side_of,
)
from apps.policy.rules import DEFAULT_REASON_PARTIES, BreachReason, Party

PARTIES = {str(k): str(v) for k, v in DEFAULT_REASON_PARTIES.items()}


@pytest.mark.parametrize(
    ("role", "side"),
    [
        ("TEAM_MANAGER", Party.LA),
        ("DESIGNATED", Party.HEALTH),
        ("SOCIAL_WORKER", None),
        ("LAC_NURSE", None),
        ("PERFORMANCE_MANAGER", None),
        ("", None),
    ],
)
def test_each_side_speaks_through_one_role(role, side):
    assert side_of(role) == side


@pytest.mark.parametrize(
    ("side", "party", "needed"),
    [
        (Party.LA, Party.HEALTH, True),  # a manager moving a breach to health
        (Party.LA, Party.LA, False),  # a manager accepting one for the LA
        (Party.HEALTH, Party.LA, True),
        (Party.HEALTH, Party.HEALTH, False),
        (None, Party.LA, False),
    ],
)
def test_charging_the_other_agency_needs_its_agreement(side, party, needed):
    assert needs_agreement(side, party) is needed


def test_the_side_charged_answers():
    assert answering_side("HEALTH") == Party.HEALTH
    assert answering_side("LA") == Party.LA


@pytest.mark.parametrize(
    ("party", "reason"),
    [
        (Party.HEALTH, BreachReason.LATE_REQUEST),
        (Party.HEALTH, BreachReason.WAS_NOT_BROUGHT),
        (Party.HEALTH, BreachReason.CARER_OR_YP_CANCELLED),
        (Party.LA, BreachReason.CLINICAL_CAPACITY),
        (Party.LA, BreachReason.HEALTH_CANCELLED),
        (Party.LA, BreachReason.REPORT_DELAYED),
    ],
)
def test_a_reason_of_the_other_party_is_refused_naming_the_reason(party, reason):
    field, message = reason_problem(party, reason, "a note", PARTIES)
    assert field == "reason"
    assert "is a reason charged to" in message and "choose a reason of" in message


def test_the_issues_example_in_words():
    assert reason_problem(Party.HEALTH, "LATE_REQUEST", "x", PARTIES) == (
        "reason",
        "“LA request sent after its deadline” is a reason charged to the local authority, "
        "not to health: choose a reason of health, or Other with a note.",
    )


@pytest.mark.parametrize("reason", list(DEFAULT_REASON_PARTIES))
def test_each_reason_may_charge_its_own_party(reason):
    assert reason_problem(DEFAULT_REASON_PARTIES[reason], reason, "", PARTIES) is None


def test_other_needs_a_note_and_then_charges_either_party():
    assert reason_problem(Party.LA, "OTHER", "  ", PARTIES) == (
        "note",
        "Describe the reason when choosing Other.",
    )
    assert reason_problem(Party.LA, "OTHER", "Interpreter not booked", PARTIES) is None
    assert reason_problem(Party.HEALTH, "OTHER", "Clinic flooded", PARTIES) is None


def test_a_blank_reason_is_allowed():
    assert reason_problem(Party.HEALTH, "", "", PARTIES) is None


def test_the_las_own_mapping_decides():
    theirs = {**PARTIES, "PLACEMENT_MOVE": "HEALTH"}
    assert reason_problem(Party.HEALTH, "PLACEMENT_MOVE", "", theirs) is None
    assert reason_problem(Party.LA, "PLACEMENT_MOVE", "", theirs)[0] == "reason"


@pytest.mark.parametrize(
    ("side", "party", "proposer", "allowed"),
    [
        (Party.HEALTH, "HEALTH", False, True),
        (Party.LA, "HEALTH", False, False),  # the proposing side does not answer
        (Party.HEALTH, "HEALTH", True, False),  # nor the proposer
        (None, "HEALTH", False, False),
        (Party.LA, "LA", False, True),
    ],
)
def test_only_the_side_charged_answers(side, party, proposer, allowed):
    assert (
        may_answer(answerer_side=side, proposal_party=party, answerer_is_proposer=proposer)
        is allowed
    )


@pytest.mark.parametrize("state", list(ProposalState))
def test_the_proposer_side_withdraws_an_open_proposal_only(state):
    assert may_withdraw(state=state, is_proposer_side=True) is (state in OPEN_STATES)
    assert may_withdraw(state=state, is_proposer_side=False) is False


def test_proposed_and_disputed_are_the_open_states():
    assert {ProposalState.PROPOSED, ProposalState.DISPUTED} == OPEN_STATES
