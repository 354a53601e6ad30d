from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.assessments.worklists import LISTS, SORTS, action_for, worklist, worklist_counts

PAGE_SIZE = 25


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's home page is its worklist: overdue, due soon, awaiting its action."""
    user = request.user
    current = request.GET.get("list") if request.GET.get("list") in LISTS else "action"
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "due"
    kind = request.GET.get("kind") if request.GET.get("kind") in {"IHA", "RHA"} else ""
    items = worklist(user, current)
    if kind:
        items = items.filter(kind=kind)
    page = Paginator(items.order_by(*SORTS[sort]), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(assessment, action_for(user, assessment)) for assessment in page.object_list]
    context = {
        "lists": [
            (name, label, count)
            for (name, label), count in zip(
                LISTS.items(), worklist_counts(user).values(), strict=True
            )
        ],
        "current": current,
        "current_label": LISTS[current],
        "sort": sort,
        "kind": kind,
        "page": page,
        "rows": rows,
    }
    template = "core/worklist_table.html" if request.headers.get("HX-Request") else "core/home.html"
    return render(request, template, context)
