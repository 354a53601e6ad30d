"""Run the DfE's SSDA903 validation rules (the public ``csc-validator-be-903`` package) on a
directory of 903 CSV files and print a summary; exit 1 when any rule flags a row.

Standalone: no Django. It runs in its own virtual environment (``.venv-903``, made by
``scripts/validate_903.sh``) because the package pins old pandas and numpy, which need
Python 3.11 or older. Keep this file compatible with Python 3.9.
"""

import argparse
import importlib
import importlib.metadata
import json
import logging
import sys
from pathlib import Path


def _registry(collection_year: str):
    """The rules of the collection year ("2026" = 2025/26), or the newest the package has."""
    from lac_validator.rules.ruleset_utils import get_year_ruleset

    year = int(collection_year)
    for candidate in range(year, year - 5, -1):
        try:
            return get_year_ruleset(str(candidate)), candidate
        except ModuleNotFoundError:
            continue
    raise SystemExit(f"The validator has no rules for {collection_year} or the years before")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--collection-year", required=True, help="Year ending, e.g. 2026")
    parser.add_argument("--la", required=True, help="GSS code of the LA, e.g. E10000016")
    parser.add_argument("--details", type=int, default=50, help="Rows of detail to print")
    parser.add_argument(
        "--json", type=Path, default=None, help="Also write the results here (for tests)"
    )
    args = parser.parse_args(argv)

    logging.disable(logging.CRITICAL)  # the package logs every rule at INFO
    from lac_validator import lac_validator
    from lac_validator.report import Report
    from lac_validator.types import UploadedFile

    files = sorted(args.directory.glob("*.csv"))
    if not files:
        print(f"No CSV files in {args.directory}", file=sys.stderr)
        return 2
    uploaded = [
        UploadedFile(name=str(path), description="This year", file_content=path.read_bytes())
        for path in files
    ]
    registry, used_year = _registry(args.collection_year)
    version = importlib.metadata.version("csc-validator-be-903")
    validator = lac_validator.LacValidator(
        metadata={"collectionYear": str(used_year), "localAuthority": args.la},
        files=uploaded,
        registry=registry,
    )
    report = Report(validator.ds_results, registry)
    summary = report.error_summary
    flagged = summary[summary["Error Count"] > 0].sort_values("Code")
    total = int(flagged["Error Count"].sum()) if len(flagged) else 0

    print(
        f"== SSDA903 validation: csc-validator-be-903 {version}, rules {used_year - 1}/{used_year % 100:02d}"
    )
    print(f"Files: {', '.join(p.name for p in files)}")
    print(
        f"Rules: {len(registry)}; ran {len(validator.dones)}, "
        f"skipped for missing tables {len(validator.skips)}, "
        f"could not run {len(validator.fails)}"
        + (f" ({', '.join(sorted(validator.fails))})" if validator.fails else "")
    )
    if len(flagged):
        print(f"{'Code':<10} {'Count':>6}  Description")
        for _, row in flagged.iterrows():
            print(f"{row['Code']:<10} {int(row['Error Count']):>6}  {row['Error Description']}")
        children = report.child_summary
        print(f"-- first {min(args.details, len(children))} of {len(children)} flagged rows")
        for _, row in children.head(args.details).iterrows():
            print(
                f"{row['Child']:<12} {row['Affected Table']:<9} row {row['Error Row']:<5} "
                f"{row['Error Code']:<6} {row['Affected Values']}"
            )
    print(f"Errors: {total}")
    if args.json is not None:
        children = report.child_summary if total else None
        results = {
            "total": total,
            "rules": {str(r["Code"]): int(r["Error Count"]) for _, r in flagged.iterrows()},
            "flagged": sorted(
                {(str(r["Child"]), str(r["Error Code"])) for _, r in children.iterrows()}
            )
            if total
            else [],
            "skipped": sorted(str(code) for code in validator.skips),
            "could_not_run": sorted(str(code) for code in validator.fails),
        }
        args.json.write_text(json.dumps(results, indent=1))
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
