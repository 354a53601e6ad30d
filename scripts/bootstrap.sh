#!/usr/bin/env bash
# Installs everything the app and its tests need into .venv and node_modules.
# Safe to run again: it only does what is missing or out of date.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
  for candidate in "${PYTHON:-}" python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  # pyenv installs that are not the global version (the shim refuses to run them).
  for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3.12; do
    [ -x "$candidate" ] && { echo "$candidate"; return 0; }
  done
  echo "Python 3.12 not found: install it or set PYTHON=/path/to/python3.12" >&2
  return 1
}

if [ ! -x .venv/bin/python ]; then
  py=$(find_python)
  echo "Creating .venv with $py"
  "$py" -m venv .venv
fi
# Exact versions, hash-checked, from the lock file (regenerate it after changing pyproject.toml:
# uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.12 -o requirements.lock).
stamp=.venv/.installed-$(cat pyproject.toml requirements.lock | sha1sum | cut -c1-12)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet --require-hashes -r requirements.lock
  .venv/bin/python -m pip install --quiet --no-deps -e .
  rm -f .venv/.installed-*; touch "$stamp"
fi

if [ ! -d node_modules/govuk-frontend ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  if ! command -v npm >/dev/null; then
    echo "npm is needed for GOV.UK Frontend and htmx (apt-get install nodejs npm)" >&2; exit 1
  fi
  npm ci --no-audit --no-fund --silent
fi

# Chromium for the browser tests, from Debian (Playwright never downloads a browser here).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Chromium for the browser tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "Could not install Chromium: browser tests will skip outside CI" >&2
fi

# Pango for WeasyPrint, which renders the assessment reports as tagged PDFs (issue 14).
if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Pango for the PDF reports"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null) \
    || echo "Could not install Pango: report PDFs cannot be made" >&2
fi
