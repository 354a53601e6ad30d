from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from apps.access import Capability, may
from apps.audit.forms import AccessLogFilterForm
from apps.audit.models import Outcome
from apps.audit.selectors import access_events_visible_to


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Capability.ACCESS_LOG_VIEW):
        raise Http404
    events = access_events_visible_to(request.user)
    form = AccessLogFilterForm(request.GET)
    if not form.is_valid():
        # The filters with their errors, and no events: none were asked for in a way we read.
        return render(
            request,
            "audit/access_log.html",
            {"form": form, "page": None, "outcomes": Outcome.choices, "filters": {}},
            status=400,
        )
    filters = form.cleaned_data
    if filters["username"]:
        events = events.filter(username=filters["username"].strip())
    if filters["child"] is not None:
        events = events.filter(child_id=filters["child"])
    if filters["outcome"]:
        events = events.filter(outcome=filters["outcome"])
    if filters["since"]:
        events = events.filter(at__date__gte=filters["since"])
    page = Paginator(events.order_by("-at", "-id"), 50).get_page(request.GET.get("page"))
    # The next page's link repeats the filters as cleaned (the date as one ISO value).
    query = {
        "username": filters["username"].strip(),
        "child": filters["child"] or "",
        "outcome": filters["outcome"],
        "since": filters["since"].isoformat() if filters["since"] else "",
    }
    return render(
        request,
        "audit/access_log.html",
        {
            "form": form,
            "page": page,
            "outcomes": Outcome.choices,
            "filters": {k: v for k, v in query.items() if v},
        },
    )
