#!/usr/bin/env python
"""Print the part of requirements.lock the running app needs: the project's dependencies
(pyproject.toml ``[project].dependencies``, not the dev extra) and everything they pull in,
each entry with its hashes as locked.

The lock holds the dev extra too (one lock for bootstrap and CI). The Dockerfile's builder
installs this subset with ``pip install --require-hashes``, so the image gets the locked,
hash-checked versions and no test or lint tools. The closure is read from uv's ``# via``
annotations; a package missing from it makes that pip install fail (hash-checking mode
needs every dependency pinned), never pass silently.

    python scripts/runtime_requirements.py [requirements.lock] [pyproject.toml]
"""

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "lac-health"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_lock(text: str) -> dict[str, tuple[list[str], set[str]]]:
    """Each locked package: its lines (requirement and hashes, no comments) and the names
    it is needed by ("via")."""
    entries: dict[str, tuple[list[str], set[str]]] = {}
    current: str | None = None
    in_via = False
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            current = canonical(re.split(r"[=<>!~;\[ ]", line, maxsplit=1)[0])
            entries[current] = ([line], set())
            in_via = False
            continue
        if current is None:
            continue
        stripped = line.strip()
        if stripped.startswith("--hash"):
            entries[current][0].append(line)
        elif stripped.startswith("# via"):
            rest = stripped.removeprefix("# via").strip()
            in_via = not rest
            if rest:
                entries[current][1].add(rest)
        elif stripped.startswith("#") and in_via:
            entries[current][1].add(stripped.lstrip("# ").strip())
    for lines, _ in entries.values():
        # The last kept line must not end with a continuation backslash.
        lines[-1] = lines[-1].rstrip(" \\")
    return entries


def runtime_subset(lock_text: str, pyproject_text: str) -> list[str]:
    dependencies = tomllib.loads(pyproject_text)["project"]["dependencies"]
    roots = {canonical(re.split(r"[=<>!~;\[ ]", d, maxsplit=1)[0]) for d in dependencies}
    entries = parse_lock(lock_text)
    missing = roots - entries.keys()
    if missing:
        raise SystemExit(f"not in the lock: {', '.join(sorted(missing))}")
    needed = set(roots)
    changed = True
    while changed:
        changed = False
        for name, (_, via) in entries.items():
            if name in needed:
                continue
            parents = {canonical(v.split(" (")[0]) for v in via if not v.startswith(PROJECT)}
            if parents & needed:
                needed.add(name)
                changed = True
    out: list[str] = []
    for name in sorted(needed):
        out.extend(entries[name][0])
    return out


def main() -> int:
    lock = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "requirements.lock"
    pyproject = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "pyproject.toml"
    print("\n".join(runtime_subset(lock.read_text(), pyproject.read_text())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
