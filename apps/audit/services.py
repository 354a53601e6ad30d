"""Classifying a request for the access log, and writing its entry."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import ResolverMatch

from apps.accounts.addresses import client_address
from apps.audit.models import AccessEvent, Action, Outcome
from apps.audit.records import child_id_of

# Pages and API routes about children's records. Anything else (static files, sign-in,
# schema) is not a record access.
LOGGED_PREFIXES = (
    "/children",
    "/assessments",
    "/breaches",
    "/breach-proposals",
    "/performance",
    "/interop",
    "/adoption",
    "/audit",
    "/api/v1/",
    "/referrals",
    "/clinics",
    # The whole admin: records about children, and every change an organisation's
    # administrator makes to users, teams, organisations and policies.
    "/admin/",
)
NOT_LOGGED = ("/api/v1/auth/", "/admin/login/", "/admin/logout/", "/admin/jsi18n/")


@dataclass(frozen=True)
class Spec:
    view_name: str
    object_id: str
    child_id: int | None
    is_export: bool


def classify(request: HttpRequest, match: ResolverMatch) -> Spec | None:
    path = request.path_info
    is_home = match.url_name == "home"
    if not is_home and (not path.startswith(LOGGED_PREFIXES) or path.startswith(NOT_LOGGED)):
        return None
    name = match.url_name or ""
    object_id = str(
        match.kwargs.get("pk", "")
        or match.kwargs.get("child_id", "")
        or match.kwargs.get("object_id", "")  # the admin's change, history and delete pages
    )
    child_id = child_id_of(match)
    lowered = path.lower()
    is_export = (
        "export" in lowered
        or "download" in lowered
        or lowered.endswith((".pdf", ".csv", ".xlsx", ".zip"))
        or request.GET.get("format") in {"csv", "xlsx"}
    )
    return Spec(view_name=name, object_id=object_id, child_id=child_id, is_export=is_export)


def _action(request: HttpRequest, spec: Spec) -> str:
    if request.method not in {"GET", "HEAD", "OPTIONS"}:
        return Action.CHANGE
    if spec.is_export:
        return Action.EXPORT
    if request.GET.get("q") or request.GET.get("search"):
        return Action.SEARCH
    return Action.VIEW if spec.object_id else Action.LIST


def _outcome(status_code: int, authenticated: bool) -> str:
    if status_code >= 500:
        return Outcome.ERROR
    if status_code == 401 or (status_code == 302 and not authenticated):
        return Outcome.UNAUTHENTICATED
    if status_code == 403:
        return Outcome.DENIED
    if status_code == 404:
        return Outcome.NOT_FOUND
    if status_code == 409:
        return Outcome.CONFLICT
    if status_code >= 400:
        return Outcome.INVALID
    return Outcome.ALLOWED


def access_event_record(*, request: HttpRequest, spec: Spec, status_code: int) -> AccessEvent:
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    return AccessEvent.objects.create(
        user=user if authenticated else None,
        username=getattr(user, "username", "") if authenticated else "",
        role=getattr(user, "role", "") if authenticated else "",
        organisation_id=getattr(user, "organisation_id", None) if authenticated else None,
        action=_action(request, spec),
        outcome=_outcome(status_code, authenticated),
        status_code=status_code,
        method=(request.method or "")[:8],
        path=request.path[:500],
        query=request.META.get("QUERY_STRING", "")[:500],
        view_name=spec.view_name[:100],
        object_id=spec.object_id[:40],
        child_id=spec.child_id,
        ip_address=client_address(request),
    )
