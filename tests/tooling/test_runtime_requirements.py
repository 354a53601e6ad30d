"""The Docker image installs the runtime part of requirements.lock (scripts/
runtime_requirements.py): every runtime dependency, with its hashes, and no dev tool."""

import importlib.util
import re
import tomllib
from importlib.metadata import PackageNotFoundError, distribution

from django.conf import settings
from packaging.markers import default_environment
from packaging.requirements import Requirement

ROOT = settings.BASE_DIR
spec = importlib.util.spec_from_file_location(
    "runtime_requirements", ROOT / "scripts" / "runtime_requirements.py"
)
runtime_requirements = importlib.util.module_from_spec(spec)
spec.loader.exec_module(runtime_requirements)


def _subset() -> list[str]:
    return runtime_requirements.runtime_subset(
        (ROOT / "requirements.lock").read_text(), (ROOT / "pyproject.toml").read_text()
    )


def _names(lines: list[str]) -> set[str]:
    return {
        runtime_requirements.canonical(re.split(r"[=<>!~;\[ ]", line, maxsplit=1)[0])
        for line in lines
        if not line.startswith(" ")
    }


def test_the_runtime_subset_has_the_app_and_none_of_the_dev_tools():
    names = _names(_subset())
    assert {"django", "celery", "gunicorn", "psycopg2-binary", "kombu", "amqp"} <= names
    assert not names & {"pytest", "ruff", "mypy", "playwright", "hypothesis", "schemathesis"}


def test_every_entry_keeps_its_hashes():
    lines = _subset()
    entries = [i for i, line in enumerate(lines) if not line.startswith(" ")]
    for start, end in zip(entries, [*entries[1:], len(lines)], strict=True):
        assert lines[start].endswith("\\"), lines[start]
        assert all(line.strip().startswith("--hash=sha256:") for line in lines[start + 1 : end])
        assert end - start >= 2, lines[start]
        assert not lines[end - 1].endswith("\\"), lines[end - 1]


def test_the_subset_is_closed_under_the_installed_packages_requirements():
    """What the installed metadata says the runtime dependencies need, transitively, is
    exactly the subset: nothing missing (pip would refuse) and nothing extra."""
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    seen: set[tuple[str, tuple[str, ...]]] = set()
    todo = [Requirement(d) for d in dependencies]
    while todo:
        requirement = todo.pop()
        key = (runtime_requirements.canonical(requirement.name), tuple(sorted(requirement.extras)))
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = distribution(requirement.name)
        except PackageNotFoundError:
            continue
        environments = [
            dict(default_environment(), extra=extra) for extra in (requirement.extras or {""})
        ]
        for text in dist.requires or []:
            needed = Requirement(text)
            if needed.marker is None or any(needed.marker.evaluate(e) for e in environments):
                todo.append(needed)
    assert {name for name, _ in seen} == _names(_subset())
