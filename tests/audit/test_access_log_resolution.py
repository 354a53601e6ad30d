"""Issue 17, finding 8: every request that names a child's record is logged with the child.

Routes are enumerated from the URL configuration: each route taking a record's id must
declare the model of that id (so the access log can follow it to the child), and a request
to it, allowed or refused, writes a row naming the child. A refused attempt from another
organisation counts most: the LA's auditor must see it. PDFs and CSVs are EXPORTs."""

import re
from datetime import date

import pytest
from django.urls import get_resolver, resolve
from django.utils import timezone

from apps.adoption.models import AdoptionCase, AdoptionWorkItem
from apps.assessments.models import (
    Appointment,
    Assessment,
    BreachProposal,
    DentalCheck,
    HealthHistory,
    ImmunisationRecord,
    OutOfAreaReferral,
    SdqRecord,
)
from apps.audit.models import AccessEvent, Action
from apps.audit.records import path_to_child, record_model_of
from apps.children.models import Child, PeriodOfCare
from apps.children.services import child_create, period_of_care_start
from apps.placements.models import Placement
from apps.placements.services import placement_start
from apps.writeups.models import PlanAction, Report
from tests.factories import UserFactory
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db

# Routes whose id is not a child's record, each with the reason.
NOT_ABOUT_A_CHILD = {
    "api-token-revoke": "the signed-in user's own API token",
    # A clinic session or slot is the provider's diary record; the pages and endpoints that
    # book a child name the child's assessment instead (clinic-book, clinic-reschedule).
    "clinic-session": "a clinic session of the provider's diary",
    "clinic-session-cancel": "a clinic session of the provider's diary",
    "clinic-session-api-detail": "a clinic session of the provider's diary",
    "clinic-session-api-cancel": "a clinic session of the provider's diary",
    "clinic-session-api-bulk-book": "a clinic session of the provider's diary",
    "clinic-slot-api-detail": "a slot of a clinic session",
}


def _fill(pattern: str, pk) -> str:
    """The URL of a route with its id (and any job uuid) filled in."""
    url = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000000", pattern)
    return "/" + re.sub(r"\(\?P<\w+>[^)]*\)|<[^>]+>", str(pk), url)


def _id_routes() -> list[tuple[str, str]]:
    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, prefix + str(p.pattern))
            else:
                found.append((prefix + str(p.pattern), p.name or ""))

    walk(get_resolver().url_patterns)
    routes = []
    for raw, name in found:
        pattern = raw.replace("^", "").replace("$", "")
        if pattern.startswith(("admin/", "assets/")) or "format" in pattern:
            continue
        if re.search(r"<(int:)?(pk|child_id)>|\(\?P<(pk|child_id)>", pattern):
            routes.append((pattern, name))
    return routes


