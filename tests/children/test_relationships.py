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
