from django.test import RequestFactory, override_settings

from apps.accounts.addresses import client_address


def _request(remote: str, forwarded: str = ""):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_a_proxy_the_forwarded_header_is_ignored():
    assert client_address(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_client_is_the_address_the_proxy_saw():
    # The client wrote 1.2.3.4 itself; our proxy appended the address it actually saw.
    assert client_address(_request("10.0.0.2", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_missing_header_falls_back_to_the_connection_address():
    assert client_address(_request("10.0.0.2")) == "10.0.0.2"


def test_production_trusts_no_forwarded_header_unless_the_environment_says_so():
    """Issue 17, finding 4: production defaulted to one trusted proxy while compose exposed
    gunicorn directly, so any client's X-Forwarded-For was believed."""
    import os
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT)"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "test-" + "x" * 50,
        "ALLOWED_HOSTS": "example.org",
    }
    env.pop("TRUSTED_PROXY_COUNT", None)
    run = [sys.executable, "-c", f"import django; django.setup(); {code}"]
    assert subprocess.check_output(run, env=env, text=True).strip() == "0"
    env["TRUSTED_PROXY_COUNT"] = "1"
    assert subprocess.check_output(run, env=env, text=True).strip() == "1"


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_changing_forwarded_addresses_do_not_escape_the_lockout(db, cast):
    from django.test import Client

    client = Client()
    statuses = []
    for attempt in range(8):
        response = client.post(
            "/login/",
            {"username": cast.social_worker.username, "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        )
        statuses.append(response.status_code)
    # The fifth failure (AXES_FAILURE_LIMIT) locks the pair, whatever the header says.
    assert statuses[:4] == [200] * 4
    assert set(statuses[4:]) == {429}
    # The lockout holds against the right password from the same (real) address.
    response = client.post(
        "/login/",
        {"username": cast.social_worker.username, "password": "pass"},
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )
    assert response.status_code == 429
