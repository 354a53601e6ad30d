"""The 903 pages: the export download for the LA's performance managers, and the import
upload and its jobs for them too. Anyone else gets 404, as for a child they may not see
(DOMAIN.md 9). LA administrators no longer import (apps.interop.services.IMPORT_ROLES)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from apps.access import Capability, may
from apps.children.selectors import children_visible_to, teams_for_allocation
from apps.interop.models import ImportStatus
from apps.interop.selectors import (
    CollectionYear,
    build_export,
    import_job_for_user,
    recent_import_jobs,
)
from apps.interop.services import (
    import_job_request,
    max_upload_bytes,
    may_import,
    megabytes,
)


@login_required
def export_903(request: HttpRequest) -> HttpResponse:
    """The LA's 903 tables for a collection year, as a zip of CSV files."""
    user = request.user
    if not may(user, Capability.RETURNS_903):
        raise Http404
    latest = CollectionYear.latest_complete()
    years = [CollectionYear(latest.ending + 1 - n) for n in range(4)]
    if "year" not in request.GET:
        return render(
            request,
            "interop/export.html",
            {"years": years, "latest": latest},
        )
    try:
        year = CollectionYear.parse(request.GET["year"])
    except ValueError:
        raise Http404 from None
    # The one access selector, narrowed to the LA's own children (not OLA children).
    children = children_visible_to(user).filter(responsible_la=user.organisation)
    export = build_export(children, year)
    response = HttpResponse(export.zip_bytes(), content_type="application/zip")
    name = f"ssda903_{user.organisation.code}_{year.ending - 1}_{year.ending % 100:02d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_903_page(request: HttpRequest) -> HttpResponse:
    """Upload the 903 files: checked cheaply here (size, type, encoding), then imported by a
    background job whose page shows its progress and report."""
    user = request.user
    if not may_import(user):
        raise Http404
    teams = list(teams_for_allocation(user))
    context = {
        "organisation": user.organisation,
        "problems": [],
        "problem_field": "files",
        "teams": teams,
        "chosen_team": "",
        "limit": megabytes(max_upload_bytes()),
        "jobs": recent_import_jobs(user),
    }
    if request.method == "GET":
        return render(request, "interop/import.html", context)
    chosen = request.POST.get("default_team", "")
    context["chosen_team"] = chosen
    default_team = next((t for t in teams if str(t.pk) == chosen), None)
    if chosen and default_team is None:
        context["problems"] = ["Choose a team of your local authority, or none."]
        context["problem_field"] = "default_team"
    else:
        try:
            job = import_job_request(
                requested_by=user,
                uploads=request.FILES.getlist("files"),
                default_team=default_team,
            )
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            context["problems"], context["problem_field"] = messages, field
        else:
            return redirect("interop-903-import-job", job_id=job.pk)
    return render(request, "interop/import.html", context, status=400)


def _own_job(request: HttpRequest, job_id):
    if not may_import(request.user):
        raise Http404
    job = import_job_for_user(request.user, job_id)
    if job is None:
        raise Http404
    return job


@login_required
@require_GET
def import_job_page(request: HttpRequest, job_id) -> HttpResponse:
    job = _own_job(request, job_id)
    return render(request, "interop/import_job.html", {"job": job, "statuses": ImportStatus})


@login_required
@require_GET
def import_job_progress(request: HttpRequest, job_id) -> HttpResponse:
    """The progress panel alone, polled by htmx while the job runs."""
    job = _own_job(request, job_id)
    return render(request, "interop/_import_progress.html", {"job": job, "statuses": ImportStatus})
