"""Breach attribution with two agencies (issue 13): charging the other agency is a proposal
the other side agrees or disputes; until agreed the breach stays where it was and counts as
disputed in the quarterly report; a reason must belong to the party it charges."""

from datetime import date

import pytest
from django.core import mail

from apps.assessments.models import BreachProposal
from apps.performance.selectors.breaches import breach_report
from tests.assessments.test_workflow_api import (  # noqa: F401 (fixtures)
    committed,
    frozen_today,
    held,
    new_iha,
    post,
    requested,
)
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def la_breach(cast, committed):  # noqa: F811
    """An IHA requested late (working day 10) and held late: charged to the LA."""
    with committed():
        iha = held(
            cast, requested(cast, new_iha(cast), sent_on=date(2026, 1, 2)), date(2026, 1, 23)
        )
    iha.refresh_from_db()
    assert (iha.status, iha.effective_party) == ("BREACHED", "LA")
    return iha


def _report(cast):
    row = breach_report(local_authority=cast.our_la, year=2025, today=date(2026, 2, 2)).iha[-1]
    return {
        "la": row.breaches_la,
        "health": row.breaches_health,
        "disputed": row.disputed,
        "not_attributed": row.not_attributed,
        "requiring": row.requiring,
        "within": row.within,
    }


def _propose(api, cast, iha, **body):
    body = {"party": "HEALTH", "reason": "CLINICAL_CAPACITY", "note": "No slots", **body}
    return post(api(cast.manager), iha, "override-breach", body)


def _answer(client, proposal, **body):
    return client.post(f"/api/v1/breach-proposals/{proposal.pk}/answer/", body, format="json")


def test_a_manager_moving_an_la_breach_to_health_proposes_it_and_health_is_told(
    api, cast, la_breach, django_capture_on_commit_callbacks
):
    cast.designated.email = "designated@example.nhs.uk"
    cast.designated.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = _propose(api, cast, la_breach)
    assert response.status_code == 200, response.json()
    la_breach.refresh_from_db()
    assert (la_breach.effective_party, la_breach.override_party) == ("LA", "")
    proposal = BreachProposal.objects.get(assessment=la_breach)
    assert (proposal.state, proposal.from_party, proposal.party) == ("PROPOSED", "LA", "HEALTH")
    assert proposal.proposed_by == cast.manager
    [message] = mail.outbox
    assert message.to == ["designated@example.nhs.uk"]
    assert f"A{la_breach.pk}" in message.body
    assert la_breach.child.last_name not in message.body  # no child details in email
    # Until it is agreed the breach is disputed, in neither agency's column.
    report = _report(cast)
    assert (report["la"], report["health"], report["disputed"]) == (0, 0, 1)
    assert (
        report["within"]
        + report["la"]
        + report["health"]
        + report["disputed"]
        + report["not_attributed"]
        == report["requiring"]
    )


def test_health_agrees_and_the_breach_moves_authored_by_the_proposer(api, cast, la_breach):
    _propose(api, cast, la_breach)
    proposal = BreachProposal.objects.get(assessment=la_breach)
    response = _answer(api(cast.designated), proposal, agree=True)
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "AGREED"
    la_breach.refresh_from_db()
    assert (la_breach.effective_party, la_breach.effective_reason) == (
        "HEALTH",
        "CLINICAL_CAPACITY",
    )
    assert la_breach.overridden_by == cast.manager
    assert _report(cast)["health"] == 1 and _report(cast)["disputed"] == 0


