"""Who a breach is charged to, and why, in words (DOMAIN.md section 5).

The IHA clock used throughout: entry (day 0) Fri 19 Dec 2025, request due Tue 30 Dec 2025
(working day 5), IHA due Wed 21 Jan 2026 (working day 20); working day 7 is Fri 2 Jan 2026.
Worked out by hand and cross-checked with the holidays package in a scratch script.
"""

from datetime import date

import pytest

from apps.assessments.rules.attribution import (
    RULE_MAX_LENGTH,
    AppointmentEvent,
    AppointmentOutcome,
    Attribution,
    CancelledBy,
    attribute_breach,
)
from apps.core.working_days import calendar_for
from apps.policy.rules import DEFAULT_POLICY, BreachReason, Party, Policy

CAL = calendar_for()

ENTRY = date(2025, 12, 19)
REQUEST_DUE = date(2025, 12, 30)
DUE = date(2026, 1, 21)
SENT_IN_TIME = date(2025, 12, 22)  # working day 1
COMPLETE_IN_TIME = date(2025, 12, 29)  # working day 4
BEFORE_DUE = date(2026, 1, 14)
AFTER_DUE = date(2026, 1, 22)

_UNSET = object()


def _attribute(
    *,
    kind="IHA",
    clock_start=ENTRY,
    request_due=REQUEST_DUE,
    due=DUE,
    request_sent_on=SENT_IN_TIME,
    request_complete_on=_UNSET,
    appointments=(),
    health_reason="",
    held_on=None,
    report_returned_on=None,
    policy=DEFAULT_POLICY,
) -> Attribution:
    if request_complete_on is _UNSET:
        request_complete_on = COMPLETE_IN_TIME
    return attribute_breach(
        kind=kind,
        clock_start=clock_start,
        request_due=request_due,
        due=due,
        request_sent_on=request_sent_on,
        request_complete_on=request_complete_on,
        appointments=list(appointments),
        health_reason=health_reason,
        held_on=held_on,
        report_returned_on=report_returned_on,
        calendar=CAL,
        policy=policy,
    )


def _cancelled(on, by, *, placement_move=False):
    return AppointmentEvent(
        on=on, outcome=AppointmentOutcome.CANCELLED, cancelled_by=by, placement_move=placement_move
    )


def _not_brought(on, *, placement_move=False):
    return AppointmentEvent(
        on=on, outcome=AppointmentOutcome.WAS_NOT_BROUGHT, placement_move=placement_move
    )


# --- The request ----------------------------------------------------------------------------


def test_request_on_working_day_7_charges_the_la():
    result = _attribute(request_sent_on=date(2026, 1, 2), request_complete_on=date(2026, 1, 2))
    assert result.party == Party.LA
    assert result.reason == BreachReason.LATE_REQUEST
    assert "working day 7" in result.rule
    assert "working day 5" in result.rule


def test_late_request_charges_the_la_even_with_a_health_cancellation():
    result = _attribute(
        request_sent_on=date(2026, 1, 2),
        request_complete_on=date(2026, 1, 2),
        appointments=[_cancelled(BEFORE_DUE, CancelledBy.HEALTH)],
        health_reason=BreachReason.CLINICAL_CAPACITY,
    )
    assert (result.party, result.reason) == (Party.LA, BreachReason.LATE_REQUEST)


def test_request_sent_and_complete_on_working_day_5_is_in_time():
    result = _attribute(request_sent_on=REQUEST_DUE, request_complete_on=REQUEST_DUE)
    assert (result.party, result.reason) == (Party.HEALTH, "")


def test_no_request_date_at_all_is_undetermined():
    result = _attribute(request_sent_on=None, request_complete_on=None)
    assert result.party == Party.UNDETERMINED
    assert result.reason == ""
    assert "no request date" in result.rule.lower()


def test_request_sent_in_time_but_complete_after_the_deadline_charges_the_la():
    # Complete on Mon 5 Jan 2026, working day 8.
    result = _attribute(request_complete_on=date(2026, 1, 5))
    assert (result.party, result.reason) == (Party.LA, BreachReason.INCOMPLETE_REQUEST)
    assert "working day 8" in result.rule
    assert "working day 5" in result.rule


