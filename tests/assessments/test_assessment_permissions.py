"""Who may take each workflow step, see each list and write each health record (DOMAIN.md 9),
for every member of the fixed cast.

Expectation for a step: the roles allowed get 200 and the record changes; anyone else who
may see the child gets 403; anyone who may not see the child gets 404; an anonymous caller
gets 401. In every refused case the record is left as it was.

"Today" is frozen on 2 February 2026. The states are built through the services; those whose
breach status matters are built inside ``django_capture_on_commit_callbacks(execute=True)``
so that the after-commit recompute runs (pytest-django's ``db`` fixture never commits).
"""

from datetime import date

import pytest
import time_machine

from apps.assessments import services
from apps.assessments.models import Assessment, DentalCheck, SdqRecord
from apps.children import services as children_services
from apps.placements import services as placement_services
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 2, 2)
ENTRY = date(2025, 12, 19)

ROLES = [
    "social_worker",
    "social_worker_team_b",
    "social_worker_other_la",
    "manager",
    "performance_manager",
    "health_admin_a",
    "nurse_a",
    "nurse_b",
    "designated",
    "auditor",
    "admin",
    "outsider",
    "anonymous",
]
# Who sees a team A child of our LA once it has a request to provider A ...
SEES_REQUESTED = {
    "social_worker",
    "manager",
    "performance_manager",
    "health_admin_a",
    "nurse_a",
    "designated",
    "auditor",
}
# ... and before any request names a provider.
SEES_UNREQUESTED = SEES_REQUESTED - {"health_admin_a", "nurse_a"}
TEAM_A = {"social_worker", "manager"}
PROVIDER_A = {"health_admin_a", "nurse_a"}


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def client_for(api, cast, role):
    return api(None if role == "anonymous" else getattr(cast, role))


def expected_status(role: str, allowed: set[str], sees: set[str]) -> int:
    if role == "anonymous":
        return 401
    if role in allowed:
        return 200
    return 403 if role in sees else 404


def enter_care(cast, *, team=None, worker=None, la=None, entry: date = ENTRY):
    child = ChildFactory(responsible_la=la or cast.our_la, team=team or cast.team_a)
    return children_services.period_of_care_start(
        child=child,
        start_date=entry,
        legal_status="C2",
        started_by=worker or cast.social_worker,
    )


def iha_of(period) -> Assessment:
    return Assessment.objects.get(period_of_care=period, kind="IHA")


def build(cast, state: str) -> Assessment:
    """A team A child's IHA in the named state."""
    iha = iha_of(enter_care(cast))
    if state == "unrequested":
        return iha
    late = state == "la_breach"
    sent_on = date(2026, 1, 2) if late else date(2025, 12, 22)
    services.assessment_request(
        assessment=iha,
        sent_on=sent_on,
        provider=cast.provider_a,
        requested_by=cast.social_worker,
        request_complete_on=None if state == "sent_incomplete" else sent_on,
    )
    if state in {"sent_incomplete", "requested"}:
        return iha
    if state == "booked":
        services.appointment_book(
            assessment=iha,
            appointment_date=date(2026, 1, 12),
            booked_on=date(2026, 1, 5),
            booked_by=cast.health_admin_a,
        )
        return iha
    held_on = date(2026, 1, 12) if state == "held" else date(2026, 1, 23)
    services.assessment_complete(
        assessment=iha, held_on=held_on, clinician_role="PAEDIATRICIAN", completed_by=cast.nurse_a
    )
    return iha


@pytest.fixture
def state_of(cast, django_capture_on_commit_callbacks):
    def make(state: str) -> Assessment:
        with django_capture_on_commit_callbacks(execute=True):
            iha = build(cast, state)
        iha.refresh_from_db()
        return iha

    return make


def _appointment_body(iha: Assessment) -> dict:
    return {
        "appointment": iha.appointments.get().pk,
        "outcome": "CANCELLED",
        "cancelled_by": "HEALTH",
        "recorded_on": "2026-01-09",
    }


