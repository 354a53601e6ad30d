"""Running the DfE's validator (scripts/validate_903.sh, in its own venv) from a test. Under
CI the validator must run (the script creates its venv); elsewhere a test that needs it is
skipped when the venv has not been made yet."""

import json
import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from apps.interop.selectors import Export

BASE = Path(settings.BASE_DIR)
VENV = Path(os.environ.get("VALIDATOR_VENV", BASE / ".venv-903"))


def validate(export: Export, directory: Path, *, la: str = "E10000016") -> dict:
    """The validator's results for ``export``: total, rules (code -> count), flagged
    ([child, code] pairs), skipped and could_not_run; its summary is printed (CI shows it)."""
    if not os.environ.get("CI") and not any(VENV.glob(".installed-*")):
        pytest.skip("The DfE validator's venv is not made: run scripts/validate_903.sh once")
    export.write_directory(directory)
    results = directory / "validator.json"
    completed = subprocess.run(
        [
            "bash",
            str(BASE / "scripts" / "validate_903.sh"),
            str(directory),
            "--collection-year",
            str(export.year.ending),
            "--la",
            la,
            "--json",
            str(results),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    print(completed.stdout)
    assert results.exists(), completed.stderr[-3000:]
    return json.loads(results.read_text())
