"""bench_pages (issue 18): every role's pages answer 200 on the synthetic population, and
the table has a line for each."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from apps.devtools.management.commands.bench_pages import _p95

pytestmark = pytest.mark.django_db


def test_p95_is_the_nearest_rank_value():
    assert _p95([5.0]) == 5.0
    assert _p95([float(n) for n in range(1, 21)]) == 19.0
    assert _p95([float(n) for n in range(1, 101)]) == 95.0


def test_every_page_of_every_role_answers_200_with_its_timings():
    out = StringIO()
    call_command("bench_pages", inner=True, children=30, repeat=1, budget=1, stdout=out)
    lines = [line for line in out.getvalue().splitlines() if " queries " in line]
    roles = {line[:20].strip() for line in lines}
    assert roles == {
        "social worker",
        "team manager",
        "performance manager",
        "health admin",
        "nurse",
        "designated nurse",
        "auditor",
    }
    statuses = {re.split(r"\s{2,}", line)[2].split()[0] for line in lines}
    assert statuses == {"200"}, out.getvalue()
    assert any("worklist: awaiting action" in line for line in lines)
    assert any("scorecard by team" in line for line in lines)
    # The scorecard pages are measured on the nightly snapshot, as users see them.
    assert "scorecard snapshot (the nightly job's months) built" in out.getvalue()
    # Pages that list rows have a floor and a ratio to it.
    assert any(re.search(r"floor +\d+\.\d+ ms +\d+x", line) for line in lines)
