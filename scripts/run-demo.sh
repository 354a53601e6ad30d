#!/usr/bin/env bash
# One command from a fresh clone: install, create the database, load demo data, serve.
# Embedded by default (SQLite, in-process tasks); set DATABASE_URL / CELERY_BROKER_URL to use
# PostgreSQL and Redis instead. PORT (default 8000) and HOST (default 127.0.0.1) choose where.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export DJANGO_SETTINGS_MODULE=config.settings.local
# The demo looks like production (issue 16): DEBUG off, so a missing page is the service's
# 404 page, not Django's list of URLs; WhiteNoise serves the static files (local settings).
export DEBUG="${DEBUG:-false}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-localhost,127.0.0.1,[::1],${HOST:-127.0.0.1}}"
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py seed_demo
echo
echo "Demo ready: http://${HOST:-127.0.0.1}:${PORT:-8000}/  (users in README.md, password: ${DEMO_PASSWORD:-demo})"
exec .venv/bin/python manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}"
