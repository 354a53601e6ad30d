"""Issue 17, findings 11 and 12: input that gave a 500, and bad data that was accepted.

Each of these was a 500 (or a silent acceptance) before; a 400 or 404 with the field named is
right, and a database that is down answers the API with a JSON 503 and Retry-After."""

import pytest

from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "path",
    [
        "/children/?q=%00",
        "/children/?q=Smith%00",
        "/audit/?username=%00",
        "/api/v1/children/?search=%00",
        f"/children/{HUGE}/",
        f"/children/{HUGE}/legal-status/",
        f"/api/v1/children/{HUGE}/",
        f"/api/v1/assessments/{HUGE}/",
        f"/assessments/{HUGE}/",
    ],
)
def test_bad_input_in_the_url_is_a_client_error_not_a_500(cast, path):
    for user in (cast.social_worker, cast.auditor, cast.health_admin_a):
        client = signed_in_client(user)
        client.raise_request_exception = False
        response = client.get(path)
        assert response.status_code in {400, 404}, (user.username, path, response.status_code)


def test_with_the_database_down_the_api_answers_json_503_with_retry_after():
    """Issue 17, finding 11: with PostgreSQL down the API answered an HTML 500."""
    import json
    import os
    import subprocess
    import sys

    script = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "c = Client(raise_request_exception=False)\n"
        "out = {}\n"
        "for path in ('/api/v1/children/', '/children/'):\n"
        "    r = c.get(path, secure=True, HTTP_HOST='example.org')\n"
        "    out[path] = [r.status_code, r['Content-Type'], r.get('Retry-After'),"
        " r.content.decode()[:300]]\n"
        "print(json.dumps(out))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "test-" + "x" * 50,
        "ALLOWED_HOSTS": "example.org",
        # Nothing listens on port 1: the database is "down".
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/lac_health_down",
    }
    run = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    status, content_type, retry_after, body = out["/api/v1/children/"]
    assert (status, content_type, retry_after) == (503, "application/json", "30")
    assert "temporarily unavailable" in json.loads(body)["detail"]
    status, content_type, retry_after, body = out["/children/"]
    assert status == 503 and retry_after == "30" and "the service is unavailable" in body


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("date_of_birth", "0001-01-01", "on or after 1 January 1900"),
        ("date_of_birth", "1800-01-01", "on or after 1 January 1900"),
        ("first_name", "Ann\u202eeb", "control characters"),
        ("last_name", "Smith\r\nBcc: x", "control characters"),
        ("la_child_id", "=1+1", "letters and numbers"),
        ("la_child_id", 'A"B', "letters and numbers"),
        ("la_child_id", "AB\r\n1", "letters and numbers"),
    ],
)
def test_bad_child_details_are_refused_with_the_field_named(cast, api, field, value, message):
    """Issue 17, finding 12: these were accepted."""
    data = {
        "first_name": "Ann",
        "last_name": "Smith",
        "date_of_birth": "2015-04-01",
        "sex": "2",
        field: value,
    }
    response = api(cast.social_worker).post("/api/v1/children/", data, format="json")
    assert response.status_code == 400, response.content
    assert message in " ".join(response.json()[field])


def test_a_period_of_care_before_the_calendar_is_refused_not_a_500(cast, api):
    from tests.factories import ChildFactory

    child = ChildFactory(responsible_la=cast.our_la, team=cast.team_a)
    type(child).objects.filter(pk=child.pk).update(date_of_birth="1930-01-01")
    client = api(cast.social_worker)
    client.raise_request_exception = False
    response = client.post(
        "/api/v1/periods-of-care/",
        {"child": child.pk, "start_date": "1940-03-01", "legal_status": "C2"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "on or after 1 January 1950" in str(response.json())


def test_the_903_csv_neutralises_formula_characters():
    from apps.interop.selectors import CollectionYear, Export

    export = Export(
        year=CollectionYear(2025), tables={"Header": [["=1+1", "+A", "@B", "C", "", "", ""]]}
    )
    line = export.csv_text("Header").splitlines()[1]
    assert line == "'=1+1,'+A,'@B,C,,,"


def test_a_duplicate_nhs_number_is_refused_alike_whoever_holds_it(cast, api):
    """The message must not say whose record has the number (a cross-organisation oracle)."""
    from tests.factories import ChildFactory

    ours = ChildFactory(responsible_la=cast.our_la, team=cast.team_a)
    theirs = ChildFactory(responsible_la=cast.other_la, team=cast.other_team)
    client = api(cast.social_worker)
    answers = []
    for existing in (ours, theirs):
        data = {
            "first_name": "Ann",
            "last_name": "Smith",
            "date_of_birth": "2015-04-01",
            "sex": "2",
            "nhs_number": existing.nhs_number,
        }
        response = client.post("/api/v1/children/", data, format="json")
        assert response.status_code == 400
        answers.append(response.json())
    assert answers[0] == answers[1]
    assert cast.other_la.name not in str(answers[1])


def test_an_unknown_api_address_is_a_json_404(cast):
    response = signed_in_client(cast.social_worker).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
    page = signed_in_client(cast.social_worker).get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
