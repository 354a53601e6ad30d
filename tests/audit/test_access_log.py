"""The access log: every view, search, export and change of a child's record, including
refused attempts, written with the change in one transaction, append-only, read by auditors."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from apps.audit.models import AccessEvent
from tests.factories import ChildFactory
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    return signed_in_client(user)


@pytest.fixture
def child(cast):
    return ChildFactory(responsible_la=cast.our_la, team=cast.team_a, first_name="Logged")


def test_viewing_a_child_page_is_logged_with_who_role_organisation_and_child(cast, child):
    client_for(cast.social_worker).get(f"/children/{child.pk}/")
    event = AccessEvent.objects.get(path=f"/children/{child.pk}/")
    assert (event.username, event.role, event.organisation_id) == (
        "sw",
        "SOCIAL_WORKER",
        cast.our_la.pk,
    )
    assert (event.action, event.outcome, event.child_id, event.status_code) == (
        "VIEW",
        "ALLOWED",
        child.pk,
        200,
    )


def test_a_refused_attempt_is_logged(cast, child):
    response = client_for(cast.nurse_b).get(f"/children/{child.pk}/")
    assert response.status_code == 404
    event = AccessEvent.objects.get(path=f"/children/{child.pk}/")
    assert (event.username, event.outcome, event.child_id) == ("nurse.b", "NOT_FOUND", child.pk)


def test_an_anonymous_attempt_is_logged(child):
    Client().get(f"/api/v1/children/{child.pk}/")
    event = AccessEvent.objects.get(path=f"/api/v1/children/{child.pk}/")
    assert (event.username, event.outcome) == ("", "UNAUTHENTICATED")


def test_api_change_invalid_input_and_stale_edit_are_logged(cast, child, api):
    client = api(cast.social_worker)
    url = f"/api/v1/children/{child.pk}/"
    assert (
        client.patch(
            url, {"first_name": "New", "version": 1, "reason": "Typing error"}, format="json"
        ).status_code
        == 200
    )
    assert (
        client.patch(
            url, {"nhs_number": "123", "reason": "Typing error"}, format="json"
        ).status_code
        == 400
    )
    assert (
        client.patch(
            url, {"first_name": "Again", "version": 1, "reason": "Typing error"}, format="json"
        ).status_code
        == 409
    )
    outcomes = list(
        AccessEvent.objects.filter(path=url)
        .order_by("id")
        .values_list("action", "outcome", "username")
    )
    assert outcomes == [
        ("CHANGE", "ALLOWED", "sw"),
        ("CHANGE", "INVALID", "sw"),
        ("CHANGE", "CONFLICT", "sw"),
    ]


def test_searches_and_lists_are_logged(cast, child):
    client_for(cast.social_worker).get("/children/?q=Logged")
    client_for(cast.social_worker).get("/")
    assert (
        AccessEvent.objects.filter(path="/children/", action="SEARCH", query="q=Logged").count()
        == 1
    )
    assert AccessEvent.objects.filter(path="/", action="LIST").count() == 1


def test_sign_in_and_static_pages_are_not_record_accesses(cast):
    Client().get("/login/")
    Client().get("/api/schema/")
    assert not AccessEvent.objects.exists()


def test_the_log_is_append_only(cast, child):
    client_for(cast.social_worker).get(f"/children/{child.pk}/")
    event = AccessEvent.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).update(username="someone else")
    if connection.vendor == "postgresql":  # SQLite refuses updates only (see the migration)
        with pytest.raises(DatabaseError), transaction.atomic():
            AccessEvent.objects.filter(pk=event.pk).delete()
    assert AccessEvent.objects.get().username == "sw"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="uses a PostgreSQL trigger")
def test_a_change_whose_log_entry_cannot_be_written_is_rolled_back(cast, api):
    """The change and its entry share one transaction: make the database refuse the entry
    and the change must not be there either."""
    child = ChildFactory(responsible_la=cast.our_la, team=cast.team_a, first_name="Before")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_refuse_log() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'log refused'; END; $$ "
            "LANGUAGE plpgsql; CREATE TRIGGER test_refuse_log BEFORE INSERT ON audit_accessevent "
            "FOR EACH ROW EXECUTE FUNCTION test_refuse_log();"
        )
    try:
        with pytest.raises(DatabaseError):
            api(cast.social_worker).patch(
                f"/api/v1/children/{child.pk}/",
                {"first_name": "After", "reason": "Typing error"},
                format="json",
            )
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP TRIGGER test_refuse_log ON audit_accessevent; DROP FUNCTION test_refuse_log();"
            )
    child.refresh_from_db()
    assert child.first_name == "Before"


@pytest.mark.parametrize(
    "role,status", [("auditor", 200), ("social_worker", 404), ("manager", 404), ("designated", 404)]
)
def test_only_auditors_read_the_access_log(cast, child, role, status):
    client_for(cast.social_worker).get(f"/children/{child.pk}/")
    response = client_for(getattr(cast, role)).get("/audit/")
    assert response.status_code == status
    if status == 200:
        assert f"/children/{child.pk}/" in response.content.decode()


def test_auditors_do_not_see_other_organisations_events(cast):
    other_child = ChildFactory(responsible_la=cast.other_la, team=cast.other_team)
    client_for(cast.social_worker_other_la).get(f"/children/{other_child.pk}/")
    response = client_for(cast.auditor).get("/audit/")
    assert f"/children/{other_child.pk}/" not in response.content.decode()
