import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.accounts.middleware import SESSION_SEEN_AT
from apps.assessments.worklists import LISTS, SORTS, action_for, worklist_counts, worklist_page


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's home page is its worklist: overdue, due soon, awaiting its action."""
    user = request.user
    if user.role == "MEDICAL_ADVISER":
        # The adoption medical adviser's work is adoption health work, not IHAs and RHAs.
        return redirect("adoption-worklist")
    current = request.GET.get("list") if request.GET.get("list") in LISTS else "action"
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "due"
    kind = request.GET.get("kind") if request.GET.get("kind") in {"IHA", "RHA"} else ""
    # Issue 18: keyset pagination (the row before or after the page), never an OFFSET.
    page = worklist_page(
        user,
        current,
        sort=sort,
        kind=kind,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    rows = [(assessment, action_for(user, assessment)) for assessment in page.object_list]
    counts = worklist_counts(user)
    query = request.GET.copy()
    for name in ("page", "after", "before"):
        query.pop(name, None)

    def link(name: str, cursor: int | None) -> str:
        if cursor is None:
            return ""
        linked = query.copy()
        linked[name] = str(cursor)
        return f"?{linked.urlencode()}"

    context = {
        "lists": [
            (name, label, count)
            for (name, label), count in zip(LISTS.items(), counts.values(), strict=True)
        ],
        "count": worklist_counts(user, kind=kind)[current] if kind else counts[current],
        "previous_url": link("before", page.previous_cursor),
        "next_url": link("after", page.next_cursor),
        "current": current,
        "current_label": LISTS[current],
        "sort": sort,
        "kind": kind,
        "page": page,
        "rows": rows,
        "htmx": bool(request.headers.get("HX-Request")),
        "dashboards": user.role in {"TEAM_MANAGER", "PERFORMANCE_MANAGER", "DESIGNATED", "AUDITOR"},
    }
    template = "web/worklist_table.html" if request.headers.get("HX-Request") else "web/home.html"
    return render(request, template, context)


# The footer's pages (issue 16): public, so that they can be read before signing in.


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "web/privacy.html")


def cookies(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/cookies.html",
        {
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "csrf_cookie": settings.CSRF_COOKIE_NAME,
            "idle_minutes": int(settings.SESSION_IDLE_TIMEOUT.total_seconds() // 60),
        },
    )


@login_required
@require_POST
def keep_alive(request: HttpRequest) -> JsonResponse:
    """ "Stay signed in" from the timeout warning: the idle clock starts again now."""
    request.session[SESSION_SEEN_AT] = time.time()
    return JsonResponse({"idle_seconds": int(settings.SESSION_IDLE_TIMEOUT.total_seconds())})
