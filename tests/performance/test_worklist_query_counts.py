"""Issue 18: each worklist page issues the same queries whatever the population: the tiles'
counts in one grouped query, one page of rows by key, nothing per row. Every list of every
role, each sort, the first page and the next, at two population sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.assessments.worklist_world import populate
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db
ROLES = [
    "social_worker",
    "manager",
    "performance_manager",
    "health_admin_a",
    "nurse_a",
    "designated",
    "auditor",
]
URLS = [
    "/?list=action",
    "/?list=overdue",
    "/?list=at_risk",
    "/?list=action&sort=child",
    "/?list=action&sort=-due&kind=RHA",
]


def _counts(cast) -> dict[tuple[str, str], int]:
    counts = {}
    for role in ROLES:
        client = signed_in_client(getattr(cast, role))
        client.get("/")  # settle the session writes of a first request
        for url in URLS:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200
            counts[(role, url)] = len(captured.captured_queries)
            next_url = response.context["next_url"]
            if next_url:
                with CaptureQueriesContext(connection) as captured:
                    assert client.get("/" + next_url).status_code == 200
                counts[(role, url + " next")] = len(captured.captured_queries)
    return counts


def test_each_worklist_page_issues_the_same_queries_at_two_sizes(cast, monkeypatch):
    from apps.assessments import worklists

    monkeypatch.setattr(worklists, "PAGE_SIZE", 3)  # so that both sizes have a next page
    populate(cast, 24)
    small = _counts(cast)
    populate(cast, 120, offset=24)
    large = _counts(cast)
    assert set(small) <= set(large)
    assert {key: large[key] for key in small} == small
    assert any(key[1].endswith(" next") for key in small)
