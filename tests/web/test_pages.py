"""The pages: each role sees only its worklist items and children; a page it may not use is a
404; every form validates on the server with a GOV.UK error summary, never a 500."""

from datetime import date

import pytest
import time_machine
from django.core import mail
from django.test import Client

from apps.assessments.models import Assessment
from apps.assessments.notifications import send_daily_digests
from apps.assessments.services import assessment_request
from apps.children.services import child_create, period_of_care_start
from apps.placements.services import placement_start
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db
TODAY = date(2026, 1, 23)
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
]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def _child(cast, worker, first, entry=date(2025, 12, 19), area=None):
    child = child_create(
        created_by=worker,
        first_name=first,
        last_name="Test",
        date_of_birth=date(2015, 3, 3),
        sex="2",
    )
    period_of_care_start(child=child, start_date=entry, legal_status="C2", started_by=worker)
    placement_start(
        child=child,
        start_date=entry,
        place="U6",
        place_provider="PR1",
        area=area or worker.organisation,
        started_by=worker,
    )
    return child


@pytest.fixture
def world(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        alpha = _child(cast, cast.social_worker, "Alpha")  # team A, requested from provider A
        iha = Assessment.objects.get(child=alpha, kind="IHA")
        assessment_request(
            assessment=iha,
            sent_on=date(2025, 12, 22),
            provider=cast.provider_a,
            requested_by=cast.social_worker,
            request_complete_on=date(2025, 12, 22),
        )
        bravo = _child(cast, cast.social_worker_team_b, "Bravo")  # team B, no request yet: overdue
        charlie = _child(
            cast, cast.social_worker_other_la, "Charlie"
        )  # other LA, placed in its own area
    return {
        "alpha": alpha,
        "bravo": bravo,
        "charlie": charlie,
        "iha": Assessment.objects.get(pk=iha.pk),
    }


SEES = {
    "alpha": {
        "social_worker",
        "manager",
        "performance_manager",
        "health_admin_a",
        "nurse_a",
        "designated",
        "auditor",
    },
    "bravo": {"social_worker_team_b", "performance_manager", "designated", "auditor"},
    "charlie": {"social_worker_other_la"},
}


def client_for(user) -> Client:
    return signed_in_client(user)


@pytest.mark.parametrize("role", ROLES)
def test_worklists_show_only_the_roles_children(cast, world, role):
    response = client_for(getattr(cast, role)).get("/?list=overdue")
    assert response.status_code == 200
    body = response.content.decode()
    for name, who in SEES.items():
        # Bravo's and Charlie's IHAs are overdue (no request); Alpha's is requested, not held: overdue too.
        assert (f"{name.capitalize()} Test" in body) == (role in who), name


@pytest.mark.parametrize("role", ROLES)
def test_child_page_is_404_unless_the_role_sees_the_child(cast, world, role):
    client = client_for(getattr(cast, role))
    for name, who in SEES.items():
        response = client.get(f"/children/{world[name].pk}/")
        assert response.status_code == (200 if role in who else 404), name
        if response.status_code == 200:
            assert "Initial health assessment" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_child_list_shows_only_visible_children(cast, world, role):
    body = client_for(getattr(cast, role)).get("/children/").content.decode()
    for name, who in SEES.items():
        assert (f"{name.capitalize()} Test" in body) == (role in who)


@pytest.mark.parametrize(
    "role,path,allowed",
    [
        ("social_worker", "/children/new/", True),
        ("manager", "/children/new/", True),
        ("nurse_a", "/children/new/", False),
        ("performance_manager", "/children/new/", False),
        ("social_worker", "/children/{alpha}/placements/new/", True),
        ("social_worker_team_b", "/children/{alpha}/placements/new/", False),
        ("performance_manager", "/children/{alpha}/placements/new/", False),
        ("social_worker", "/children/{alpha}/sdq/new/", True),
        ("nurse_a", "/children/{alpha}/dental/new/", True),
        ("health_admin_a", "/children/{alpha}/dental/new/", False),
        ("nurse_b", "/children/{alpha}/dental/new/", False),
        ("social_worker", "/children/{alpha}/dental/new/", False),
        ("social_worker", "/assessments/{iha}/request/", True),
        ("nurse_a", "/assessments/{iha}/request/", False),
        ("health_admin_a", "/assessments/{iha}/book/", True),
        ("nurse_a", "/assessments/{iha}/book/", True),
        ("nurse_b", "/assessments/{iha}/book/", False),
        ("social_worker", "/assessments/{iha}/book/", False),
        ("manager", "/breaches/", True),
        ("designated", "/breaches/", True),
        ("social_worker", "/breaches/", False),
        ("nurse_a", "/breaches/", False),
        # Alpha's request was complete in time, so the breach is health's: only the
        # designated professional may override it, not the LA's team manager.
        ("manager", "/assessments/{iha}/override/", False),
        ("designated", "/assessments/{iha}/override/", True),
    ],
)
def test_pages_a_role_may_not_use_are_404(cast, world, role, path, allowed):
    url = path.format(alpha=world["alpha"].pk, iha=world["iha"].pk)
    response = client_for(getattr(cast, role)).get(url)
    assert response.status_code == (200 if allowed else 404)


def test_anonymous_users_are_sent_to_sign_in(world):
    response = Client().get(f"/children/{world['alpha'].pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_new_child_form_shows_a_govuk_error_summary_naming_each_field(cast):
    response = client_for(cast.social_worker).post(
        "/children/new/",
        {
            "first_name": "",
            "last_name": "X",
            "date_of_birth": "2030-01-01",
            "sex": "2",
            "nhs_number": "1234567890",
            "ethnicity": "WBRI",
            "entry_date": "31/02/2025",
            "legal_status": "C1",
            "place": "U6",
            "place_provider": "PR1",
            "area": cast.our_la.pk,
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_first_name"' in body
    # A date's error links to its first input, the day (GOV.UK date input).
    assert 'href="#id_entry_date"' in body
    assert '<input type="text" name="entry_date_0"' in body
    assert "govuk-input--error" in body
    # GOV.UK error wording, not Django's defaults (issue 16).
    assert "Enter first name" in body
    assert "Date the child became looked after must be a real date" in body
    assert "This field is required" not in body


def test_service_errors_land_on_their_field(cast):
    response = client_for(cast.social_worker).post(
        "/children/new/",
        {
            "first_name": "Ann",
            "last_name": "X",
            "date_of_birth": "2020-01-01",
            "sex": "2",
            "nhs_number": "9434765918",
            "ethnicity": "WBRI",
            "entry_date": "2019-06-01",
            "legal_status": "C1",
            "place": "U6",
            "place_provider": "PR1",
            "area": cast.our_la.pk,
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'href="#id_nhs_number"' in body and "check digit" in body


@pytest.mark.parametrize(
    "field,value",
    [
        ("date_of_birth", "not a date"),
        ("sex", "9"),
        ("area", "999999"),
        ("entry_date", ""),
        ("nhs_number", "x" * 500),
    ],
)
def test_garbage_input_is_a_400_never_a_500(cast, field, value):
    data = {
        "first_name": "Ann",
        "last_name": "X",
        "date_of_birth": "2020-01-01",
        "sex": "2",
        "ethnicity": "WBRI",
        "entry_date": "2025-06-01",
        "legal_status": "C1",
        "place": "U6",
        "place_provider": "PR1",
        "area": cast.our_la.pk,
    }
    data[field] = value
    response = client_for(cast.social_worker).post("/children/new/", data)
    assert response.status_code == 400


def test_a_valid_new_child_creates_the_iha_at_once(cast):
    response = client_for(cast.social_worker).post(
        "/children/new/",
        {
            "first_name": "Cara",
            "last_name": "New",
            "date_of_birth": "2020-01-01",
            "sex": "2",
            "ethnicity": "WBRI",
            "entry_date": "2025-12-19",
            "legal_status": "C1",
            "place": "U6",
            "place_provider": "PR1",
            "area": cast.our_la.pk,
        },
    )
    assert response.status_code == 302
    iha = Assessment.objects.get(child__first_name="Cara", kind="IHA")
    assert (iha.request_due, iha.due_date) == (date(2025, 12, 30), date(2026, 1, 21))


def test_booking_before_the_appointment_form_is_valid_reports_the_order_error(cast, world):
    # Booking an appointment dated before the booking date: refused on the field.
    response = client_for(cast.health_admin_a).post(
        f"/assessments/{world['iha'].pk}/book/",
        {"appointment_date": "2026-01-01", "booked_on": "2026-01-05"},
    )
    assert response.status_code == 400
    assert "cannot be before the date it was booked" in response.content.decode()


def test_daily_digest_emails_each_user_their_counts(cast, world):
    cast.social_worker.email = "sw@example.org"
    cast.social_worker.save()
    sent = send_daily_digests()
    assert sent >= 1
    to_sw = [m for m in mail.outbox if m.to == ["sw@example.org"]]
    assert len(to_sw) == 1
    assert "1 overdue" in to_sw[0].subject
    assert "Alpha" not in to_sw[0].body  # no child details in email


def test_provider_is_emailed_when_a_request_arrives(cast, django_capture_on_commit_callbacks):
    cast.provider_a.email = "lac@provider-a.example.org"
    cast.provider_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        child = _child(cast, cast.social_worker, "Delta")
        iha = Assessment.objects.get(child=child, kind="IHA")
        assessment_request(
            assessment=iha,
            sent_on=date(2026, 1, 5),
            provider=cast.provider_a,
            requested_by=cast.social_worker,
        )
    emails = [m for m in mail.outbox if m.to == ["lac@provider-a.example.org"]]
    assert len(emails) == 1
    assert "initial health assessment request" in emails[0].subject.lower()
    assert "Delta" not in emails[0].body


def test_a_change_of_legal_status_is_recorded_from_the_child_page(cast, world):
    alpha = world["alpha"]
    client = client_for(cast.social_worker)
    page = client.get(f"/children/{alpha.pk}/").content.decode()
    assert f'href="/children/{alpha.pk}/legal-status/"' in page

    url = f"/children/{alpha.pk}/legal-status/"
    response = client.post(url, {"start_date": "2026-01-05", "legal_status": "C2"})
    assert response.status_code == 400  # C2 is already in force that day
    assert 'href="#id_legal_status"' in response.content.decode()

    response = client.post(url, {"start_date": "2026-01-05", "legal_status": "E1"})
    assert response.status_code == 302
    assert [(c.start_date, c.legal_status) for c in alpha.legal_status_changes.all()] == [
        (date(2026, 1, 5), "E1")
    ]
    # On the child's timeline.
    assert "Legal status changed" in client.get(f"/children/{alpha.pk}/").content.decode()
    # Only the child's team records it: another team's social worker gets 404.
    other = client_for(cast.social_worker_team_b).post(
        url, {"start_date": "2026-01-06", "legal_status": "C1"}
    )
    assert other.status_code == 404
