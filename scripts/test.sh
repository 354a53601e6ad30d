#!/usr/bin/env bash
# One command from a fresh clone: install, then run the whole test suite.
# Uses the local PostgreSQL and Redis when they answer; with CI=true they are required and
# the run fails if either is unreachable. Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh || exit 1

PG_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/lac_health}
REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}

reachable() {  # host port
  .venv/bin/python - "$1" "$2" <<'PY'
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2).close()
except OSError:
    sys.exit(1)
PY
}

if [ "${CI:-}" = "true" ]; then
  reachable 127.0.0.1 5432 || { echo "CI: PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }
  reachable 127.0.0.1 6379 || { echo "CI: Redis is not reachable on 127.0.0.1:6379" >&2; exit 1; }
  export DATABASE_URL=${DATABASE_URL:-$PG_URL}
  export TEST_CELERY_BROKER_URL=${TEST_CELERY_BROKER_URL:-$REDIS_URL}
else
  if [ -z "${DATABASE_URL:-}" ] && reachable 127.0.0.1 5432; then export DATABASE_URL=$PG_URL; fi
  if [ -z "${TEST_CELERY_BROKER_URL:-}" ] && reachable 127.0.0.1 6379; then
    export TEST_CELERY_BROKER_URL=$REDIS_URL
  fi
fi
echo "Tests use database: ${DATABASE_URL:-SQLite (embedded)}; broker for integration tests: ${TEST_CELERY_BROKER_URL:-none (those tests skip outside CI)}"

# In CI, show what passing tests printed: the benchmarks and security tests print figures.
extra=()
# (-rfEP: the failures and errors are summarised too; -rP alone left them out.)
[ "${CI:-}" = "true" ] && extra=(-rfEP --show-capture=stdout)
fail_on_nothing() {  # pytest's status 5 is "collected no tests"
  if [ "$1" -eq 5 ]; then
    echo "pytest collected no tests: failing, since a suite that runs nothing proves nothing" >&2
    return 1
  fi
  return "$1"
}
if [ $# -gt 0 ]; then
  # A chosen selection runs as asked, in one process.
  .venv/bin/python -m pytest "${extra[@]}" "$@"
  fail_on_nothing $?
  exit $?
fi
# The whole suite: in TEST_WORKERS processes (pytest-xdist, a test database each), then the
# integration tests on their own, since they start Celery workers and Redis servers, time
# the broker's failures and load the machine (marker `integration`).
workers=${TEST_WORKERS:-2}
echo "== tests in $workers processes (all but the integration tests)"
started=$SECONDS
# worksteal: an idle process takes queued tests from the busy one, so a long browser walk
# near the end does not leave the other process idle.
.venv/bin/python -m pytest "${extra[@]}" -n "$workers" --dist worksteal -m "not integration"
parallel=$?
echo "== tests in $workers processes: $((SECONDS - started)) s"
echo "== integration tests, serially"
started=$SECONDS
.venv/bin/python -m pytest "${extra[@]}" -m integration
serial=$?
echo "== integration tests: $((SECONDS - started)) s"
fail_on_nothing $parallel; parallel=$?
fail_on_nothing $serial; serial=$?
[ $parallel -eq 0 ] && [ $serial -eq 0 ]
