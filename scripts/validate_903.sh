#!/usr/bin/env bash
# Run the DfE's SSDA903 validation rules (the public csc-validator-be-903 package) on a
# directory of 903 CSV files (manage.py export_903 --out DIR), print the summary and exit
# non-zero when any rule flags a row.
#
#   bash scripts/validate_903.sh DIR [--collection-year 2026] [--la E10000016] [--json FILE]
#
# The package pins pandas<2 and numpy<1.25, which have no wheels for Python 3.12, so it gets
# its own virtual environment (.venv-903, created here when missing) on Python 3.11 or older.
set -euo pipefail
cd "$(dirname "$0")/.."
VALIDATOR_VERSION=0.1.17
VENV=${VALIDATOR_VENV:-.venv-903}

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 EXPORT_DIR [--collection-year YYYY] [--la GSS_CODE]" >&2; exit 2
fi
dir=$1; shift
year=""; json=""; la=E10000016  # Kent, the demo LA (DfE code 886)
while [ $# -gt 0 ]; do
  case $1 in
    --collection-year) year=$2; shift 2 ;;
    --la) la=$2; shift 2 ;;
    --json) json=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -z "$year" ]; then  # the latest collection year that has ended (year ending 31 March)
  year=$(date +%Y); [ "$(date +%m%d)" -lt 0401 ] && year=$((year - 1))
fi

find_python() {
  for candidate in "${VALIDATOR_PYTHON:-}" python3.11 python3.10 python3.9 \
      "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.11*/bin/python3.11 \
      "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10*/bin/python3.10 \
      "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.9*/bin/python3.9; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c 'import sys; assert (3, 9) <= sys.version_info[:2] <= (3, 11)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "Python 3.9-3.11 not found for the 903 validator: install one or set VALIDATOR_PYTHON" >&2
  return 1
}

stamp=$VENV/.installed-$VALIDATOR_VERSION
if [ ! -f "$stamp" ]; then
  py=$(find_python)
  echo "Creating $VENV with $py (csc-validator-be-903==$VALIDATOR_VERSION)"
  rm -rf "$VENV"
  "$py" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "csc-validator-be-903==$VALIDATOR_VERSION"
  touch "$stamp"
fi

# The package's postcode reference data is a signed pickle; its own code sets this flag too.
export QLACREF_PC_INSECURE=True
exec "$VENV/bin/python" apps/interop/dfe_validator/run.py "$dir" --collection-year "$year" --la "$la" \
  ${json:+--json "$json"}
