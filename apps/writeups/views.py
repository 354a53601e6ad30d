"""Write-up pages: the task list of sections, each section's page (saved as a draft),
sign-off, addenda, plan actions, and the report (download, return, mark as read). A child
the user may not see is a 404; a form their role does not use is a 404 too."""

import re
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.access import Capability, may
from apps.access.records import about
from apps.assessments.models import Assessment
from apps.children.models import Child
from apps.children.selectors import children_visible_to
from apps.core.services import today
from apps.core.views_base import form_page
from apps.writeups import forms, selectors, services
from apps.writeups.models import PlanAction, Report, WriteUp
from apps.writeups.presenters import write_up_view
from apps.writeups.rules.actions import is_overdue
from apps.writeups.rules.sections import (
    SECTION_BY_KEY,
    section_status,
    sections_for,
)


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    assessment = get_object_or_404(
        Assessment.objects.select_related("child", "provider"),
        pk=pk,
        child__in=children_visible_to(request.user),
    )
    if not services.may_write_up(request.user, assessment):
        raise Http404("Only the provider's clinicians write up this assessment.")
    if assessment.held_on is None:
        raise Http404("The assessment has not been held.")
    return assessment


def _write_up(assessment: Assessment) -> WriteUp | None:
    return WriteUp.objects.filter(assessment=assessment).first()


