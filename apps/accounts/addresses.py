"""The client's address, for sign-in throttles and the access log.

Behind a reverse proxy every request comes from the proxy, so throttling on REMOTE_ADDR would
let one attacker lock everyone out. With TRUSTED_PROXY_COUNT proxies in front of us, the
client is the address the outermost trusted proxy saw: that entry of X-Forwarded-For. Entries
further left were written by the client and are never trusted."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        hops = [
            h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()
        ]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None
