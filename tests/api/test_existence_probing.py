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
    "/api/v1/periods-of-care/",
    "/api/v1/adoption/cases/",
    "/api/v1/adoption/work-items/",
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


def test_a_hidden_adoption_case_answers_as_a_case_that_does_not_exist(api, cast):
    from tests.adoption.conftest import make_case

    mine = make_case(cast)  # team A: the social worker's
    hidden = make_case(cast, team=cast.team_b)
    missing = hidden.pk + 1000
    client = api(cast.social_worker)

    own = client.get("/api/v1/adoption/work-items/", {"case": mine.pk})
    assert own.status_code == 200
    hidden_answer = client.get("/api/v1/adoption/work-items/", {"case": hidden.pk})
    missing_answer = client.get("/api/v1/adoption/work-items/", {"case": missing})
    assert hidden_answer.status_code == missing_answer.status_code == 400
    assert hidden_answer.json() == missing_answer.json()
    assert "case" in hidden_answer.json()


def test_the_adoption_child_filter_follows_the_adoption_access_rule(api, cast):
    """A medical adviser of a provider serving our area sees our children's adoption cases:
    the filter accepts their child and lists the case."""
    from apps.accounts.models import Role
    from tests.adoption.conftest import make_case
    from tests.factories import UserFactory

    case = make_case(cast)
    adviser = UserFactory(role=Role.MEDICAL_ADVISER, organisation=cast.provider_a)
    response = api(adviser).get("/api/v1/adoption/cases/", {"child": case.child_id})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [case.pk]
