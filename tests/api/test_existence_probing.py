"""Filters on a child cannot be used to learn whether a child exists (issue 12): a child the
user may not see gets exactly the answer of a child that does not exist."""

import pytest

from apps.children.models import Child
from tests.assessments.test_workflow_api import new_iha

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/v1/assessments/",
    "/api/v1/placements/",
    "/api/v1/dental-checks/",
    "/api/v1/sdq-records/",
    "/api/v1/immunisations/",
    "/api/v1/health-histories/",
    "/api/v1/out-of-area-referrals/",
]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_hidden_child_answers_as_a_child_that_does_not_exist(api, cast, endpoint):
    mine = new_iha(cast).child  # team A: the social worker's
    hidden = new_iha(cast, team=cast.team_b).child  # exists, another team's
    missing = Child.objects.order_by("-pk").first().pk + 1000
    client = api(cast.social_worker)

    own = client.get(endpoint, {"child": mine.pk})
    assert own.status_code == 200
    if endpoint == "/api/v1/assessments/":
        assert [row["child"] for row in own.json()["results"]] == [mine.pk]

    hidden_answer = client.get(endpoint, {"child": hidden.pk})
    missing_answer = client.get(endpoint, {"child": missing})
    assert hidden_answer.status_code == missing_answer.status_code == 400
    assert hidden_answer.json() == missing_answer.json()
    assert "child" in hidden_answer.json()
