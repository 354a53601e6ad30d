from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.children.selectors import children_visible_to


@login_required
def home(request: HttpRequest) -> HttpResponse:
    children = children_visible_to(request.user).select_related("responsible_la")
    return render(
        request,
        "home.html",
        {"children": children.order_by("-updated_at")[:20], "children_count": children.count()},
    )
