"""The temporal rules (issue 13): every edge of every rule, without the database."""

from datetime import date

import pytest

from apps.core.rules.temporal import (
    AppointmentFacts,
    AssessmentFacts,
    Breach,
    ChildFacts,
    DatedRecord,
    Period,
    PlacementFacts,
    Rule,
    assessment_breaches,
    child_breaches,
    counts_by_rule,
    errors_by_field,
    long_date,
    new_breaches,
    placement_breaches,
    record_breaches,
)

DOB = date(2015, 6, 10)
ENTRY = date(2026, 11, 30)
PERIOD = Period(id=1, start=ENTRY)


def iha(**events) -> AssessmentFacts:
    return AssessmentFacts(id=7, kind="IHA", period_id=1, **events)


def rules_of(breaches: list[Breach]) -> list[tuple[Rule, str]]:
    return [(b.rule, b.field) for b in breaches]


def test_long_date_has_no_leading_zero_and_the_month_in_full():
    assert long_date(date(2026, 11, 30)) == "30 November 2026"
    assert long_date(date(2027, 3, 1)) == "1 March 2027"


def test_the_issue_example_a_request_dated_1_november_for_entry_on_30_november():
    breaches = assessment_breaches(
        iha(request_sent_on=date(2026, 11, 1)), date_of_birth=DOB, period=PERIOD
    )
    assert rules_of(breaches) == [(Rule.BEFORE_ENTRY, "request_sent_on")]
    assert breaches[0].message == (
        "The date the request was sent must be on or after the date the child entered care, "
        "30 November 2026."
    )


@pytest.mark.parametrize(
    "field", ["request_sent_on", "request_complete_on", "held_on", "report_returned_on"]
)
@pytest.mark.parametrize(
    ("day", "refused"),
    [(date(2026, 11, 29), True), (ENTRY, False), (date(2026, 12, 1), False)],
    ids=["one-day-before", "same-day", "one-day-after"],
)
def test_each_assessment_event_is_on_or_after_entry(field, day, refused):
    # Fill the other events so the ordering rules hold and only the entry rule can fire.
    events = {name: day for name in ("request_sent_on",) if name != field}
    events[field] = day
    if field == "report_returned_on":
        events["held_on"] = day
    if field == "request_complete_on":
        events["request_sent_on"] = day
    breaches = assessment_breaches(iha(**events), date_of_birth=DOB, period=PERIOD)
    entry_breaches = [b for b in breaches if b.field == field]
    if refused:
        assert rules_of(entry_breaches) == [(Rule.BEFORE_ENTRY, field)]
        assert "30 November 2026" in entry_breaches[0].message
    else:
        assert entry_breaches == []


@pytest.mark.parametrize(
    ("booked_on", "appointment_date", "expected"),
    [
        (date(2026, 11, 29), ENTRY, [(Rule.BEFORE_ENTRY, "booked_on")]),
        (ENTRY, ENTRY, []),
        (ENTRY, date(2026, 11, 29), [(Rule.BEFORE_ENTRY, "appointment_date")]),
    ],
    ids=["booked-one-day-before-entry", "same-day", "appointment-one-day-before-entry"],
)
def test_appointments_are_within_the_period_of_care(booked_on, appointment_date, expected):
    assessment = iha(
        request_sent_on=ENTRY if booked_on >= ENTRY else None,
        appointments=(AppointmentFacts(3, booked_on, appointment_date),),
    )
    breaches = assessment_breaches(assessment, date_of_birth=DOB, period=PERIOD)
    assert rules_of(breaches) == expected
    assert all(b.record == "appointment" and b.record_id == 3 for b in breaches)


@pytest.mark.parametrize(
    ("sent", "complete", "refused"),
    [
        (date(2026, 12, 3), date(2026, 12, 2), True),
        (date(2026, 12, 3), date(2026, 12, 3), False),
        (date(2026, 12, 3), date(2026, 12, 4), False),
    ],
    ids=["one-day-before", "same-day", "after"],
)
def test_request_complete_is_on_or_after_request_sent(sent, complete, refused):
    breaches = assessment_breaches(
        iha(request_sent_on=sent, request_complete_on=complete), date_of_birth=DOB, period=PERIOD
    )
    expected = [(Rule.COMPLETE_BEFORE_SENT, "request_complete_on")] if refused else []
    assert rules_of(breaches) == expected
    if refused:
        assert breaches[0].message.endswith("the date it was sent, 3 December 2026.")


@pytest.mark.parametrize(
    ("booked", "refused"),
    [(date(2026, 12, 2), True), (date(2026, 12, 3), False), (date(2026, 12, 4), False)],
    ids=["one-day-before", "same-day", "after"],
)
def test_booking_is_on_or_after_request_sent(booked, refused):
    assessment = iha(
        request_sent_on=date(2026, 12, 3),
        appointments=(AppointmentFacts(1, booked, date(2026, 12, 10)),),
    )
    breaches = assessment_breaches(assessment, date_of_birth=DOB, period=PERIOD)
    assert rules_of(breaches) == ([(Rule.BOOKED_BEFORE_SENT, "booked_on")] if refused else [])
    if refused:
        assert "the date the request was sent, 3 December 2026" in breaches[0].message