def test_request_sent_in_time_but_never_complete_charges_the_la():
    result = _attribute(request_complete_on=None)
    assert (result.party, result.reason) == (Party.LA, BreachReason.INCOMPLETE_REQUEST)
    assert "never completed" in result.rule


def test_rha_late_request_rule_names_the_dates():
    # RHA due Wed 21 Jan 2026; its request was due 20 working days earlier, Fri 19 Dec 2025.
    result = _attribute(
        kind="RHA",
        clock_start=date(2025, 7, 21),
        request_due=date(2025, 12, 19),
        request_sent_on=date(2026, 1, 2),
        request_complete_on=date(2026, 1, 2),
    )
    assert (result.party, result.reason) == (Party.LA, BreachReason.LATE_REQUEST)
    assert "2 January 2026" in result.rule
    assert "19 December 2025" in result.rule
    assert "20 working days" in result.rule


def test_late_request_sent_on_a_saturday_is_not_described_as_on_the_deadline_day():
    # Entry Fri 6 Jun 2025, request due Fri 13 Jun (working day 5); sent Sat 14 Jun.
    result = _attribute(
        clock_start=date(2025, 6, 6),
        request_due=date(2025, 6, 13),
        due=date(2025, 7, 4),
        request_sent_on=date(2025, 6, 14),
        request_complete_on=date(2025, 6, 14),
    )
    assert result.reason == BreachReason.LATE_REQUEST
    assert "working day 5 after entry to care, deadline was working day 5" not in result.rule
    assert "14 June 2025, a non-working day, so working day 6" in result.rule


# --- LA-side events ---------------------------------------------------------------------------


def test_carer_cancellation_before_the_due_date_charges_the_la():
    result = _attribute(appointments=[_cancelled(BEFORE_DUE, CancelledBy.CARER)])
    assert (result.party, result.reason) == (Party.LA, BreachReason.CARER_OR_YP_CANCELLED)
    assert "carer cancelled" in result.rule
    assert "14 January 2026" in result.rule


def test_young_person_cancellation_before_the_due_date_charges_the_la():
    result = _attribute(appointments=[_cancelled(BEFORE_DUE, CancelledBy.YOUNG_PERSON)])
    assert (result.party, result.reason) == (Party.LA, BreachReason.CARER_OR_YP_CANCELLED)
    assert "young person cancelled" in result.rule


def test_child_not_brought_charges_the_la():
    result = _attribute(appointments=[_not_brought(BEFORE_DUE)])
    assert (result.party, result.reason) == (Party.LA, BreachReason.WAS_NOT_BROUGHT)
    assert "not brought" in result.rule


@pytest.mark.parametrize(
    "event",
    [
        _cancelled(BEFORE_DUE, CancelledBy.CARER, placement_move=True),
        _cancelled(BEFORE_DUE, CancelledBy.HEALTH, placement_move=True),
        _not_brought(BEFORE_DUE, placement_move=True),
    ],
    ids=["carer-cancelled", "health-cancelled", "not-brought"],
)
def test_placement_move_flag_charges_the_la_for_the_placement_move(event):
    result = _attribute(appointments=[event])
    assert (result.party, result.reason) == (Party.LA, BreachReason.PLACEMENT_MOVE)
    assert "placement move" in result.rule


def test_carer_cancellation_on_the_due_date_still_counts():
    result = _attribute(appointments=[_cancelled(DUE, CancelledBy.CARER)])
    assert (result.party, result.reason) == (Party.LA, BreachReason.CARER_OR_YP_CANCELLED)


@pytest.mark.parametrize(
    "event",
    [
        _cancelled(AFTER_DUE, CancelledBy.CARER),
        _cancelled(AFTER_DUE, CancelledBy.YOUNG_PERSON),
        _not_brought(AFTER_DUE),
        _not_brought(AFTER_DUE, placement_move=True),
    ],
    ids=["carer", "young-person", "not-brought", "placement-move"],
)
def test_la_event_after_the_due_date_does_not_count(event):
    result = _attribute(appointments=[event])
    assert (result.party, result.reason) == (Party.HEALTH, "")


