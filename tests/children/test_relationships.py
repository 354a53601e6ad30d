"""Access as data (issue 18): the child relationships table follows assessments' providers
and placements' areas in the same transaction, whoever writes them, and the access selector
reading it agrees with the EXISTS rule it replaced."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from apps.assessments.models import Assessment
from apps.children.models import ChildRelationship, RelationshipReason
from apps.children.relationships import relationship_differences, relationships_sync
from apps.children.selectors import children_visible_to
from tests.factories import PeriodOfCareFactory, PlacementFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="kept by PostgreSQL triggers"),
]


def _period(cast, la=None):
    return PeriodOfCareFactory(
        child__responsible_la=la or cast.our_la,
        child__date_of_birth=date(2015, 5, 1),
        start_date=date(2024, 1, 8),
    )


def _assessment(period, **fields) -> Assessment:
    values = {
        "child": period.child,
        "period_of_care": period,
        "kind": "IHA",
        "clock_start": date(2024, 1, 8),
        "request_due": date(2024, 1, 15),
        "due_date": date(2024, 2, 5),
    } | fields
    return Assessment.objects.create(**values)


def _rows(child):
    return set(
        ChildRelationship.objects.filter(child=child).values_list(
            "organisation__code", "reason", "started_on", "ended_on"
        )
    )


def test_a_request_to_a_provider_lets_its_staff_see_the_child_and_follows_a_change(cast):
    period = _period(cast)
    assessment = _assessment(period)
    assert _rows(period.child) == set()
    assert period.child not in children_visible_to(cast.nurse_a)

    Assessment.objects.filter(pk=assessment.pk).update(
        provider=cast.provider_a, request_sent_on=date(2024, 1, 10)
    )
    assert _rows(period.child) == {
        ("RYY", RelationshipReason.PROVIDER_REQUEST, date(2024, 1, 10), None)
    }
    assert period.child in children_visible_to(cast.nurse_a)

    Assessment.objects.filter(pk=assessment.pk).update(provider=cast.provider_b)
    assert _rows(period.child) == {
        ("NQV", RelationshipReason.PROVIDER_REQUEST, date(2024, 1, 10), None)
    }
    assert period.child not in children_visible_to(cast.nurse_a)
    assert period.child in children_visible_to(cast.nurse_b)

    Assessment.objects.filter(pk=assessment.pk).delete()
    assert _rows(period.child) == set()


def test_a_placement_in_an_area_shows_while_open_and_stays_on_record_when_it_ends(cast):
    period = _period(cast, la=cast.other_la)
    placement = PlacementFactory(period_of_care=period, area=cast.our_la)
    assert _rows(period.child) == {
        ("886", RelationshipReason.PLACED_IN_AREA, date(2024, 1, 8), None)
    }
    # Provider A and the commissioner serve our area; the child is another LA's.
    assert period.child in children_visible_to(cast.health_admin_a)
    assert period.child in children_visible_to(cast.designated)

    placement.end_date = date(2024, 6, 1)
    placement.save()
    assert _rows(period.child) == {
        ("886", RelationshipReason.PLACED_IN_AREA, date(2024, 1, 8), date(2024, 6, 1))
    }
    assert period.child not in children_visible_to(cast.health_admin_a)
    assert period.child not in children_visible_to(cast.designated)


def test_the_table_agrees_with_the_rule_it_replaced_and_the_check_says_so(cast):
    period = _period(cast, la=cast.other_la)
    PlacementFactory(period_of_care=period, area=cast.our_la)
    _assessment(_period(cast), provider=cast.provider_b, request_sent_on=date(2024, 1, 9))
    assert relationship_differences() == {}
    assert relationships_sync([period.child_id]) == 0  # in line: nothing written
    out = StringIO()
    call_command("check_child_relationships", stdout=out)
    assert "0 differences" in out.getvalue()

    ChildRelationship.objects.filter(child=period.child).delete()
    assert relationship_differences() == {"QKS": 1, "RYY": 1}
    with pytest.raises(CommandError, match="2 organisations differ"):
        call_command("check_child_relationships", stdout=StringIO())
    call_command("check_child_relationships", rebuild=True, stdout=out)
    assert relationship_differences() == {}


def _copies(child):
    return set(ChildRelationship.objects.filter(child=child).values_list("child_la_id", flat=True))


def test_each_row_carries_the_childs_la_and_follows_a_transfer(cast):
    """Children migration 0014: the row's copy of the child's LA, which the "placed here by
    another LA" part of the scope reads instead of joining the children table."""
    period = _period(cast, la=cast.other_la)
    PlacementFactory(period_of_care=period, area=cast.our_la)
    _assessment(period, provider=cast.provider_b, request_sent_on=date(2024, 1, 9))
    assert _copies(period.child) == {cast.other_la.pk}
    assert period.child in children_visible_to(cast.health_admin_a)

    # The child's case moves to our LA: the placement in our area is no longer another
    # LA's child placed here (provider A sees our children through requests only).
    child = period.child
    child.responsible_la = cast.our_la
    child.save()
    assert _copies(child) == {cast.our_la.pk}
    assert child not in children_visible_to(cast.health_admin_a)
    assert child in children_visible_to(cast.designated)  # now one of our area's
    assert relationship_differences() == {}


def test_a_stale_copy_is_found_by_the_check_and_mended_by_the_sync(cast):
    period = _period(cast, la=cast.other_la)
    PlacementFactory(period_of_care=period, area=cast.our_la)
    ChildRelationship.objects.filter(child=period.child).update(child_la_id=cast.our_la.pk)
    assert relationship_differences() == {"(copies of the child's LA)": 1, "QKS": 1, "RYY": 1}
    assert relationships_sync([period.child_id]) == 1
    assert _copies(period.child) == {cast.other_la.pk}
    assert relationship_differences() == {}


@pytest.mark.parametrize(
    "name",
    ["health_admin_a", "nurse_a", "nurse_b", "designated", "social_worker", "manager", "outsider"],
)
def test_the_visible_child_ids_are_the_visible_childrens(cast, name):
    """``visible_child_ids`` (what assessments and periods of care are filtered by) reads
    the relationships table alone for a provider's staff: the same children."""
    from apps.assessments.selectors import assessments_visible_to
    from apps.children.selectors import visible_child_ids

    ours, theirs, requested_elsewhere = _period(cast), _period(cast, la=cast.other_la), None
    PlacementFactory(period_of_care=ours, area=cast.our_la)
    PlacementFactory(period_of_care=theirs, area=cast.our_la)
    requested_elsewhere = _period(cast, la=cast.other_la)
    _assessment(ours, provider=cast.provider_a, request_sent_on=date(2024, 1, 9))
    _assessment(theirs)
    _assessment(requested_elsewhere, provider=cast.provider_b, request_sent_on=date(2024, 1, 9))
    _assessment(_period(cast))  # our child, not requested, not placed
    user = getattr(cast, name)
    expected = set(children_visible_to(user).values_list("pk", flat=True))
    assert {next(iter(row.values())) for row in visible_child_ids(user)} == expected
    by_child = set(Assessment.objects.filter(child__in=expected).values_list("pk", flat=True))
    assert set(assessments_visible_to(user).values_list("pk", flat=True)) == by_child
    if name in {"health_admin_a", "nurse_a"}:
        assert expected == {ours.child_id, theirs.child_id}
    if name == "nurse_b":
        assert expected == {requested_elsewhere.child_id}
