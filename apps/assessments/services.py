"""Writes for the health clocks."""


def child_clocks_recompute(*, child_id: int) -> None:
    """Placeholder until the health clocks land (issue 3)."""
    return None