def test_la_event_charges_the_la_even_when_health_also_cancelled_or_gave_a_reason():
    result = _attribute(
        appointments=[
            _cancelled(date(2026, 1, 7), CancelledBy.HEALTH),
            _cancelled(BEFORE_DUE, CancelledBy.CARER),
        ],
        health_reason=BreachReason.CLINICAL_CAPACITY,
    )
    assert (result.party, result.reason) == (Party.LA, BreachReason.CARER_OR_YP_CANCELLED)


def test_the_latest_la_event_before_the_due_date_decides_the_reason():
    result = _attribute(
        appointments=[
            _not_brought(date(2026, 1, 16)),
            _cancelled(date(2026, 1, 7), CancelledBy.CARER),
        ]
    )
    assert result.reason == BreachReason.WAS_NOT_BROUGHT


def test_booked_and_attended_appointments_are_not_la_events():
    result = _attribute(
        appointments=[
            AppointmentEvent(on=date(2026, 1, 7), outcome=AppointmentOutcome.BOOKED),
            AppointmentEvent(on=date(2026, 1, 28), outcome=AppointmentOutcome.ATTENDED),
        ]
    )
    assert (result.party, result.reason) == (Party.HEALTH, "")


# --- Health ---------------------------------------------------------------------------------


def test_on_time_complete_request_with_late_assessment_and_no_reason_charges_health():
    result = _attribute(held_on=date(2026, 1, 28), report_returned_on=date(2026, 2, 2))
    assert result.party == Party.HEALTH
    assert result.reason == ""
    assert "no reason given" in result.rule


def test_health_cancellation_charges_health():
    result = _attribute(appointments=[_cancelled(BEFORE_DUE, CancelledBy.HEALTH)])
    assert (result.party, result.reason) == (Party.HEALTH, BreachReason.HEALTH_CANCELLED)
    assert "health cancelled" in result.rule


def test_health_cancellation_after_the_due_date_does_not_count():
    result = _attribute(appointments=[_cancelled(AFTER_DUE, CancelledBy.HEALTH)])
    assert (result.party, result.reason) == (Party.HEALTH, "")


def test_assessment_held_in_time_with_the_report_late_is_report_delayed():
    result = _attribute(held_on=date(2026, 1, 20), report_returned_on=date(2026, 1, 30))
    assert (result.party, result.reason) == (Party.HEALTH, BreachReason.REPORT_DELAYED)
    assert "report was late" in result.rule


def test_held_in_time_after_a_carer_cancellation_with_the_report_late_is_report_delayed():
    """The carer's cancellation did not stop the assessment being held in time: what breached
    is the report, so health is charged, and the cancellation is still listed."""
    result = _attribute(
        appointments=[_cancelled(date(2026, 1, 12), CancelledBy.CARER)],
        held_on=BEFORE_DUE,
        report_returned_on=AFTER_DUE,
    )
    assert (result.party, result.reason) == (Party.HEALTH, BreachReason.REPORT_DELAYED)
    assert "report was late" in result.rule
    assert "The carer cancelled the appointment of 12 January 2026 (in time)" in result.rule


def test_held_in_time_with_the_report_late_keeps_healths_own_reason():
    result = _attribute(
        appointments=[_not_brought(date(2026, 1, 12))],
        held_on=BEFORE_DUE,
        report_returned_on=None,
        health_reason=BreachReason.CLINICAL_CAPACITY,
    )
    assert (result.party, result.reason) == (Party.HEALTH, BreachReason.CLINICAL_CAPACITY)


def test_held_after_the_deadline_following_a_carer_cancellation_still_charges_the_la():
    result = _attribute(
        appointments=[_cancelled(date(2026, 1, 12), CancelledBy.CARER)],
        held_on=AFTER_DUE,
        report_returned_on=AFTER_DUE,
    )
    assert (result.party, result.reason) == (Party.LA, BreachReason.CARER_OR_YP_CANCELLED)


