"""The child relationships table (issue 18): access as data, the facts that let an
organisation see a child (assessments' providers, placements' areas) as rows the access
selector reads by index. On PostgreSQL the triggers of children migration 0011 keep the rows
in the transaction that writes an assessment's provider or a placement, whoever writes it.
``relationships_sync`` / ``relationships_rebuild`` set them from the facts by difference,
writing only rows that changed, after a bulk load that ran with triggers off (the benchmarks'
synthetic populations). ``relationship_differences`` compares the table with the rule it
replaced (manage.py check_child_relationships)."""

from collections.abc import Iterable
from datetime import date

from django.db import connection
from django.db.models import Min

from apps.children.models import Child, ChildRelationship, RelationshipReason

BATCH = 2000

Fact = tuple[int, int, str, date, date | None]  # child, organisation, reason, started, ended


def _facts(child_ids: list[int]) -> set[Fact]:
    from apps.assessments.models import Assessment
    from apps.placements.models import Placement

    requests = (
        Assessment.objects.filter(child_id__in=child_ids, provider__isnull=False)
        .order_by()
        .values("child_id", "provider_id")
        .annotate(since=Min("request_sent_on"))
    )
    facts: set[Fact] = {
        (
            row["child_id"],
            row["provider_id"],
            RelationshipReason.PROVIDER_REQUEST,
            row["since"],
            None,
        )
        for row in requests
    }
    placements = (
        Placement.objects.filter(child_id__in=child_ids, area__isnull=False)
        .order_by()
        .values_list("child_id", "area_id", "start_date", "end_date")
    )
    facts |= {
        (child, area, RelationshipReason.PLACED_IN_AREA, start, end)
        for child, area, start, end in placements
    }
    return facts


def relationships_sync(child_ids: Iterable[int]) -> int:
    """Make the children's rows match their facts; returns the number of rows written."""
    ids = sorted(set(child_ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        wanted = _facts(chunk)
        held = {
            (row[1], row[2], row[3], row[4], row[5]): row[0]
            for row in ChildRelationship.objects.filter(child_id__in=chunk)
            .order_by()
            .values_list("pk", "child_id", "organisation_id", "reason", "started_on", "ended_on")
        }
        stale = [pk for fact, pk in held.items() if fact not in wanted]
        if stale:
            ChildRelationship.objects.filter(pk__in=stale).delete()
        new = [
            ChildRelationship(
                child_id=child,
                organisation_id=organisation,
                reason=reason,
                started_on=started,
                ended_on=ended,
            )
            for child, organisation, reason, started, ended in wanted - held.keys()
        ]
        ChildRelationship.objects.bulk_create(new, batch_size=5000)
        written += len(stale) + len(new) + _sync_child_la(chunk)
    return written


# The rows whose copy of the child's LA (children migration 0014) differs from the child's:
# mended for some children, and counted for all.
_CHILD_LA_MEND = """
UPDATE children_childrelationship r SET child_la_id = c.responsible_la_id
  FROM children_child c
 WHERE c.id = r.child_id AND r.child_id = ANY(%s)
   AND r.child_la_id IS DISTINCT FROM c.responsible_la_id
"""
_CHILD_LA_COUNT = """
SELECT COUNT(*) FROM children_childrelationship r JOIN children_child c ON c.id = r.child_id
 WHERE r.child_la_id IS DISTINCT FROM c.responsible_la_id
"""


def _sync_child_la(child_ids: list[int]) -> int:
    """Mend the rows' copies of the child's LA (the triggers keep them; a bulk load that
    ran with triggers off did not): one UPDATE, of the rows that differ only."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_CHILD_LA_MEND, [child_ids])
        return cursor.rowcount


def child_la_differences() -> int:
    """Relationship rows whose copy of the child's LA is not the child's (0 expected)."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_CHILD_LA_COUNT)
        return cursor.fetchone()[0]


def relationships_rebuild() -> int:
    ids = list(Child.objects.order_by("pk").values_list("pk", flat=True))
    return relationships_sync(ids)


def relationship_differences() -> dict[str, int]:
    """For each provider and commissioner: children the old rule (Exists over assessments
    and placements) and the table-backed scope disagree on; and the rows whose copy of the
    child's LA is stale. Empty when they agree."""
    from apps.accounts.models import Organisation, OrganisationKind
    from apps.children.selectors import (
        commissioner_scope_by_rule,
        commissioner_scope_by_table,
        provider_scope_by_rule,
        provider_scope_by_table,
    )

    differences = {}
    for organisation in Organisation.objects.filter(
        kind__in=[OrganisationKind.PROVIDER, OrganisationKind.COMMISSIONER]
    ).order_by("code"):
        if organisation.kind == OrganisationKind.PROVIDER:
            rule = provider_scope_by_rule(organisation)
            table = provider_scope_by_table(organisation)
        else:
            rule = commissioner_scope_by_rule(organisation)
            table = commissioner_scope_by_table(organisation)
        by_rule = set(Child.objects.filter(rule).values_list("pk", flat=True))
        by_table = set(Child.objects.filter(table).values_list("pk", flat=True))
        if by_rule != by_table:
            differences[organisation.code] = len(by_rule ^ by_table)
    stale = child_la_differences()
    if stale:  # rows whose copy of the child's LA is wrong (a wrong scope follows)
        differences["(copies of the child's LA)"] = stale
    return differences
