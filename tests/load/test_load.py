"""The bounded load test (scripts/loadtest.py): 20 seconds of load (LOADTEST_DURATION),
with its figures in the test output (run with -s): requests per second, p50/p95 latency,
errors, and acknowledged writes checked against the database. The load phase ends within
its duration plus the script's request timeout (10 s), or the run fails; the whole test is
bounded too: seconds of setup from the seeded template, minutes when the template must be
seeded again (after a change to the migrations or the demo data); the script logs each
phase's time.

It needs the PostgreSQL server the test database lives on (loopback), where it creates its
own scratch database, named after the test database (test_lac_health_load_sec, and a seeded
template, test_lac_health_load_tpl_sec, reused while the migrations and demo data are
unchanged): checkouts with their own test database keep their own template, rather than
re-seeding one shared template in turn. Outside CI it skips on SQLite."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings

IN_CI = os.environ.get("CI", "").lower() == "true"
DATABASE = settings.DATABASES["default"]
ON_POSTGRES = "postgresql" in DATABASE["ENGINE"]
# The test database's name with a suffix (its "test_" prefix keeps it apart from the app's).
SCRATCH_DATABASE = f"{DATABASE.get('TEST', {}).get('NAME') or 'test_' + DATABASE['NAME']}_load_sec"
DURATION = float(os.environ.get("LOADTEST_DURATION", "20"))
REQUEST_TIMEOUT = 10  # scripts/loadtest.py REQUEST_TIMEOUT
# Seeding the template (migrate, seed_demo with 200 children) is the slow part of a setup:
# over nine minutes on this 2-core machine under load from other test runs.
SETUP_BUDGET = 900

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not ON_POSTGRES and not IN_CI, reason="needs PostgreSQL"),
]


def _server_url() -> str:
    auth = DATABASE["USER"] or "postgres"
    if DATABASE.get("PASSWORD"):
        auth += f":{DATABASE['PASSWORD']}"
    return f"postgres://{auth}@{DATABASE['HOST'] or '127.0.0.1'}:{DATABASE['PORT'] or 5432}"


def test_mixed_load_has_no_server_errors_and_loses_no_writes():
    result = subprocess.run(
        [
            sys.executable,
            "scripts/loadtest.py",
            "--duration",
            str(DURATION),
            "--clients",
            "8",
            "--workers",
            "2",
            "--server",
            _server_url(),
            "--database",
            SCRATCH_DATABASE,
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=DURATION + REQUEST_TIMEOUT + SETUP_BUDGET,
    )
    print(result.stdout)
    if result.stderr.strip():
        print(result.stderr[-3000:])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "PASS: no 5xx" in result.stdout
    load = re.search(r"requests in ([0-9.]+) s", result.stdout)
    assert load is not None, result.stdout[-3000:]
    assert DURATION - 0.5 <= float(load.group(1)) <= DURATION + REQUEST_TIMEOUT
