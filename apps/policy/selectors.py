"""Reading the per-LA policy (issue 12): the record in force on a day, as the clock engine
reads it on each clock's day 0, and the same windows as query conditions for set-based code
(the nightly sweep, the worklists), so both read the same effective-dated policy."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.db.models import Q

from apps.policy.models import LocalAuthorityPolicy
from apps.policy.rules import DEFAULT_POLICY, Policy

_POLICY_FIELDS = [
    f.name
    for f in LocalAuthorityPolicy._meta.fields
    if f.name not in {"id", "local_authority", "effective_from"}
]


def policy_lookup(la_ids: Iterable[int]) -> Callable[[int, date], Policy]:
    """A function (la_id, day) -> Policy: the LA's policy record in force on that day."""
    by_la: dict[int, list[tuple[date, Policy]]] = defaultdict(list)
    for record in LocalAuthorityPolicy.objects.filter(local_authority_id__in=set(la_ids)).order_by(
        "effective_from"
    ):
        values = {name: getattr(record, name) for name in _POLICY_FIELDS}
        by_la[record.local_authority_id].append((record.effective_from, Policy(**values)))

    def policy_on(la_id: int, day: date) -> Policy:
        chosen = DEFAULT_POLICY
        for effective_from, policy in by_la.get(la_id, []):
            if effective_from <= day:
                chosen = policy
        return chosen

    return policy_on


def policy_windows(
    setting: str, day_zero: str, la_field: str = "child__responsible_la_id"
) -> dict[Any, Q]:  # Any: the setting's type
    """Rows grouped by the value of one policy ``setting`` in force on each row's day 0
    (the ``day_zero`` column), as the engine reads it (``policy_lookup``): {value: Q over
    ``la_field`` (the child's responsible LA) and the day-0 column}. Set-based code (the
    sweep, the worklists) filters with these, one query per distinct value (usually one)."""
    by_la: dict[int, list[tuple[date, object]]] = defaultdict(list)
    for la_id, effective_from, value in LocalAuthorityPolicy.objects.order_by(
        "local_authority_id", "effective_from"
    ).values_list("local_authority_id", "effective_from", setting):
        by_la[la_id].append((effective_from, value))
    default = getattr(DEFAULT_POLICY, setting)
    parts: dict[object, list[Q]] = defaultdict(list)
    parts[default].append(~Q(**{f"{la_field}__in": list(by_la)}))
    for la_id, records in by_la.items():
        la = Q(**{la_field: la_id})
        parts[default].append(la & Q(**{f"{day_zero}__lt": records[0][0]}))
        for index, (effective_from, value) in enumerate(records):
            window = la & Q(**{f"{day_zero}__gte": effective_from})
            if index + 1 < len(records):
                window &= Q(**{f"{day_zero}__lt": records[index + 1][0]})
            parts[value].append(window)
    windows = {}
    for value, qs in parts.items():
        condition = qs[0]
        for q in qs[1:]:
            condition |= q
        windows[value] = condition
    return windows