def test_assessment_held_on_the_due_date_with_no_report_yet_is_report_delayed():
    result = _attribute(held_on=DUE, report_returned_on=None)
    assert (result.party, result.reason) == (Party.HEALTH, BreachReason.REPORT_DELAYED)


def test_health_recorded_clinical_capacity_charges_health():
    result = _attribute(health_reason=BreachReason.CLINICAL_CAPACITY)
    assert (result.party, result.reason) == (Party.HEALTH, BreachReason.CLINICAL_CAPACITY)
    assert "health recorded the reason" in result.rule


# --- Per-LA reason -> party mapping -------------------------------------------------------------


def test_per_la_mapping_can_charge_placement_moves_to_health():
    policy = Policy(reason_parties={BreachReason.PLACEMENT_MOVE: Party.HEALTH})
    result = _attribute(appointments=[_not_brought(BEFORE_DUE, placement_move=True)], policy=policy)
    assert (result.party, result.reason) == (Party.HEALTH, BreachReason.PLACEMENT_MOVE)


def test_per_la_mapping_leaves_reasons_it_does_not_mention_at_their_default():
    policy = Policy(reason_parties={BreachReason.PLACEMENT_MOVE: Party.HEALTH})
    result = _attribute(appointments=[_not_brought(BEFORE_DUE)], policy=policy)
    assert (result.party, result.reason) == (Party.LA, BreachReason.WAS_NOT_BROUGHT)


def test_per_la_mapping_can_charge_clinical_capacity_to_the_la():
    policy = Policy(reason_parties={BreachReason.CLINICAL_CAPACITY: Party.LA})
    result = _attribute(health_reason=BreachReason.CLINICAL_CAPACITY, policy=policy)
    assert (result.party, result.reason) == (Party.LA, BreachReason.CLINICAL_CAPACITY)


def test_default_reason_parties_match_the_domain_table():
    assert {reason: DEFAULT_POLICY.party_for(reason) for reason in BreachReason} == {
        BreachReason.LATE_REQUEST: Party.LA,
        BreachReason.INCOMPLETE_REQUEST: Party.LA,
        BreachReason.CARER_OR_YP_CANCELLED: Party.LA,
        BreachReason.WAS_NOT_BROUGHT: Party.LA,
        BreachReason.PLACEMENT_MOVE: Party.LA,
        BreachReason.CLINICAL_CAPACITY: Party.HEALTH,
        BreachReason.HEALTH_CANCELLED: Party.HEALTH,
        BreachReason.REPORT_DELAYED: Party.HEALTH,
        # OTHER has no default party: the user sets it.
        BreachReason.OTHER: Party.UNDETERMINED,
    }


# --- Both sides cancelled: the last appointment that could have met the deadline decides -------
# After it was lost the deadline could no longer be met; the rule lists every cancellation.

EARLIER_IN_TIME = date(2026, 1, 7)


def test_health_cancelled_in_time_then_carer_cancelled_after_the_deadline_charges_health():
    result = _attribute(
        appointments=[
            _cancelled(BEFORE_DUE, CancelledBy.HEALTH),
            _cancelled(AFTER_DUE, CancelledBy.CARER),
        ]
    )
    assert (result.party, result.reason) == (Party.HEALTH, BreachReason.HEALTH_CANCELLED)
    assert result.rule == (
        "Request complete in time; health cancelled the appointment of 14 January 2026. "
        "Health cancelled the appointment of 14 January 2026 (in time); "
        "the carer cancelled the appointment of 22 January 2026 (after the deadline)."
    )


def test_carer_cancelled_in_time_then_health_cancelled_after_the_deadline_charges_the_la():
    result = _attribute(
        appointments=[
            _cancelled(BEFORE_DUE, CancelledBy.CARER),
            _cancelled(AFTER_DUE, CancelledBy.HEALTH),
        ]
    )
    assert (result.party, result.reason) == (Party.LA, BreachReason.CARER_OR_YP_CANCELLED)
    assert result.rule == (
        "Request complete in time, but the carer cancelled the appointment of 14 January 2026. "
        "The carer cancelled the appointment of 14 January 2026 (in time); "
        "health cancelled the appointment of 22 January 2026 (after the deadline)."
    )


