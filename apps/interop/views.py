"""The 903 pages: the export download for the LA's performance managers and the import
upload for its administrators and performance managers. Anyone else gets 404, as for a
child they may not see (DOMAIN.md 9)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from apps.accounts.models import OrganisationKind, Role, User
from apps.children.selectors import children_visible_to, teams_for_allocation
from apps.core.services import today
from apps.interop.importer import import_903
from apps.interop.reading import ImportFile
from apps.interop.selectors import CollectionYear, build_export

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def _local_authority_user(user: User, roles: set[str]) -> bool:
    return (
        user.is_active
        and user.role in roles
        and user.organisation is not None
        and user.organisation.kind == OrganisationKind.LOCAL_AUTHORITY
    )


@login_required
def export_903(request: HttpRequest) -> HttpResponse:
    """The LA's 903 tables for a collection year, as a zip of CSV files."""
    user = request.user
    if not _local_authority_user(user, {Role.PERFORMANCE_MANAGER}):
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
    """Upload the Header, Episodes and UASC files. Synchronous: the files are checked in
    full and applied in one transaction while the request waits, and the report (every
    rejected row, or what changed) is the response."""
    user = request.user
    if not _local_authority_user(user, {Role.ADMIN, Role.PERFORMANCE_MANAGER}):
        raise Http404
    teams = list(teams_for_allocation(user))
    context = {
        "organisation": user.organisation,
        "report": None,
        "problem": "",
        "problem_field": "files",
        "teams": teams,
        "chosen_team": "",
    }
    if request.method == "POST":
        uploads = request.FILES.getlist("files")
        chosen = request.POST.get("default_team", "")
        context["chosen_team"] = chosen
        default_team = next((t for t in teams if str(t.pk) == chosen), None)
        if chosen and default_team is None:
            context["problem"] = "Choose a team of your local authority, or none."
            context["problem_field"] = "default_team"
        elif not uploads:
            context["problem"] = "Choose the 903 CSV files to import."
        elif sum(f.size for f in uploads) > MAX_UPLOAD_BYTES:
            context["problem"] = "The files are too large to import here: use manage.py import_903."
        else:
            context["report"] = import_903(
                local_authority=user.organisation,
                files=[ImportFile(f.name, f, f.size) for f in uploads],
                imported_by=user,
                today=today(),
                default_team=default_team,
            )
    return render(request, "interop/import.html", context)
