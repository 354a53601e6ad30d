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
