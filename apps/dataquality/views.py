"""The data-quality report page (issue 13): for the performance manager and the admin."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.accounts.models import OrganisationKind, Role
from apps.children.models import Child
from apps.children.selectors import children_visible_to
from apps.core.rules.temporal import RULE_LABELS
from apps.dataquality.selectors import date_report

REPORT_ROLES = {Role.PERFORMANCE_MANAGER, Role.ADMIN}


def user_can_view_date_report(user) -> bool:
    return user.is_superuser or user.role in REPORT_ROLES


def report_children(user):
    """The performance manager's children (those they may see), or, for an LA's admin, the
    LA's: the admin corrects nothing here, but needs to know what to have corrected."""
    if user.is_superuser:
        return Child.objects.all()
    if user.role == Role.ADMIN:
        organisation = user.organisation
        if organisation is None or organisation.kind != OrganisationKind.LOCAL_AUTHORITY:
            return Child.objects.none()
        return Child.objects.filter(responsible_la=organisation)
    return children_visible_to(user)


@require_GET
@login_required
def date_report_page(request: HttpRequest) -> HttpResponse:
    if not user_can_view_date_report(request.user):
        raise PermissionDenied
    report = date_report(report_children(request.user))
    return render(
        request,
        "dataquality/date_report.html",
        {
            "report": report,
            "counts": [(label, report.counts[rule]) for rule, label in RULE_LABELS.items()],
        },
    )
