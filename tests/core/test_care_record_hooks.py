"""The care record tells the apps above it of changes through explicit hooks (issue 12),
not through imports of those apps hidden in its functions."""

import inspect

from apps.assessments import care_hooks
from apps.children import services as children_services
from apps.core.hooks import CareRecordChange, care_record_changed, register, registered
from apps.placements import services as placement_services


def test_the_care_record_services_import_no_app_above_them():
    for module in (children_services, placement_services):
        assert "apps.assessments" not in inspect.getsource(module), module.__name__


def test_the_lower_apps_services_do_not_import_the_data_quality_app():
    # Its checks read every app's dates (issue 13): the record-level ones are in core, the
    # whole-record one behind the hook (issue 12).
    from apps.assessments import corrections as assessment_corrections
    from apps.assessments import services as assessment_services

    modules = [children_services, placement_services, assessment_corrections]
    modules += [
        module
        for name, module in inspect.getmembers(assessment_services, inspect.ismodule)
        if module.__name__.startswith("apps.assessments.services.")
    ]
    assert len(modules) > 3
    for module in modules:
        assert "apps.dataquality" not in inspect.getsource(module), module.__name__


def test_the_data_quality_app_checks_the_whole_record_before_reference_dates_move():
    from apps.dataquality.checks import refuse_new_breaches

    assert registered(CareRecordChange.REFERENCE_DATES) == [refuse_new_breaches]


def test_the_assessments_app_registers_its_hook_for_each_change_once():
    care_hooks.register_all()  # registering again adds nothing
    assert registered(CareRecordChange.CLOCK_INPUTS) == [care_hooks._clock_inputs]
    assert registered(CareRecordChange.ENTERED_CARE) == [care_hooks._entered_care]
    assert registered(CareRecordChange.PLACEMENT_STARTED) == [care_hooks._placement_started]
    assert registered(CareRecordChange.CORRECTED) == [care_hooks._corrected]


def test_a_change_calls_each_hook_with_its_payload(monkeypatch):
    from apps.core import hooks

    monkeypatch.setattr(hooks, "_HOOKS", type(hooks._HOOKS)(list))
    seen = []
    register(CareRecordChange.CLOCK_INPUTS, lambda **payload: seen.append(("a", payload)))
    register(CareRecordChange.CLOCK_INPUTS, lambda **payload: seen.append(("b", payload)))
    care_record_changed(CareRecordChange.CLOCK_INPUTS, child="x")
    assert seen == [("a", {"child": "x"}), ("b", {"child": "x"})]