# step: (state, body, roles allowed, who sees the child, has the step taken effect?)
STEPS = {
    "request": (
        "unrequested",
        {"sent_on": "2025-12-22", "provider": "RYY"},
        TEAM_A,
        SEES_UNREQUESTED,
        lambda a: a.request_sent_on == date(2025, 12, 22),
    ),
    "request-complete": (
        "sent_incomplete",
        {"complete_on": "2025-12-23"},
        TEAM_A | PROVIDER_A,
        SEES_REQUESTED,
        lambda a: a.request_complete_on == date(2025, 12, 23),
    ),
    "decline": (
        "requested",
        {"declined_on": "2026-01-05"},
        TEAM_A,
        SEES_REQUESTED,
        lambda a: a.declined_on == date(2026, 1, 5),
    ),
    "book": (
        "requested",
        {"appointment_date": "2026-02-10", "booked_on": "2026-02-02"},
        PROVIDER_A,
        SEES_REQUESTED,
        lambda a: a.appointments.filter(appointment_date=date(2026, 2, 10)).exists(),
    ),
    "record-outcome": (
        "booked",
        _appointment_body,
        PROVIDER_A,
        SEES_REQUESTED,
        lambda a: a.appointments.get().outcome == "CANCELLED",
    ),
    "return-report": (
        "held",
        {"returned_on": "2026-01-14"},
        PROVIDER_A,
        SEES_REQUESTED,
        lambda a: a.report_returned_on == date(2026, 1, 14),
    ),
    "health-reason": (
        "health_breach",
        {"reason": "CLINICAL_CAPACITY", "note": "No clinic slots"},
        PROVIDER_A,
        SEES_REQUESTED,
        lambda a: a.health_reason == "CLINICAL_CAPACITY",
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("step", list(STEPS))
def test_workflow_step_is_allowed_only_to_its_roles(api, cast, state_of, step, role):
    state, body, allowed, sees, taken_effect = STEPS[step]
    iha = state_of(state)
    if callable(body):
        body = body(iha)
    response = client_for(api, cast, role).post(
        f"/api/v1/assessments/{iha.pk}/{step}/", body, format="json"
    )
    expected = expected_status(role, allowed, sees)
    assert response.status_code == expected, response.content
    iha.refresh_from_db()
    assert taken_effect(iha) == (expected == 200)
    if expected == 200:
        assert response.json()["id"] == iha.pk


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "state,party,allowed",
    [
        # A team manager overrides the LA's attribution, a designated professional health's.
        ("la_breach", "LA", {"manager"}),
        ("health_breach", "HEALTH", {"designated"}),
    ],
)
def test_override_breach_is_for_the_manager_on_la_breaches_and_designated_on_health_ones(
    api, cast, state_of, state, party, allowed, role
):
    iha = state_of(state)
    assert (iha.status, iha.breach_party) == ("BREACHED", party)
    other = "HEALTH" if party == "LA" else "LA"
    response = client_for(api, cast, role).post(
        f"/api/v1/assessments/{iha.pk}/override-breach/",
        {"party": other, "note": "Agreed at the monthly review"},
        format="json",
    )
    expected = expected_status(role, allowed, SEES_REQUESTED)
    assert response.status_code == expected, response.content
    iha.refresh_from_db()
    if expected == 200:
        # Charging the other agency is a proposal that agency answers (issue 13): the
        # breach stays where it was until it is agreed.
        proposal = iha.breach_proposals.get()
        assert (proposal.party, proposal.proposed_by, proposal.state) == (
            other,
            getattr(cast, role),
            "PROPOSED",
        )
        assert response.json()["breach"]["party"] == party
    else:
        assert not iha.breach_proposals.exists()
    assert (iha.override_party, iha.overridden_by) == ("", None)


def test_manager_cannot_override_a_health_breach_nor_designated_an_la_one(api, cast, state_of):
    la_breach, health_breach = state_of("la_breach"), state_of("health_breach")
    body = {"party": "LA", "note": "Disputed"}
    assert (
        api(cast.manager)
        .post(f"/api/v1/assessments/{health_breach.pk}/override-breach/", body, format="json")
        .status_code
        == 403
    )
    body = {"party": "HEALTH", "note": "Disputed"}
    assert (
        api(cast.designated)
        .post(f"/api/v1/assessments/{la_breach.pk}/override-breach/", body, format="json")
        .status_code
        == 403
    )
    la_breach.refresh_from_db()
    health_breach.refresh_from_db()
    assert (la_breach.effective_party, health_breach.effective_party) == ("LA", "HEALTH")


# Lists and the health summary -----------------------------------------------------------


@pytest.fixture
def population(cast, django_capture_on_commit_callbacks):
    """A: team A, requested from provider A. B: team B, requested from provider B.
    C: another LA's child with no placement here. D: another LA's child placed in our area."""
    with django_capture_on_commit_callbacks(execute=True):
        a = iha_of(enter_care(cast))
        services.assessment_request(
            assessment=a,
            sent_on=date(2025, 12, 22),
            provider=cast.provider_a,
            requested_by=cast.social_worker,
        )
        b = iha_of(enter_care(cast, team=cast.team_b, worker=cast.social_worker_team_b))
        services.assessment_request(
            assessment=b,
            sent_on=date(2025, 12, 22),
            provider=cast.provider_b,
            requested_by=cast.social_worker_team_b,
        )
        c = iha_of(
            enter_care(
                cast, team=cast.other_team, worker=cast.social_worker_other_la, la=cast.other_la
            )
        )
        d_period = enter_care(
            cast, team=cast.other_team, worker=cast.social_worker_other_la, la=cast.other_la
        )
        placement_services.placement_start(
            child=d_period.child,
            start_date=ENTRY,
            place="U6",
            place_provider="PR1",
            area=cast.our_la,
            started_by=cast.social_worker_other_la,
        )
        d = iha_of(d_period)
    return {"A": a, "B": b, "C": c, "D": d}


VISIBLE = {
    "social_worker": "A",
    "social_worker_team_b": "B",
    "social_worker_other_la": "CD",
    "manager": "A",
    "performance_manager": "AB",
    # D is another LA's child placed in provider A's area: provider A's staff see it, so that
    # the health admin can request its assessment on the originating LA's behalf.
    "health_admin_a": "AD",
    "nurse_a": "AD",
    "nurse_b": "B",
    "designated": "ABD",
    "auditor": "AB",
    "admin": "",
    "outsider": "",
}


@pytest.mark.parametrize("role", ROLES)
def test_assessment_list_shows_only_visible_childrens_assessments(api, cast, population, role):
    response = client_for(api, cast, role).get("/api/v1/assessments/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {population[name].pk for name in VISIBLE[role]}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["A", "B", "C", "D"])
def test_health_summary_only_for_visible_children(api, cast, population, role, name):
    iha = population[name]
    response = client_for(api, cast, role).get(f"/api/v1/children/{iha.child_id}/health-summary/")
    if role == "anonymous":
        assert response.status_code == 401
    elif name in VISIBLE[role]:
        assert response.status_code == 200
        body = response.json()
        assert body["child"] == iha.child_id
        assert [a["id"] for a in body["assessments"]] == [iha.pk]
    else:
        assert response.status_code == 404
        assert "assessments" not in response.json()


def test_provider_b_nurse_sees_nothing_of_provider_a_requests(api, cast, population):
    nurse_b = api(cast.nurse_b)
    a = population["A"]
    assert nurse_b.get(f"/api/v1/assessments/{a.pk}/").status_code == 404
    assert nurse_b.get(f"/api/v1/children/{a.child_id}/health-summary/").status_code == 404
    assert nurse_b.get("/api/v1/assessments/?provider=RYY").json()["results"] == []
    booking = nurse_b.post(
        f"/api/v1/assessments/{a.pk}/book/",
        {"appointment_date": "2026-02-10", "booked_on": "2026-02-02"},
        format="json",
    )
    assert booking.status_code == 404
    assert not a.appointments.exists()
    # What provider B does see is its own request.
    own = nurse_b.get("/api/v1/assessments/").json()["results"]
    assert [(row["id"], row["provider"]) for row in own] == [(population["B"].pk, "NQV")]


# Health records ---------------------------------------------------------------------------


def _dental(child_id: int) -> dict:
    return {"child": child_id, "checked_on": "2026-01-20", "practice": "High Street Dental"}


def test_dental_check_recorded_by_the_requested_providers_nurse(api, cast, state_of):
    iha = state_of("requested")
    response = api(cast.nurse_a).post(
        "/api/v1/dental-checks/", _dental(iha.child_id), format="json"
    )
    assert response.status_code == 201, response.json()
    check = DentalCheck.objects.get(child_id=iha.child_id)
    assert (check.checked_on, check.practice) == (date(2026, 1, 20), "High Street Dental")


def test_dental_check_by_the_social_worker_is_forbidden(api, cast, state_of):
    iha = state_of("requested")
    response = api(cast.social_worker).post(
        "/api/v1/dental-checks/", _dental(iha.child_id), format="json"
    )
    assert response.status_code == 403
    assert not DentalCheck.objects.exists()


def test_dental_check_by_the_health_admin_is_forbidden(api, cast, state_of):
    iha = state_of("requested")
    response = api(cast.health_admin_a).post(
        "/api/v1/dental-checks/", _dental(iha.child_id), format="json"
    )
    assert response.status_code == 403
    assert not DentalCheck.objects.exists()


def test_dental_check_for_a_child_the_nurse_cannot_see_does_not_reveal_the_child(
    api, cast, state_of
):
    iha = state_of("requested")
    nurse_b = api(cast.nurse_b)
    hidden = nurse_b.post("/api/v1/dental-checks/", _dental(iha.child_id), format="json")
    missing = nurse_b.post("/api/v1/dental-checks/", _dental(999_999), format="json")
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json()["child"] == [
        message.replace("999999", str(iha.child_id)) for message in missing.json()["child"]
    ]
    assert not DentalCheck.objects.exists()


def _sdq(child_id: int, **scores) -> dict:
    return {
        "child": child_id,
        "completed_on": "2026-01-20",
        "informant": "CARER",
        **scores,
    }


SUBSCALES = {"emotional": 4, "conduct": 3, "hyperactivity": 5, "peer": 3, "prosocial": 8}


def test_sdq_recorded_by_the_social_worker_with_subscales_summing_to_the_total(api, cast, state_of):
    iha = state_of("unrequested")
    response = api(cast.social_worker).post(
        "/api/v1/sdq-records/", _sdq(iha.child_id, total_score=15, **SUBSCALES), format="json"
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["total_score"], response.json()["band"]) == (15, "borderline")
    record = SdqRecord.objects.get(child_id=iha.child_id)
    assert (record.total_score, record.emotional, record.prosocial) == (15, 4, 8)


def test_sdq_whose_subscales_do_not_sum_to_the_total_is_refused_naming_total_score(
    api, cast, state_of
):
    iha = state_of("unrequested")
    response = api(cast.social_worker).post(
        "/api/v1/sdq-records/", _sdq(iha.child_id, total_score=16, **SUBSCALES), format="json"
    )
    assert response.status_code == 400
    assert "sum" in response.json()["total_score"][0]
    assert not SdqRecord.objects.exists()


def test_sdq_total_of_41_is_refused_naming_total_score(api, cast, state_of):
    iha = state_of("unrequested")
    response = api(cast.social_worker).post(
        "/api/v1/sdq-records/", _sdq(iha.child_id, total_score=41), format="json"
    )
    assert response.status_code == 400
    assert "total_score" in response.json()
    assert not SdqRecord.objects.exists()


def test_sdq_by_the_read_only_performance_manager_is_forbidden(api, cast, state_of):
    iha = state_of("unrequested")
    response = api(cast.performance_manager).post(
        "/api/v1/sdq-records/", _sdq(iha.child_id, total_score=15), format="json"
    )
    assert response.status_code == 403
    assert not SdqRecord.objects.exists()
