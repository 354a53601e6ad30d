#!/usr/bin/env bash
# Bounded load test on loopback: gunicorn (2 workers) on 127.0.0.1 against a scratch
# PostgreSQL database (lac_health_load_sec, seeded with seed_demo --children 200), a mixed
# read/write API workload for a fixed duration, then every acknowledged write checked
# against the database. Exits non-zero on any 5xx or lost write.
#
#   scripts/loadtest.sh                      # 30 s, 8 clients
#   scripts/loadtest.sh --duration 60 --clients 16
#   LOADTEST_PG=postgres://postgres@127.0.0.1:5432 scripts/loadtest.sh --fresh
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python scripts/loadtest.py "$@"