def test_both_in_time_carer_then_health_charges_health_for_the_later_cancellation():
    result = _attribute(
        appointments=[
            _cancelled(EARLIER_IN_TIME, CancelledBy.CARER),
            _cancelled(BEFORE_DUE, CancelledBy.HEALTH),
        ]
    )
    assert (result.party, result.reason) == (Party.HEALTH, BreachReason.HEALTH_CANCELLED)
    assert result.rule == (
        "Request complete in time; health cancelled the appointment of 14 January 2026. "
        "The carer cancelled the appointment of 7 January 2026 (in time); "
        "health cancelled the appointment of 14 January 2026 (in time)."
    )


def test_both_in_time_health_then_young_person_charges_the_la_for_the_later_cancellation():
    # Given out of date order: the dates decide, not the order the facts arrive in.
    result = _attribute(
        appointments=[
            _cancelled(BEFORE_DUE, CancelledBy.YOUNG_PERSON),
            _cancelled(EARLIER_IN_TIME, CancelledBy.HEALTH),
        ]
    )
    assert (result.party, result.reason) == (Party.LA, BreachReason.CARER_OR_YP_CANCELLED)
    assert result.rule == (
        "Request complete in time, but the young person cancelled the appointment of "
        "14 January 2026. "
        "Health cancelled the appointment of 7 January 2026 (in time); "
        "the young person cancelled the appointment of 14 January 2026 (in time)."
    )


def test_both_cancelled_after_the_deadline_decides_nothing_but_both_are_listed():
    result = _attribute(
        appointments=[
            _cancelled(AFTER_DUE, CancelledBy.HEALTH),
            _cancelled(date(2026, 1, 29), CancelledBy.CARER),
        ]
    )
    assert (result.party, result.reason) == (Party.HEALTH, "")
    assert result.rule == (
        "Request complete in time, so the breach is health's; no reason given yet. "
        "Health cancelled the appointment of 22 January 2026 (after the deadline); "
        "the carer cancelled the appointment of 29 January 2026 (after the deadline)."
    )


def test_child_not_brought_after_a_health_cancellation_charges_the_la():
    result = _attribute(
        appointments=[
            _cancelled(EARLIER_IN_TIME, CancelledBy.HEALTH),
            _not_brought(BEFORE_DUE),
        ]
    )
    assert (result.party, result.reason) == (Party.LA, BreachReason.WAS_NOT_BROUGHT)
    assert result.rule == (
        "Request complete in time, but the child was not brought to the appointment of "
        "14 January 2026. "
        "Health cancelled the appointment of 7 January 2026 (in time); "
        "the child was not brought to the appointment of 14 January 2026 (in time)."
    )


def test_health_cancellation_after_the_child_was_not_brought_charges_health():
    result = _attribute(
        appointments=[
            _not_brought(EARLIER_IN_TIME),
            _cancelled(BEFORE_DUE, CancelledBy.HEALTH),
        ]
    )
    assert (result.party, result.reason) == (Party.HEALTH, BreachReason.HEALTH_CANCELLED)
    assert result.rule == (
        "Request complete in time; health cancelled the appointment of 14 January 2026. "
        "The child was not brought to the appointment of 7 January 2026 (in time); "
        "health cancelled the appointment of 14 January 2026 (in time)."
    )


def test_health_reason_applies_when_health_lost_the_last_appointment_and_is_listed_with_it():
    result = _attribute(
        appointments=[
            _cancelled(EARLIER_IN_TIME, CancelledBy.CARER),
            _cancelled(BEFORE_DUE, CancelledBy.HEALTH),
        ],
        health_reason=BreachReason.CLINICAL_CAPACITY,
    )
    assert (result.party, result.reason) == (Party.HEALTH, BreachReason.CLINICAL_CAPACITY)
    assert result.rule == (
        "Request complete in time; health recorded the reason. "
        "The carer cancelled the appointment of 7 January 2026 (in time); "
        "health cancelled the appointment of 14 January 2026 (in time)."
    )