@login_required
@about(Assessment)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The write-up's task list: every section for the child's age with its status."""
    assessment = _assessment(request, pk)
    write_up = _write_up(assessment)
    saved = write_up.sections if write_up else {}
    age = services.age_at_assessment(assessment)
    tasks = [{"section": s, "status": section_status(saved.get(s.key))} for s in sections_for(age)]
    context = {
        "assessment": assessment,
        "child": assessment.child,
        "write_up": write_up,
        "tasks": tasks,
        "completed": sum(t["status"] in {"Completed", "Not assessed"} for t in tasks),
        "view": write_up_view(write_up) if write_up else None,
        "previous_actions": selectors.previous_plan_actions(assessment),
        "actions": selectors.child_actions(assessment.child).filter(assessment=assessment),
        "report": Report.objects.filter(assessment=assessment).defer("pdf").first(),
        "write_up_due": selectors.write_up_due(assessment),
        "sign_off_form": forms.SignOffForm(
            initial={"name": request.user.get_full_name(), "role": assessment.clinician_role}
        ),
        "addendum_form": forms.AddendumForm(sections=sections_for(age)),
        "today": today(),
    }
    return render(request, "writeups/edit.html", context)


@login_required
@about(Assessment)
def section(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    assessment = _assessment(request, pk)
    spec = SECTION_BY_KEY.get(key)
    if spec is None or spec not in sections_for(services.age_at_assessment(assessment)):
        raise Http404("No such section for this child.")
    write_up = _write_up(assessment)
    if write_up is not None and write_up.is_signed_off:
        return redirect("writeup-edit", pk=assessment.pk)
    saved = (write_up.sections.get(key) if write_up else None) or {}
    child = assessment.child
    form = forms.SectionForm(
        request.POST or None,
        initial=_initial(assessment, key, saved),
        section=spec,
        date_of_birth=child.date_of_birth,
        held_on=assessment.held_on,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                write_up = services.write_up_save_section(
                    assessment=assessment,
                    section=key,
                    data=form.cleaned_data,
                    saved_by=request.user,
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, f"{spec.title}: saved.")
                order = [s.key for s in sections_for(services.age_at_assessment(assessment))]
                if "save_next" in request.POST and order.index(key) + 1 < len(order):
                    return redirect(
                        "writeup-section", pk=assessment.pk, key=order[order.index(key) + 1]
                    )
                return redirect("writeup-edit", pk=assessment.pk)
        status = 400
    computed = (write_up.computed if write_up else {}) or {}
    view = write_up_view(write_up) if write_up else {}
    return render(
        request,
        "writeups/section.html",
        {
            "assessment": assessment,
            "child": child,
            "section": spec,
            "form": form,
            "sdq": computed.get("sdq") if key == "emotional" else None,
            "growth": view.get("growth") if key == "growth" else None,
            "doses": view.get("doses") if key == "immunisations" else None,
            "dental": child.dental_checks.order_by("-checked_on").first()
            if key == "dental"
            else None,
            "sdq_record": child.sdq_records.filter(completed_on__lte=assessment.held_on)
            .order_by("-completed_on")
            .first()
            if key == "emotional"
            else None,
        },
        status=status,
    )


def _initial(assessment: Assessment, key: str, saved: dict) -> dict:
    if saved:
        return saved
    # A first visit to the dental section starts from the last check on the record, so the
    # write-up and the record do not contradict each other.
    if key == "dental":
        last = assessment.child.dental_checks.order_by("-checked_on").first()
        if last is not None:
            return {"last_check_on": last.checked_on.isoformat(), "practice": last.practice}
    if key == "growth":
        return {"measured_on": assessment.held_on.isoformat()}
    return {}


@login_required
@about(Assessment)
@require_POST
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    form = forms.SignOffForm(request.POST)
    errors: dict[str, str] = {}
    if form.is_valid():
        try:
            services.write_up_sign_off(
                assessment=assessment,
                signed_by=request.user,
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                registration=form.cleaned_data["registration"],
            )
        except ValidationError as error:
            errors = {k: " ".join(v) for k, v in error.message_dict.items()}
        else:
            messages.success(
                request, "Signed off. The report is ready to return to the social worker."
            )
            return redirect("writeup-edit", pk=assessment.pk)
    else:
        errors = {k: " ".join(v) for k, v in form.errors.items()}
    write_up = _write_up(assessment)
    age = services.age_at_assessment(assessment)
    saved = write_up.sections if write_up else {}
    tasks = [{"section": s, "status": section_status(saved.get(s.key))} for s in sections_for(age)]
    return render(
        request,
        "writeups/edit.html",
        {
            "assessment": assessment,
            "child": assessment.child,
            "write_up": write_up,
            "tasks": tasks,
            "completed": sum(t["status"] in {"Completed", "Not assessed"} for t in tasks),
            "view": write_up_view(write_up) if write_up else None,
            "previous_actions": selectors.previous_plan_actions(assessment),
            "actions": PlanAction.objects.filter(assessment=assessment),
            "report": None,
            "write_up_due": selectors.write_up_due(assessment),
            "sign_off_form": form,
            "sign_off_errors": errors,
            "addendum_form": forms.AddendumForm(sections=sections_for(age)),
            "today": today(),
        },
        status=400,
    )


@login_required
@about(Assessment)
@require_POST
def addendum(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    form = forms.AddendumForm(
        request.POST, sections=sections_for(services.age_at_assessment(assessment))
    )
    if form.is_valid():
        try:
            services.addendum_add(
                assessment=assessment,
                text=form.cleaned_data["text"],
                section=form.cleaned_data["section"],
                author=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Addendum added.")
    else:
        messages.error(request, "Enter the correction or addition.")
    return redirect("writeup-edit", pk=assessment.pk)


@login_required
@about(Assessment)
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)

    def run(data: dict):
        return services.plan_action_add(
            assessment=assessment,
            need=data["need"],
            action=data["action"],
            owner_kind=data["owner_kind"],
            owner_user=data["owner_user"],
            owner_name=data["owner_name"],
            due_date=data["due_date"],
            created_by=request.user,
        )

    return form_page(
        request,
        form_class=forms.ActionForm,
        form_kwargs={"owners": forms.team_owners(assessment.child)},
        title="Add an action to the health plan",
        caption=f"{assessment.child}",
        run=run,
        success_url=reverse("writeup-edit", args=[assessment.pk]),
        success_message="Action added to the health plan.",
        back_url=reverse("writeup-edit", args=[assessment.pk]),
        submit_label="Add action",
    )


@login_required
@about(PlanAction)
def action_close(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        PlanAction.objects.select_related("assessment__child"),
        pk=pk,
        assessment__child__in=children_visible_to(request.user),
    )
    if not services.may_close_action(request.user, item):
        raise Http404("You may not record this action.")

    def run(data: dict):
        return services.plan_action_close(
            action=item,
            status=data["status"],
            closed_on=data["closed_on"],
            reason_not_done=data["reason_not_done"],
            closed_by=request.user,
        )

    return form_page(
        request,
        form_class=forms.CloseActionForm,
        initial={"closed_on": today()},
        title="Record the action's outcome",
        caption=f"{item.assessment.child}: {item.action}",
        intro=f"Need: {item.need}. Due {item.due_date:%d/%m/%Y}.",
        run=run,
        success_url=_back(request, reverse("writeup-my-items")),
        success_message="Action recorded.",
        back_url=reverse("writeup-my-items"),
    )


@login_required
@about(PlanAction)
def action_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an action's need, action, owner or due date, with the reason: the care
    record's correction page (apps.children.corrections), kept in the action's history."""
    from apps.children.corrections import correction_page

    item = get_object_or_404(
        PlanAction.objects.select_related("assessment__child"),
        pk=pk,
        assessment__child__in=children_visible_to(request.user),
    )
    if not services.may_manage_actions(request.user, item.assessment):
        raise Http404("The assessment's clinicians correct its health plan.")
    owners = forms.team_owners(item.assessment.child)

    class Form(forms.ActionCorrectionForm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, owners=owners, **kwargs)

    return correction_page(
        request,
        child=item.assessment.child,
        instance=item,
        form_class=Form,
        title="Correct the health plan action",
        run=lambda data, **kw: services.plan_action_correct(
            action=item, corrected_by=request.user, data=data, **kw
        ),
    )


@login_required
@about(Report)
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.visible_report(request.user, pk)
    if report is None:
        raise Http404("No such report.")
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.filename}"'
    return response


