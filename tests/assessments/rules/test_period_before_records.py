"""A period of care whose record begins part-way through (an SSDA903 import whose first
episode is not RNE S): its entry to care, and so its IHA clock, are not known here. The
IHA is "not required" (BEFORE_RECORDS) instead of a false breach; a held assessment still
counts and starts the review clock as usual."""

from datetime import date

from apps.assessments.rules.clocks import NotRequiredReason
from apps.assessments.rules.engine import AssessmentFacts, ChildFacts, PeriodFacts, plan_child
from apps.core.working_days import calendar_for
from apps.policy.rules import DEFAULT_POLICY

CALENDAR = calendar_for()
TODAY = date(2026, 11, 25)


def _plan(period: PeriodFacts, assessments=()):
    facts = ChildFacts(
        date_of_birth=date(2015, 3, 3),
        periods=[period],
        assessments=list(assessments),
        dental_checks=[],
        sdq_completed=[],
        placement_starts=[period.start],
        health_history_provided=[],
    )
    return plan_child(facts, today=TODAY, calendar=CALENDAR, policy_on=lambda _day: DEFAULT_POLICY)


def _iha(plan):
    return next(a for a in plan.assessments if a.kind == "IHA")


def test_a_period_recorded_from_entry_has_an_iha_clock():
    iha = _iha(_plan(PeriodFacts(1, date(2025, 11, 3), None)))
    assert iha.not_required_reason == ""
    assert iha.due_date == date(2025, 12, 1)  # 20 working days


def test_a_period_recorded_part_way_has_no_iha_clock_to_breach():
    iha = _iha(_plan(PeriodFacts(1, date(2025, 11, 3), None, from_entry=False)))
    assert iha.not_required_reason == NotRequiredReason.BEFORE_RECORDS


def test_a_held_iha_still_counts_and_a_review_follows_it():
    held = AssessmentFacts(id=7, kind="IHA", period_id=1, held_on=date(2025, 11, 20))
    plan = _plan(PeriodFacts(1, date(2025, 11, 3), None, from_entry=False), [held])
    iha = _iha(plan)
    assert iha.not_required_reason == "" and iha.held_on == date(2025, 11, 20)
    review = next(a for a in plan.assessments if a.kind == "RHA")
    assert review.due_date == date(2026, 11, 20)  # 12 months: the child is over 5


def _before_records(kind: str, held_on: date) -> AssessmentFacts:
    """As the service records it: held, in no period, not required."""
    return AssessmentFacts(
        id=9,
        kind=kind,
        period_id=None,
        clock_start=held_on,
        request_due=held_on,
        due_date=held_on,
        held_on=held_on,
        not_required_reason=NotRequiredReason.BEFORE_RECORDS,
    )


def test_the_last_assessment_before_our_records_starts_a_12_month_review_from_age_5():
    held = _before_records("RHA", date(2025, 9, 10))
    plan = _plan(PeriodFacts(1, date(2025, 11, 3), None, from_entry=False), [held])
    review = next(a for a in plan.assessments if a.kind == "RHA" and a.id is None)
    assert review.previous_id == 9 and review.period_id == 1
    assert review.clock_start == date(2025, 9, 10)
    assert review.due_date == date(2026, 9, 10)
    # The period's own IHA stays "not required": the assessment before our records is not
    # a late IHA of this period.
    assert _iha(plan).not_required_reason == NotRequiredReason.BEFORE_RECORDS


def test_the_last_assessment_before_our_records_under_5_starts_a_6_month_review():
    facts = ChildFacts(
        date_of_birth=date(2022, 1, 31),
        periods=[PeriodFacts(1, date(2025, 11, 3), None, from_entry=False)],
        assessments=[_before_records("IHA", date(2025, 8, 31))],
        dental_checks=[],
        sdq_completed=[],
        placement_starts=[date(2025, 11, 3)],
        health_history_provided=[],
    )
    plan = plan_child(facts, today=TODAY, calendar=CALENDAR, policy_on=lambda _day: DEFAULT_POLICY)
    review = next(a for a in plan.assessments if a.kind == "RHA")
    assert review.due_date == date(2026, 2, 28)  # + 6 months, last day of February
    before = next(a for a in plan.assessments if a.id == 9)
    assert before.not_required_reason == NotRequiredReason.BEFORE_RECORDS
    assert not before.breach_party


def test_with_nothing_on_record_no_review_is_planned():
    plan = _plan(PeriodFacts(1, date(2025, 11, 3), None, from_entry=False))
    assert [a.kind for a in plan.assessments] == ["IHA"]
