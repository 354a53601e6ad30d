"""The clock registry (issue 12): every per-child clock kind declared once, and the model's
choices, the recompute's loader, the engine and the sweep all read it."""

from dataclasses import fields

from django.apps import apps

from apps.assessments import sweep
from apps.assessments.models import HealthClockKind
from apps.assessments.rules import engine
from apps.assessments.rules.health_clocks import CLOCK_KINDS, RECURRING_KINDS, ClockKind
from apps.policy.rules import Policy


def test_the_model_choices_are_the_registry():
    assert HealthClockKind.choices == [(k.value, s.label) for k, s in CLOCK_KINDS.items()]
    assert set(CLOCK_KINDS) == set(ClockKind)


def test_each_kind_declares_real_facts_and_policy_fields():
    policy_fields = {f.name for f in fields(Policy)}
    facts_fields = {f.name for f in fields(engine.ChildFacts)}
    for spec in CLOCK_KINDS.values():
        model = apps.get_model(spec.record[0])
        model._meta.get_field(spec.record[1])  # raises if the date field is not there
        model._meta.get_field("child")
        # The three first kinds have named facts; a new kind's go in other_completions.
        assert spec.facts_field in facts_fields
        assert set(spec.policy_fields) <= policy_fields
        assert spec.label and spec.day_zero


def test_the_sweep_moves_on_the_recurring_kinds_the_registry_names():
    assert RECURRING_KINDS == [ClockKind.DENTAL, ClockKind.SDQ]
    assert sweep.RECURRING_KINDS is RECURRING_KINDS
    assert not CLOCK_KINDS[ClockKind.HEALTH_HISTORY].recurring


def test_a_new_clock_kind_is_one_registry_entry(monkeypatch):
    """The vision-check example: a registry entry with its planner is all the engine needs
    (its completions arrive in ChildFacts.other_completions from the recompute's loader)."""
    from datetime import date

    from apps.assessments.rules import health_clocks
    from apps.assessments.rules.engine import ChildFacts, PeriodFacts, plan_child
    from apps.core.working_days import add_months, calendar_for
    from apps.policy.rules import DEFAULT_POLICY

    def vision(ctx):
        period = ctx.open_period
        last = max(ctx.completions("VISION"), default=None)
        due = add_months(last or period.start, 12)
        return health_clocks.Planned(due, last, None, ctx.policy_on(period.start))

    spec = health_clocks.ClockKindSpec(
        kind="VISION",
        label="Vision check",
        record=("assessments.DentalCheck", "checked_on"),  # stands in for a VisionCheck
        facts_field="vision_checks",
        day_zero="the start of the open period of care",
        policy_fields=(),
        recurring=True,
        plan=vision,
    )
    monkeypatch.setitem(health_clocks.CLOCK_KINDS, "VISION", spec)
    period = PeriodFacts(1, date(2025, 11, 3), None)
    facts = ChildFacts(
        date_of_birth=date(2015, 3, 3),
        periods=[period],
        assessments=[],
        dental_checks=[],
        sdq_completed=[],
        placement_starts=[period.start],
        health_history_provided=[],
        other_completions={"vision_checks": [date(2026, 1, 10)]},
    )
    plan = plan_child(
        facts, today=date(2026, 2, 2), calendar=calendar_for(), policy_on=lambda d: DEFAULT_POLICY
    )
    assert plan.health_clocks["VISION"].due_date == date(2027, 1, 10)
    assert plan.health_clocks["VISION"].last_completed_on == date(2026, 1, 10)
    assert plan.health_clocks["VISION"].status == "PENDING"
    assert {"DENTAL", "SDQ", "VISION"} <= set(plan.health_clocks)