def _back(request: HttpRequest, default: str) -> str:
    """Where to go after a POST: the form's ``next`` when it is a page of this site (never
    another host: no open redirect), else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _report_step(request: HttpRequest, pk: int, run, done: str) -> HttpResponse:
    """Return a report or mark it read: the same checks, messages and way back."""
    report = selectors.visible_report(request.user, pk)
    if report is None:
        raise Http404("No such report.")
    try:
        run(report)
    except PermissionDenied as error:
        raise Http404(str(error)) from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(_back(request, reverse("child-detail", args=[report.assessment.child_id])))


@login_required
@about(Report)
@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_step(
        request,
        pk,
        lambda report: services.report_return(report=report, returned_by=request.user),
        "Report returned to the social worker.",
    )


@login_required
@about(Report)
@require_POST
def report_read(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_step(
        request,
        pk,
        lambda report: services.report_acknowledge(report=report, reader=request.user),
        "Marked as read.",
    )


@login_required
@about(Assessment)
def report_upload(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(Assessment, pk=pk, child__in=children_visible_to(request.user))
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read(services.MAX_UPLOAD_BYTES + 1)
            try:
                services.report_upload(
                    assessment=assessment,
                    content=content,
                    filename=upload.name,
                    uploaded_by=request.user,
                )
            except PermissionDenied as error:
                raise Http404(str(error)) from error
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, "Report uploaded.")
                return redirect("child-detail", pk=assessment.child_id)
        status = 400
    return render(
        request,
        "writeups/upload.html",
        {
            "form": form,
            "title": "Upload a report done elsewhere",
            "assessment": assessment,
            "back_url": reverse("child-detail", args=[assessment.child_id]),
        },
        status=status,
    )


@login_required
@about(Child)
def care_leaver_health_history(request: HttpRequest, child_id: int) -> HttpResponse:
    """The care leaver's health history from the write-ups (tagged PDF), for the child's
    team and the health staff who may see their health records (the capability the old
    ReportLab history had); every download is in the access log (``about``)."""
    child = get_object_or_404(children_visible_to(request.user), pk=child_id)
    if not may(request.user, Capability.HEALTH_HISTORY_DOWNLOAD, child):
        raise Http404("The child's team and health staff download the health history.")
    from apps.writeups.health_history import care_leaver_health_history_pdf

    response = HttpResponse(care_leaver_health_history_pdf(child), content_type="application/pdf")
    # Only safe characters in a header: a reference recorded before references were
    # validated may hold quotes or line breaks (BadHeaderError, a 500).
    reference = re.sub(r"[^A-Za-z0-9_-]", "", child.la_child_id) or str(child.pk)
    response["Content-Disposition"] = f'inline; filename="health-history-{reference}.pdf"'
    return response


@login_required
@about(Assessment)
def complete_moved(request: HttpRequest, pk: int) -> HttpResponse:
    """The old "Record the assessment as held" page: the child's attendance is recorded
    on the appointment and the assessment completed by signing off its write-up, so this
    address leads to whichever of those comes next."""
    assessment = get_object_or_404(Assessment, pk=pk, child__in=children_visible_to(request.user))
    if assessment.held_on is not None and services.may_write_up(request.user, assessment):
        return redirect("writeup-edit", pk=assessment.pk)
    booked = assessment.appointments.filter(outcome="BOOKED").first()
    if booked is not None and assessment.held_on is None:
        return redirect("appointment-outcome", pk=assessment.pk, appointment_pk=booked.pk)
    return redirect("assessment-detail", pk=assessment.pk)


@login_required
def my_items(request: HttpRequest) -> HttpResponse:
    """The user's write-up work: drafts and assessments awaiting write-up, unread reports,
    open actions they own."""
    on = today()
    actions = [
        {"action": a, "overdue": is_overdue(status=a.status, due_date=a.due_date, today=on)}
        for a in selectors.open_actions_for(request.user)
    ]
    awaiting = [
        {"assessment": a, "due": due}
        for a, due in selectors.write_ups_due(list(selectors.awaiting_write_up_for(request.user)))
    ]
    return render(
        request,
        "writeups/my_items.html",
        {
            "awaiting": awaiting,
            "unread": selectors.unread_reports_for(request.user, on),
            "actions": actions,
            "today": on,
        },
    )


@login_required
def overdue_actions(request: HttpRequest) -> HttpResponse:
    """The overdue health plan actions among the children a manager or designated nurse
    sees (the count on their home page links here)."""
    if request.user.role not in selectors.OVERDUE_ACTION_ROLES:
        raise Http404("Managers and designated professionals see this list.")
    from django.core.paginator import Paginator

    page = Paginator(selectors.overdue_actions_visible_to(request.user, today()), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "writeups/overdue_actions.html",
        {"page": page, "count": page.paginator.count, "today": today()},
    )


def child_panel_context(child, user, on: date | None = None) -> dict:
    """For the child page's include: its reports and health plan actions."""
    on = on or today()
    actions = list(selectors.child_actions(child))
    return {
        "writeup_reports": list(selectors.child_reports(child)),
        "writeup_actions": [
            {"action": a, "overdue": is_overdue(status=a.status, due_date=a.due_date, today=on)}
            for a in actions
        ],
        "writeup_overdue_count": sum(
            is_overdue(status=a.status, due_date=a.due_date, today=on) for a in actions
        ),
    }
