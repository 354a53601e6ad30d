"""The breach list (issue 18): read per part of the user's scope from the rows' worklist
columns (apps/assessments/worklists.py ``breach_parts``), each part an index scan in the
list's order, merged into numbered pages (apps/core/pagination.py). The rows must be the
access rule's, in the list's order, with every page's rows once, and the count exact."""

from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from apps.assessments import worklists
from apps.assessments.models import Assessment
from apps.assessments.selectors import assessments_visible_to
from apps.core.pagination import MergedParts
from tests.assessments.worklist_world import populate
from tests.helpers import signed_in_client
from tests.performance import builders as b

pytestmark = pytest.mark.django_db

# The roles with the breach list (REPORTS_VIEW), and some without (who read the rule).
USERS = ["manager", "performance_manager", "designated", "auditor", "social_worker", "nurse_a"]
BREACHED = Q(status__in=["OVERDUE", "BREACHED"]) | Q(report_breached=True)


def _by_rule(user, party=""):
    rows = assessments_visible_to(user).filter(BREACHED)
    if party:
        rows = rows.filter(Q(override_party=party) | Q(override_party="", breach_party=party))
    return list(rows.order_by("-due_date", "-id").values_list("pk", flat=True))


def _late_reports_and_out_of_care(cast):
    """Breaches the worklist world does not make: a late report of a held IHA, and a
    breach of a child who has left care (the breach list is not only children in care)."""
    today = timezone.localdate()
    for team in (cast.team_a, None):
        kid = b.child(cast.our_la, team=team)
        care = b.period(kid, today - timedelta(days=300), today - timedelta(days=20))
        iha = b.iha(
            kid, care, complete=today - timedelta(days=298), held=today - timedelta(days=270)
        )
        Assessment.objects.filter(pk=iha.pk).update(status="MET", report_breached=True)
        late = b.rha(kid, care, iha, due=today - timedelta(days=40))
        Assessment.objects.filter(pk=late.pk).update(status="BREACHED", breach_party="LA")


@pytest.mark.parametrize("name", USERS)
@pytest.mark.parametrize("party", ["", "LA", "HEALTH", "UNDETERMINED"])
def test_the_breach_list_is_the_access_rules_breaches_in_order(cast, name, party):
    populate(cast, 48)
    _late_reports_and_out_of_care(cast)
    user = getattr(cast, name)
    rows = MergedParts(worklists.breach_parts(user, party), worklists.BREACH_ORDER)
    expected = _by_rule(user, party)
    assert rows.count() == len(expected)
    assert [a.pk for a in rows[0 : len(expected)]] == expected
    if name in {"manager", "performance_manager", "designated", "auditor"} and not party:
        assert expected, "the world gives this user breaches"


@pytest.mark.parametrize("name", ["manager", "designated"])
def test_numbered_pages_walk_the_whole_list_once(cast, name):
    populate(cast, 48)
    _late_reports_and_out_of_care(cast)
    user = getattr(cast, name)
    if connection.vendor == "postgresql":
        # Both users' scopes have two parts: the team's and the LA's unallocated, our
        # LA's and other LAs' children placed in our area.
        assert len(worklists.breach_parts(user)) == 2
    paginator = Paginator(MergedParts(worklists.breach_parts(user), worklists.BREACH_ORDER), 4)
    seen = []
    for number in paginator.page_range:
        seen += [a.pk for a in paginator.page(number)]
    assert seen == _by_rule(user)
    assert paginator.num_pages > 2


def test_the_breach_page_shows_the_count_and_links_each_page(cast):
    populate(cast, 120)
    client = signed_in_client(cast.performance_manager)
    expected = _by_rule(cast.performance_manager)
    assert len(expected) > 25  # more than one page
    response = client.get("/breaches/?page=2")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{len(expected)} breaches" in html
    assert [a.pk for a in response.context["page"]] == expected[25:50]
    assert 'aria-label="Page 1"' in html
    assert 'aria-current="page">2<' in html


def test_a_page_number_past_the_end_gives_the_last_page(cast):
    populate(cast, 48)
    client = signed_in_client(cast.performance_manager)
    response = client.get("/breaches/?page=999")
    assert response.status_code == 200
    page = response.context["page"]
    assert page.number == page.paginator.num_pages
    assert len(page.object_list) >= 1