@pytest.fixture
def records(cast):
    worker = cast.social_worker
    child = child_create(
        created_by=worker,
        first_name="Logged",
        last_name="Child",
        date_of_birth=date(2012, 1, 1),
        sex="1",
    )
    period = period_of_care_start(
        child=child, start_date=date(2025, 12, 19), legal_status="C2", started_by=worker
    )
    placement = placement_start(
        child=child,
        start_date=date(2025, 12, 19),
        place="U6",
        place_provider="PR1",
        area=cast.other_la,
        started_by=worker,
    )
    case = AdoptionCase.objects.create(child=child, adoption_plan_on=date(2026, 1, 5))
    iha = Assessment.objects.get(child=child, kind="IHA")
    return {
        BreachProposal: BreachProposal.objects.create(
            assessment=iha,
            from_party="LA",
            party="HEALTH",
            note="n",
            proposed_by=cast.manager,
            proposed_at=timezone.now(),
        ),
        Child: child,
        PeriodOfCare: period,
        Placement: placement,
        Assessment: iha,
        # Issue 13: an appointment's correction and deletion (/api/v1/appointments/{id}/).
        Appointment: Appointment.objects.create(
            assessment=iha, appointment_date=date(2026, 1, 12), booked_on=date(2026, 1, 5)
        ),
        # Issue 14: the write-up's report and health plan actions.
        Report: Report.objects.create(
            assessment=iha, source="UPLOADED", pdf=b"%PDF-1.7", filename="r.pdf", created_by=worker
        ),
        PlanAction: PlanAction.objects.create(
            assessment=iha,
            need="n",
            action="a",
            owner_kind="CARER",
            owner_name="Carer",
            due_date=date(2026, 3, 1),
            created_by=worker,
        ),
        DentalCheck: DentalCheck.objects.create(child=child, checked_on=date(2026, 1, 10)),
        SdqRecord: SdqRecord.objects.create(
            child=child, completed_on=date(2026, 1, 10), total_score=12, informant="CARER"
        ),
        ImmunisationRecord: ImmunisationRecord.objects.create(
            child=child, checked_on=date(2026, 1, 10), status="UP_TO_DATE"
        ),
        HealthHistory: HealthHistory.objects.create(
            child=child, provided_on=date(2026, 1, 10), summary="s", written_by=cast.nurse_a
        ),
        OutOfAreaReferral: OutOfAreaReferral.objects.get(placement=placement),
        AdoptionCase: case,
        AdoptionWorkItem: AdoptionWorkItem.objects.create(
            case=case,
            kind="CHILD_HEALTH_REPORT",
            requested_on=date(2026, 1, 6),
            requested_by=worker,
            due_date=date(2026, 2, 6),
            assigned_to=UserFactory(
                username="adviser", role="MEDICAL_ADVISER", organisation=cast.provider_a
            ),
        ),
    }


def test_every_route_naming_a_record_declares_the_model_of_its_id():
    routes = _id_routes()
    assert len(routes) >= 50, routes
    undeclared = []
    for pattern, name in routes:
        if name in NOT_ABOUT_A_CHILD:
            continue
        match = resolve(_fill(pattern, 1))
        model = record_model_of(match)
        if "child_id" in match.kwargs:
            continue
        if model is None or path_to_child(model) is None:
            undeclared.append((pattern, name))
    assert undeclared == []


def test_every_request_naming_a_record_is_logged_with_its_child(cast, records):
    child = records[Child]
    checked = 0
    # An allowed reader, and another organisation's social worker (refused with a 404).
    for user in (cast.social_worker, cast.social_worker_other_la):
        client = signed_in_client(user)
        for pattern, name in _id_routes():
            if name in NOT_ABOUT_A_CHILD:
                continue
            match = resolve(_fill(pattern, 1))
            record = child if "child_id" in match.kwargs else records[record_model_of(match)]
            url = _fill(pattern, record.pk)
            before = AccessEvent.objects.count()
            response = client.get(url)
            made = 1
            if response.status_code == 405:  # a POST-only action: try it with an empty body
                response = client.post(url, {}, content_type="application/json")
                made = 2
            assert response.status_code < 500, (user.username, url, response.status_code)
            assert AccessEvent.objects.count() == before + made, (user.username, url)
            for event in AccessEvent.objects.order_by("-id")[:made]:
                assert event.path == url
                assert event.child_id == child.pk, (user.username, url, event.child_id)
            checked += 1
    assert checked >= 100


def test_a_pdf_download_is_an_export(cast, records):
    child = records[Child]
    signed_in_client(cast.social_worker).get(f"/children/{child.pk}/health-history.pdf")
    event = AccessEvent.objects.order_by("-id").first()
    assert (event.action, event.child_id) == (Action.EXPORT, child.pk)


def test_an_unknown_id_is_logged_without_a_child(cast):
    client = signed_in_client(cast.social_worker)
    client.get("/api/v1/dental-checks/987654321/")
    event = AccessEvent.objects.order_by("-id").first()
    assert event.path == "/api/v1/dental-checks/987654321/" and event.child_id is None
    assert event.object_id == "987654321"
