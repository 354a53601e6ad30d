"""Count the import arrows between apps (issue 12): how many, how many run upward against
the layers of the import-linter contract ``app-layers`` in pyproject.toml, and how many pairs
of apps import each other. Every import counts, the contract's ignored ones included.

    .venv/bin/python scripts/import_arrows.py [--list]
"""

import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent


def layer_ranks() -> dict[str, int]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["id"] == "app-layers")["layers"]
    ranks: dict[str, int] = {}
    # The first layer is the top: the higher the rank, the higher the layer.
    for rank, layer in enumerate(reversed(layers)):
        for module in layer.replace("|", " ").replace(":", " ").split():
            ranks[module.split(".")[1]] = rank
    return ranks


def main() -> None:
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph("apps", cache_dir=None)
    arrows: set[tuple[str, str]] = set()
    for module in graph.modules:
        parts = module.split(".")
        if len(parts) < 2:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            other = imported.split(".")
            if len(other) >= 2 and other[1] != parts[1]:
                arrows.add((parts[1], other[1]))
    ranks = layer_ranks()
    upward = sorted((a, b) for a, b in arrows if a in ranks and b in ranks and ranks[b] > ranks[a])
    sideways = sorted(
        (a, b) for a, b in arrows if a in ranks and b in ranks and ranks[b] == ranks[a]
    )
    mutual = sorted({tuple(sorted(pair)) for pair in arrows if pair[::-1] in arrows})
    unlayered = sorted({app for pair in arrows for app in pair if app not in ranks})
    print(f"arrows between apps: {len(arrows)}")
    print(f"upward (against the layers): {len(upward)}")
    print(f"within one layer: {len(sideways)}")
    print(f"mutual pairs: {len(mutual)}")
    if unlayered:
        print(f"apps not in the layers: {', '.join(unlayered)}")
    if "--list" in sys.argv:
        print("upward:", ", ".join(f"{a}->{b}" for a, b in upward))
        print("mutual:", ", ".join(f"{a}<->{b}" for a, b in mutual))


if __name__ == "__main__":
    main()
