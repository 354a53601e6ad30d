"""bench_clocks (issue 18): on a small synthetic population it prints the per-event
recompute's median and p95 with its statement count, and the sweep beside its floor (the
same rows, by id) for the next day and a month on, with the ratio."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from apps.devtools.management.commands.bench_clocks import _p95

pytestmark = pytest.mark.django_db


def test_p95_is_the_nearest_rank_value():
    assert _p95([5.0]) == 5.0
    assert _p95([float(n) for n in range(1, 21)]) == 19.0


def test_the_benchmark_prints_the_recompute_and_the_sweep_beside_its_floor():
    out = StringIO()
    call_command("bench_clocks", inner=True, children=40, events=10, repeat=1, stdout=out)
    text = out.getvalue()
    per_event = re.search(
        r"per-event recompute: median [\d.]+ ms, p95 [\d.]+ ms, .*statements (\d+)-(\d+)", text
    )
    assert per_event, text
    # A constant, small number of statements whatever the child's history.
    assert per_event.group(1) == per_event.group(2)
    assert int(per_event.group(2)) <= 6
    for label in ("next day", "a month on"):
        assert re.search(rf"nightly sweep \({label}\): [\d.]+ s", text), text
        floor = re.search(rf"floor \({label}: the same (\d+) rows, same values, by id\)", text)
        assert floor, text
    assert re.search(r"ratio sweep/floor: next day (nan|[\d.]+), a month on (nan|[\d.]+)", text)
    assert "same sweep again (idempotent)" in text
    assert "transitions: 0" in text
