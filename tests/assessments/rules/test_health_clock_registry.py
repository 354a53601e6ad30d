"""The clock registry (issue 12): every per-child clock kind declared once, and the model's
choices, the recompute's loader, the engine and the sweep all read it."""

from dataclasses import fields

from django.apps import apps

from apps.assessments import sweep
from apps.assessments.models import HealthClockKind
from apps.assessments.rules import engine
from apps.assessments.rules.health_clocks import CLOCK_KINDS, RECURRING_KINDS, ClockKind
from apps.assessments.rules.policy import Policy


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
        assert spec.facts_field in facts_fields
        assert set(spec.policy_fields) <= policy_fields
        assert spec.label and spec.day_zero


def test_the_sweep_moves_on_the_recurring_kinds_the_registry_names():
    assert RECURRING_KINDS == [ClockKind.DENTAL, ClockKind.SDQ]
    assert sweep.RECURRING_KINDS is RECURRING_KINDS
    assert not CLOCK_KINDS[ClockKind.HEALTH_HISTORY].recurring
