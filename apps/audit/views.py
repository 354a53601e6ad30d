from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from apps.access import Capability, may
from apps.audit.models import Outcome
from apps.audit.selectors import access_events_visible_to


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Capability.ACCESS_LOG_VIEW):
        raise Http404
    events = access_events_visible_to(request.user)
    username = request.GET.get("username", "").strip()
    child = request.GET.get("child", "").strip()
    outcome = request.GET.get("outcome", "")
    since = _date(request.GET.get("since", ""))
    if username:
        events = events.filter(username=username)
    if child.isdigit():
        events = events.filter(child_id=int(child))
    if outcome in Outcome.values:
        events = events.filter(outcome=outcome)
    if since:
        events = events.filter(at__date__gte=since)
    page = Paginator(events.order_by("-at", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/access_log.html",
        {"page": page, "outcomes": Outcome.choices, "filters": request.GET},
    )
