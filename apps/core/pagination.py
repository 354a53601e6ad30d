"""Numbered pages over the union of several querysets (issue 18).

A list whose rows are the union of disjoint parts, each part matching its own index (a
scope with two arms: the LA's own children, and other LAs' children placed in its area),
is cheaper read part by part than as one query: an OR of the parts is planned as a bitmap
scan of every row of both and a sort, where each part on its own is an index scan in the
page's order that stops after the page. ``MergedParts`` is that union as a sequence for
Django's ``Paginator``: its count is the sum of the parts' counts (each an index-only
count where the index's condition is the part's), and a slice reads each part's first keys
up to the slice's end in the page's order, merges them, and reads the page's rows by key.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import QuerySet


def sort_key(fields: Sequence[str]) -> Callable[[Any], tuple]:
    """A row's values of ``fields`` (``__`` follows a relation), for sorting merged rows."""

    def key(row: Any) -> tuple:
        values = []
        for name in fields:
            value = row
            for part in name.split("__"):
                value = getattr(value, part)
            values.append(value)
        return tuple(values)

    return key


class MergedParts:
    """The union of ``parts`` (disjoint querysets of one model) in ``order``.

    ``order`` must be a total order all one way (every field ascending, or every field
    descending, ending with the primary key), so that merging the parts' first keys gives
    the union's first keys."""

    def __init__(self, parts: list[QuerySet], order: Sequence[str]) -> None:
        descending = {name.startswith("-") for name in order}
        if len(descending) != 1:
            raise ValueError("MergedParts needs every field of the order in one direction")
        self.parts = [part.order_by(*order) for part in parts]
        self.descending = descending.pop()
        self.fields = [name.lstrip("-") for name in order]
        self._count: int | None = None
        self.ordered = True  # for Paginator's check of an unordered list

    def count(self) -> int:
        if self._count is None:
            self._count = sum(part.count() for part in self.parts)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("MergedParts is read a page (a slice) at a time")
        start = index.start or 0
        stop = index.stop if index.stop is not None else self.count()
        # The page's keys first (the order's fields and the primary key only: an index-only
        # scan where an index holds them, so a deep page skips index entries, not rows),
        # then the page's rows by primary key, with each part's related rows.
        if len(self.parts) == 1:
            keys = list(self.parts[0].values_list("pk", flat=True)[start:stop])
        else:
            found: dict[Any, tuple] = {}
            for part in self.parts:
                for values in part.values_list(*self.fields, "pk")[:stop]:
                    found[values[-1]] = values
            merged = sorted(found.values(), key=lambda values: values[:-1], reverse=self.descending)
            keys = [values[-1] for values in merged[start:stop]]
        rows = {row.pk: row for part in self.parts for row in part.filter(pk__in=keys)}
        return [rows[key] for key in keys if key in rows]
