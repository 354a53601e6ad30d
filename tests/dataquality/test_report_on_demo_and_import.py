"""Done when (issue 13): the data-quality command, run over the demo data and over a fresh
SSDA903 import, prints its counts, and both are clean (0 contradictions)."""

import io
import re

import pytest
from django.core.management import call_command

from apps.children.models import Child
from tests.interop.helpers import import_samples

pytestmark = pytest.mark.django_db


def _report(*args: str) -> tuple[int, int, str]:
    out = io.StringIO()
    call_command("date_quality_report", "--counts-only", *args, stdout=out)
    text = out.getvalue()
    found = re.search(
        r"Children checked: (\d+); with contradictory dates: \d+; contradictions: (\d+)", text
    )
    assert found, text
    return int(found.group(1)), int(found.group(2)), text


def test_the_command_over_the_demo_data_counts_no_contradictions():
    call_command("seed_demo", children=40, verbosity=0)
    checked, contradictions, text = _report()
    assert checked == Child.objects.count() >= 40
    assert contradictions == 0, text
    # Every rule is listed with its count.
    assert "A request complete before it was sent" in text


def test_the_command_over_a_fresh_ssda903_import_counts_no_contradictions(cast):
    report = import_samples(cast.our_la)
    assert report.ok, report.errors
    checked, contradictions, text = _report("--la", cast.our_la.code)
    assert checked == Child.objects.filter(responsible_la=cast.our_la).count() > 0
    assert contradictions == 0, text
