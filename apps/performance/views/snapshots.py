"""The stored figures: what a page says of them, and a performance manager's
request to store a month's figures now."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.accounts.models import Organisation
from apps.performance.params import check_authority, check_month
from apps.performance.selectors import (
    user_can_build_snapshots,
)
from apps.performance.tasks import enqueue_snapshot_build
from apps.performance.views.base import _url, reporting_page


def _figures_source(request: HttpRequest, computed_at, params) -> dict:
    """What the page says of its figures: when they were stored, or that they were computed
    for this request (with a button to store them, for a performance manager)."""
    return {
        "figures_computed_at": computed_at,
        "figures_month": params.month,
        "figures_la": params.local_authority,
        "can_build_snapshot": computed_at is None and user_can_build_snapshots(request.user),
        "snapshot_back": request.get_full_path(),
    }


@require_POST
@reporting_page
def snapshot_request(request: HttpRequest, authorities: list[Organisation]) -> HttpResponse:
    """A performance manager asks for a month's figures to be stored now (built by a
    worker; the nightly job builds the default months anyway)."""
    if not user_can_build_snapshots(request.user):
        raise Http404
    errors: dict[str, list[str]] = {}
    try:
        authority = check_authority(request.POST.get("la"), authorities)
    except ValueError as error:
        errors["Local authority"] = [str(error)]
    text = request.POST.get("month", "")
    try:
        # A month is required here: the pages' default month is theirs to choose.
        month = check_month(text or "none", timezone.localdate())
    except ValueError as error:
        errors["Month"] = [str(error)]
    if errors:
        return render(request, "performance/snapshot_invalid.html", {"errors": errors}, status=400)
    enqueue_snapshot_build(authority.pk, f"{month:%Y-%m}")
    back = request.POST.get("next", "")
    if not back.startswith("/performance/scorecard/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts=None
    ):
        back = _url("performance-scorecard", {"la": authority.code, "month": f"{month:%Y-%m}"})
    return redirect(back)