def test_held_before_the_request_is_complete_is_not_a_breach():
    # Health may hold the assessment before the consent paperwork arrives.
    assessment = iha(
        request_sent_on=date(2026, 12, 1),
        request_complete_on=date(2026, 12, 20),
        held_on=date(2026, 12, 10),
    )
    assert assessment_breaches(assessment, date_of_birth=DOB, period=PERIOD) == []


@pytest.mark.parametrize(
    ("returned", "refused"),
    [(date(2026, 12, 9), True), (date(2026, 12, 10), False), (date(2026, 12, 11), False)],
    ids=["one-day-before", "same-day", "after"],
)
def test_report_returned_is_on_or_after_held(returned, refused):
    assessment = iha(request_sent_on=ENTRY, held_on=date(2026, 12, 10), report_returned_on=returned)
    breaches = assessment_breaches(assessment, date_of_birth=DOB, period=PERIOD)
    assert rules_of(breaches) == (
        [(Rule.REPORT_BEFORE_HELD, "report_returned_on")] if refused else []
    )
    if refused:
        assert "the assessment was held, 10 December 2026" in breaches[0].message


def test_across_a_re_entry_each_period_is_its_own_start():
    # First period 2025-01-10 to 2025-06-30, second from 2026-11-30. An RHA of the second
    # period with a request dated in the first period is refused against the second entry;
    # the first period's IHA, dated in the first period, is fine.
    first = Period(id=1, start=date(2025, 1, 10), end=date(2025, 6, 30))
    second = Period(id=2, start=ENTRY)
    child = ChildFacts(
        id=1,
        date_of_birth=DOB,
        periods=(first, second),
        assessments=(
            AssessmentFacts(1, "IHA", 1, request_sent_on=date(2025, 1, 14)),
            AssessmentFacts(2, "IHA", 2, request_sent_on=date(2025, 3, 1)),
        ),
    )
    breaches = child_breaches(child, today=date(2026, 12, 1))
    assert [(b.record_id, b.rule) for b in breaches] == [(2, Rule.BEFORE_ENTRY)]
    assert "30 November 2026" in breaches[0].message


def test_a_period_imported_part_way_is_named_as_the_start_on_record():
    period = Period(id=1, start=ENTRY, from_entry=False)
    breaches = assessment_breaches(
        iha(request_sent_on=date(2026, 11, 1)), date_of_birth=DOB, period=period
    )
    assert breaches[0].message.endswith(
        "the start of the period of care on record, 30 November 2026."
    )


@pytest.mark.parametrize(
    ("held", "refused"),
    [(date(2033, 6, 9), False), (date(2033, 6, 10), False), (date(2033, 6, 11), True)],
    ids=["day-before-18th", "18th-birthday", "day-after-18th"],
)
def test_nothing_after_the_18th_birthday(held, refused):
    period = Period(id=1, start=date(2033, 1, 5))
    assessment = AssessmentFacts(1, "RHA", 1, request_sent_on=date(2033, 1, 6), held_on=held)
    breaches = assessment_breaches(assessment, date_of_birth=DOB, period=period)
    assert rules_of(breaches) == ([(Rule.AFTER_EIGHTEENTH_BIRTHDAY, "held_on")] if refused else [])
    if refused:
        assert breaches[0].message == (
            "The date the assessment was held must be on or before the child's 18th "
            "birthday, 10 June 2033."
        )


def test_policy_may_allow_events_after_the_18th_birthday():
    period = Period(id=1, start=date(2033, 1, 5))
    assessment = AssessmentFacts(1, "RHA", 1, request_sent_on=date(2033, 7, 1))
    assert assessment_breaches(assessment, date_of_birth=DOB, period=period)
    assert (
        assessment_breaches(
            assessment, date_of_birth=DOB, period=period, events_after_18_allowed=True
        )
        == []
    )


@pytest.mark.parametrize(
    ("day", "refused"),
    [(date(2026, 2, 28), False), (date(2026, 3, 1), False), (date(2026, 3, 2), True)],
    ids=["28-feb", "1-march-the-birthday", "2-march"],
)
def test_a_child_born_on_29_february_turns_18_on_1_march_in_a_common_year(day, refused):
    dob = date(2008, 2, 29)
    period = Period(id=1, start=date(2025, 12, 1))
    assessment = AssessmentFacts(1, "RHA", 1, request_sent_on=day)
    breaches = assessment_breaches(assessment, date_of_birth=dob, period=period)
    assert bool(breaches) is refused
    if refused:
        assert "18th birthday, 1 March 2026" in breaches[0].message


def test_an_entry_on_29_february_counts_29_february_itself():
    period = Period(id=1, start=date(2028, 2, 29))
    ok = assessment_breaches(
        iha(request_sent_on=date(2028, 2, 29)), date_of_birth=DOB, period=period
    )
    late = assessment_breaches(
        iha(request_sent_on=date(2028, 2, 28)), date_of_birth=DOB, period=period
    )
    assert ok == []
    assert "29 February 2028" in late[0].message