def test_placement_move_is_named_in_the_list_of_cancellations():
    result = _attribute(
        appointments=[
            _cancelled(EARLIER_IN_TIME, CancelledBy.HEALTH, placement_move=True),
            _cancelled(BEFORE_DUE, CancelledBy.HEALTH),
        ]
    )
    assert (result.party, result.reason) == (Party.HEALTH, BreachReason.HEALTH_CANCELLED)
    assert (
        "Health cancelled the appointment of 7 January 2026 because of a placement move "
        "(in time); health cancelled the appointment of 14 January 2026 (in time)."
    ) in result.rule


def test_attended_and_booked_appointments_are_not_listed_as_cancellations():
    result = _attribute(
        appointments=[
            AppointmentEvent(on=EARLIER_IN_TIME, outcome=AppointmentOutcome.BOOKED),
            _cancelled(BEFORE_DUE, CancelledBy.CARER),
            AppointmentEvent(on=date(2026, 1, 28), outcome=AppointmentOutcome.ATTENDED),
        ]
    )
    assert result.rule == (
        "Request complete in time, but the carer cancelled the appointment of 14 January 2026."
    )


def test_a_lone_cancellation_after_the_deadline_is_listed():
    result = _attribute(appointments=[_cancelled(AFTER_DUE, CancelledBy.CARER)])
    assert (result.party, result.reason) == (Party.HEALTH, "")
    assert result.rule == (
        "Request complete in time, so the breach is health's; no reason given yet. "
        "The carer cancelled the appointment of 22 January 2026 (after the deadline)."
    )


@pytest.mark.parametrize(
    ("event", "party", "reason", "rule"),
    [
        (
            _cancelled(BEFORE_DUE, CancelledBy.CARER),
            Party.LA,
            BreachReason.CARER_OR_YP_CANCELLED,
            "Request complete in time, but the carer cancelled the appointment of 14 January 2026.",
        ),
        (
            _cancelled(BEFORE_DUE, CancelledBy.YOUNG_PERSON),
            Party.LA,
            BreachReason.CARER_OR_YP_CANCELLED,
            "Request complete in time, but the young person cancelled the appointment of "
            "14 January 2026.",
        ),
        (
            _not_brought(BEFORE_DUE),
            Party.LA,
            BreachReason.WAS_NOT_BROUGHT,
            "Request complete in time, but the child was not brought to the appointment of "
            "14 January 2026.",
        ),
        (
            _cancelled(BEFORE_DUE, CancelledBy.HEALTH, placement_move=True),
            Party.LA,
            BreachReason.PLACEMENT_MOVE,
            "Request complete in time, but a placement move forced re-booking of the "
            "appointment of 14 January 2026.",
        ),
        (
            _cancelled(BEFORE_DUE, CancelledBy.HEALTH),
            Party.HEALTH,
            BreachReason.HEALTH_CANCELLED,
            "Request complete in time; health cancelled the appointment of 14 January 2026.",
        ),
    ],
    ids=["carer", "young-person", "not-brought", "placement-move", "health"],
)
def test_a_single_cancellation_in_time_keeps_its_party_reason_and_rule(event, party, reason, rule):
    result = _attribute(appointments=[event])
    assert (result.party, result.reason, result.rule) == (party, reason, rule)


def test_many_cancellations_still_fit_the_stored_rule_and_keep_the_deciding_one():
    # Ten cancellations alternate health / carer on consecutive working days up to the due
    # date; the last in time (Wed 21 Jan, the carer) decides.
    days = [date(2026, 1, d) for d in (8, 9, 12, 13, 14, 15, 16, 19, 20, 21)]
    events = [
        _cancelled(day, CancelledBy.HEALTH if i % 2 == 0 else CancelledBy.CARER)
        for i, day in enumerate(days)
    ]
    result = _attribute(appointments=events)
    assert (result.party, result.reason) == (Party.LA, BreachReason.CARER_OR_YP_CANCELLED)
    assert len(result.rule) <= RULE_MAX_LENGTH
    assert result.rule.endswith("the carer cancelled the appointment of 21 January 2026 (in time).")
    assert "earlier cancelled or missed appointments" in result.rule
