"""Issue 18: the lists bench_pages times besides the worklists (the child list and search,
the breach list, the API's children, assessments and breached assessments) issue the same
queries whatever the population: every role, the first page and the next, at two sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.assessments.worklist_world import populate
from tests.helpers import signed_in_client
from tests.performance.test_worklist_query_counts import ROLES

pytestmark = pytest.mark.django_db
URLS = [
    "/children/",
    "/children/?page=2",
    "/children/?q=a",
    "/breaches/",
    "/breaches/?page=2",
    "/breaches/?party=HEALTH",
    "/api/v1/children/",
    "/api/v1/assessments/",
    "/api/v1/assessments/?page=2",
    "/api/v1/assessments/?breached=true",
]


def _counts(cast) -> dict[tuple[str, str], tuple[int, int]]:
    counts = {}
    for role in ROLES:
        client = signed_in_client(getattr(cast, role))
        client.get("/")  # settle the session writes of a first request
        for url in URLS:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            counts[(role, url)] = (response.status_code, len(captured.captured_queries))
    return counts


def test_each_list_issues_the_same_queries_at_two_sizes(cast, monkeypatch):
    from rest_framework.pagination import PageNumberPagination

    monkeypatch.setattr(PageNumberPagination, "page_size", 5)  # a next page at both sizes
    populate(cast, 60)  # more than a page of each list for most roles
    small = _counts(cast)
    populate(cast, 180, offset=60)
    large = _counts(cast)
    assert large == small
    statuses = {status for status, _ in small.values()}
    assert statuses <= {200, 404}  # 404: the breach list of a role without it
    assert small[("performance_manager", "/breaches/?page=2")][0] == 200
    assert small[("health_admin_a", "/api/v1/assessments/?page=2")][0] == 200