@pytest.mark.parametrize(
    ("entry", "sent", "refused"),
    [
        (date(2026, 1, 31), date(2026, 1, 30), True),
        (date(2026, 1, 31), date(2026, 2, 1), False),
        (date(2026, 12, 31), date(2027, 1, 1), False),
        (date(2027, 1, 1), date(2026, 12, 31), True),
        (date(2026, 4, 30), date(2026, 4, 30), False),
    ],
    ids=["31-jan-day-before", "31-jan-next-month", "new-year-after", "new-year-before", "30-apr"],
)
def test_month_and_year_ends(entry, sent, refused):
    breaches = assessment_breaches(
        iha(request_sent_on=sent), date_of_birth=DOB, period=Period(id=1, start=entry)
    )
    assert bool(breaches) is refused


def test_an_assessment_before_our_records_has_no_period_to_lie_within():
    assessment = AssessmentFacts(1, "RHA", None, held_on=date(2020, 1, 1), before_records=True)
    assert assessment_breaches(assessment, date_of_birth=DOB, period=None) == []


@pytest.mark.parametrize(
    ("start", "end", "period_end", "expected"),
    [
        (date(2026, 11, 29), None, None, [(Rule.PLACEMENT_BEFORE_PERIOD, "start_date")]),
        (ENTRY, None, None, []),
        (ENTRY, date(2026, 12, 31), date(2026, 12, 31), []),
        (ENTRY, date(2027, 1, 1), date(2026, 12, 31), [(Rule.PLACEMENT_AFTER_PERIOD, "end_date")]),
        (ENTRY, None, date(2026, 12, 31), [(Rule.PLACEMENT_AFTER_PERIOD, "end_date")]),
        (
            date(2027, 1, 1),
            date(2027, 1, 5),
            date(2026, 12, 31),
            [(Rule.PLACEMENT_AFTER_PERIOD, "start_date")],
        ),
    ],
    ids=[
        "starts-day-before-entry",
        "starts-on-entry",
        "ends-when-period-ends",
        "ends-day-after-period",
        "open-after-period-ended",
        "starts-after-period-ended",
    ],
)
def test_a_placement_lies_within_its_period_of_care(start, end, period_end, expected):
    period = Period(id=1, start=ENTRY, end=period_end)
    breaches = placement_breaches(PlacementFacts(5, 1, start, end), period=period)
    assert rules_of(breaches) == expected
    if expected and expected[0][0] == Rule.PLACEMENT_BEFORE_PERIOD:
        assert breaches[0].message == (
            "The placement start date must be on or after the date the child entered care, "
            "30 November 2026."
        )


@pytest.mark.parametrize("kind", ["DENTAL", "SDQ", "IMMUNISATION"])
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2015, 6, 9), Rule.BEFORE_BIRTH),
        (DOB, None),
        (date(2026, 12, 1), None),
        (date(2026, 12, 2), Rule.IN_FUTURE),
    ],
    ids=["day-before-birth", "birth-day", "today", "tomorrow"],
)
def test_health_records_are_after_birth_and_not_in_the_future(kind, day, expected):
    breaches = record_breaches(
        DatedRecord(kind, 9, day), date_of_birth=DOB, today=date(2026, 12, 1)
    )
    assert [b.rule for b in breaches] == ([expected] if expected else [])
    if expected == Rule.BEFORE_BIRTH:
        assert "the child's date of birth, 10 June 2015" in breaches[0].message
    if expected == Rule.IN_FUTURE:
        assert "1 December 2026" in breaches[0].message


def test_child_breaches_lists_every_kind_of_record_and_counts_them_per_rule():
    child = ChildFacts(
        id=1,
        date_of_birth=DOB,
        periods=(PERIOD,),
        assessments=(iha(request_sent_on=date(2026, 11, 1)),),
        placements=(PlacementFacts(5, 1, date(2026, 11, 2)),),
        records=(DatedRecord("SDQ", 4, date(2015, 1, 1)),),
    )
    breaches = child_breaches(child, today=date(2026, 12, 1))
    assert [b.record for b in breaches] == ["assessment", "placement", "sdq"]
    counts = counts_by_rule(breaches)
    assert counts[Rule.BEFORE_ENTRY] == 1
    assert counts[Rule.PLACEMENT_BEFORE_PERIOD] == 1
    assert counts[Rule.BEFORE_BIRTH] == 1
    assert sum(counts.values()) == 3


def test_new_breaches_ignores_those_already_there():
    old = Breach(Rule.BEFORE_ENTRY, "assessment", 1, "held_on", "old")
    added = Breach(Rule.REPORT_BEFORE_HELD, "assessment", 1, "report_returned_on", "new")
    assert new_breaches([old], [old, added]) == [added]
    assert new_breaches([old, added], [old]) == []


def test_errors_by_field_renames_for_the_caller():
    breach = Breach(Rule.BEFORE_ENTRY, "assessment", 1, "request_sent_on", "The message.")
    assert errors_by_field([breach], {"request_sent_on": "sent_on"}) == {
        "sent_on": ["The message."]
    }