def test_health_disputes_with_a_note_and_the_breach_stays_disputed_until_withdrawn(
    api, cast, la_breach
):
    _propose(api, cast, la_breach)
    proposal = BreachProposal.objects.get(assessment=la_breach)
    designated = api(cast.designated)
    refused = _answer(designated, proposal, agree=False)
    assert refused.status_code == 400
    assert refused.json()["note"] == ["Say why you dispute the proposal."]
    disputed = _answer(designated, proposal, agree=False, note="Request came on day 10")
    assert disputed.status_code == 200
    assert disputed.json()["state"] == "DISPUTED"
    assert disputed.json()["answer_note"] == "Request came on day 10"
    assert _report(cast)["disputed"] == 1
    # A disputed proposal is not answered again; the proposing side withdraws it.
    assert _answer(designated, proposal, agree=True).status_code == 400
    withdrawn = api(cast.manager).post(
        f"/api/v1/breach-proposals/{proposal.pk}/withdraw/", {}, format="json"
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "WITHDRAWN"
    report = _report(cast)
    assert (report["la"], report["disputed"]) == (1, 0)
    # The history of the proposal and its answers is kept.
    assert [h.state for h in proposal.history.order_by("history_date")] == [
        "PROPOSED",
        "DISPUTED",
        "WITHDRAWN",
    ]


def test_only_the_side_charged_answers(api, cast, la_breach):
    _propose(api, cast, la_breach)
    proposal = BreachProposal.objects.get(assessment=la_breach)
    assert _answer(api(cast.manager), proposal, agree=True).status_code == 403
    assert _answer(api(cast.nurse_a), proposal, agree=True).status_code in {403, 404}
    proposal.refresh_from_db()
    assert proposal.state == "PROPOSED"
    assert (
        api(cast.designated)
        .post(f"/api/v1/breach-proposals/{proposal.pk}/withdraw/", {}, format="json")
        .status_code
        == 403
    )


def test_a_reason_of_the_la_cannot_charge_health(api, cast, la_breach):
    response = _propose(api, cast, la_breach, reason="LATE_REQUEST", note="Moving it")
    assert response.status_code == 400
    assert response.json()["reason"] == [
        "“LA request sent after its deadline” is a reason charged to the local authority, not "
        "to health: choose a reason of health, or Other with a note."
    ]
    assert not BreachProposal.objects.exists()


def test_other_with_a_note_may_charge_either_party(api, cast, la_breach):
    assert _propose(api, cast, la_breach, reason="OTHER", note="Clinic flooded").status_code == 200
    assert BreachProposal.objects.get().reason == "OTHER"


def test_one_open_proposal_at_a_time(api, cast, la_breach):
    assert _propose(api, cast, la_breach).status_code == 200
    again = _propose(api, cast, la_breach, note="Again")
    assert again.status_code == 400
    assert "open" in again.json()["party"][0]
    assert BreachProposal.objects.count() == 1


def test_charging_ones_own_side_takes_effect_at_once(api, cast, la_breach):
    response = _propose(api, cast, la_breach, party="LA", reason="PLACEMENT_MOVE", note="Moved")
    assert response.status_code == 200
    la_breach.refresh_from_db()
    assert (la_breach.override_party, la_breach.override_reason) == ("LA", "PLACEMENT_MOVE")
    assert not BreachProposal.objects.exists()


def test_a_stale_answer_is_refused(api, cast, la_breach):
    _propose(api, cast, la_breach)
    proposal = BreachProposal.objects.get()
    stale = _answer(api(cast.designated), proposal, agree=True, version=proposal.version + 1)
    assert stale.status_code == 409


def test_the_pages_list_the_proposal_and_health_answers_it(cast, la_breach, api):
    _propose(api, cast, la_breach)
    proposal = BreachProposal.objects.get()
    designated = signed_in_client(cast.designated)
    listing = designated.get("/breach-proposals/")
    assert listing.status_code == 200
    assert f"/breach-proposals/{proposal.pk}/" in listing.content.decode()
    page = designated.get(f"/breach-proposals/{proposal.pk}/")
    assert "Proposal to charge the breach to health" in page.content.decode()
    empty = designated.post(f"/breach-proposals/{proposal.pk}/", {"answer": "", "note": ""})
    assert empty.status_code == 400
    assert "Choose whether you agree or dispute the proposal." in empty.content.decode()
    no_note = designated.post(f"/breach-proposals/{proposal.pk}/", {"answer": "dispute"})
    assert no_note.status_code == 400
    assert "Say why you dispute the proposal." in no_note.content.decode()
    done = designated.post(
        f"/breach-proposals/{proposal.pk}/", {"answer": "dispute", "note": "On day 10"}
    )
    assert done.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == "DISPUTED"
    # The manager sees it among their side's open proposals and withdraws it.
    manager = signed_in_client(cast.manager)
    assert "Disputed" in manager.get("/breach-proposals/").content.decode()
    assert manager.post(f"/breach-proposals/{proposal.pk}/withdraw/").status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == "WITHDRAWN"


def test_a_social_worker_has_no_proposals_page(cast):
    assert signed_in_client(cast.social_worker).get("/breach-proposals/").status_code == 404
