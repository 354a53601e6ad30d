"""The correction and deletion pages of the health records (issue 13), one registry entry per
kind of record: who may change it (apps/access), its form, its services and its words. The
child page and the assessment page link here ("Change", "Delete"); every page starts from
the records the user may see, and a record they may not change is a 404."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse

from apps.access import Capability, may
from apps.accounts.models import User
from apps.assessments import correction_forms, corrections, selectors
from apps.assessments.models import (
    Appointment,
    Assessment,
    DentalCheck,
    ImmunisationRecord,
    SdqRecord,
)
from apps.children.models import Child
from apps.children.views import visible_child
from apps.core.corrections import correction_page, deletion_page, shown


def _user(request: HttpRequest) -> User:
    # Behind login_required: an authenticated user.
    return cast("User", request.user)


def _visible_assessment(request: HttpRequest, pk: int) -> Assessment:
    return get_object_or_404(
        selectors.assessments_visible_to(_user(request)).select_related(
            "child", "provider", "period_of_care"
        ),
        pk=pk,
    )


@dataclass(frozen=True)
class Correctable:
    """One kind of record: how a page finds it, who may change it, how it is changed."""

    name: str  # the URL segment and the name of the URL ("<name>-correct", "<name>-delete")
    label: str  # "the request", in the page titles
    capability: Capability
    form: type
    correct: Callable[..., Any]  # service(record, user, data, reason, expected_version)
    delete: Callable[..., Any] | None
    summary: Callable[[Any], list[tuple[str, str]]]
    on_child: bool  # the URL is under the child (dental, SDQ, immunisation)
    model: type[models.Model] | None = None  # the child's record, for on_child


def _d(day) -> str:
    return shown(day) if day else "Not recorded"


KINDS: dict[str, Correctable] = {
    c.name: c
    for c in (
        Correctable(
            name="request",
            label="the request",
            capability=Capability.ASSESSMENT_REQUEST,
            form=correction_forms.RequestCorrectionForm,
            correct=lambda r, user, **kw: corrections.request_correct(
                assessment=r, corrected_by=user, **kw
            ),
            delete=lambda r, user, **kw: corrections.request_delete(
                assessment=r, deleted_by=user, **kw
            ),
            summary=lambda a: [
                ("Request sent", f"{_d(a.request_sent_on)} to {a.provider}"),
                ("Request complete", _d(a.request_complete_on)),
            ],
            on_child=False,
        ),
        Correctable(
            name="appointment",
            label="the appointment",
            capability=Capability.ASSESSMENT_BOOK,
            form=correction_forms.AppointmentCorrectionForm,
            correct=lambda r, user, **kw: corrections.appointment_correct(
                appointment=r, corrected_by=user, **kw
            ),
            delete=lambda r, user, **kw: corrections.appointment_delete(
                appointment=r, deleted_by=user, **kw
            ),
            summary=lambda a: [
                ("Appointment date", _d(a.appointment_date)),
                ("Booked on", _d(a.booked_on)),
                (
                    "Outcome",
                    a.get_outcome_display()
                    + (f" by {a.get_cancelled_by_display().lower()}" if a.cancelled_by else ""),
                ),
            ],
            on_child=False,
        ),
        Correctable(
            name="assessment",
            label="the assessment",
            capability=Capability.ASSESSMENT_COMPLETE,
            form=correction_forms.AssessmentCorrectionForm,
            correct=lambda r, user, **kw: corrections.assessment_correct(
                assessment=r, corrected_by=user, **kw
            ),
            delete=None,
            summary=lambda a: [],
            on_child=False,
        ),
        Correctable(
            name="dental",
            label="the dental check",
            capability=Capability.CLINICAL_RECORD_WRITE,
            form=correction_forms.DentalCorrectionForm,
            correct=lambda r, user, **kw: corrections.dental_check_correct(
                check=r, corrected_by=user, **kw
            ),
            delete=lambda r, user, **kw: corrections.dental_check_delete(
                check=r, deleted_by=user, **kw
            ),
            summary=lambda r: [("Date of the check", _d(r.checked_on)), ("Practice", r.practice)],
            on_child=True,
            model=DentalCheck,
        ),
        Correctable(
            name="sdq",
            label="the SDQ",
            capability=Capability.SDQ_WRITE,
            form=correction_forms.SdqCorrectionForm,
            correct=lambda r, user, **kw: corrections.sdq_correct(
                record=r, corrected_by=user, **kw
            ),
            delete=lambda r, user, **kw: corrections.sdq_delete(record=r, deleted_by=user, **kw),
            summary=lambda r: [
                ("Date completed", _d(r.completed_on)),
                (
                    "Total difficulties score",
                    shown(r.total_score)
                    if r.total_score is not None
                    else f"Not completed: {r.get_reason_not_completed_display()}",
                ),
            ],
            on_child=True,
            model=SdqRecord,
        ),
        Correctable(
            name="immunisation",
            label="the immunisation check",
            capability=Capability.CLINICAL_RECORD_WRITE,
            form=correction_forms.ImmunisationCorrectionForm,
            correct=lambda r, user, **kw: corrections.immunisation_correct(
                record=r, corrected_by=user, **kw
            ),
            delete=lambda r, user, **kw: corrections.immunisation_delete(
                record=r, deleted_by=user, **kw
            ),
            summary=lambda r: [
                ("Date checked", _d(r.checked_on)),
                ("Status", r.get_status_display()),
            ],
            on_child=True,
            model=ImmunisationRecord,
        ),
    )
}


def _found(request: HttpRequest, kind: Correctable, pk: int, record_pk: int | None):
    """(record, child, the page to go back to, what the capability is asked about)."""
    if kind.on_child:
        child = visible_child(request, pk)
        record = get_object_or_404(kind.model._default_manager, pk=record_pk, child=child)  # type: ignore[union-attr]
        return record, child, reverse("child-detail", args=[child.pk]), child
    assessment = _visible_assessment(request, pk)
    back = reverse("assessment-detail", args=[assessment.pk])
    if kind.name == "appointment":
        record = get_object_or_404(
            Appointment.objects.select_related("assessment"), pk=record_pk, assessment=assessment
        )
        return record, assessment.child, back, assessment
    return assessment, assessment.child, back, assessment


def _allowed(request: HttpRequest, kind_name: str, pk: int, record_pk: int | None):
    kind = KINDS[kind_name]
    record, child, back, subject = _found(request, kind, pk, record_pk)
    if not may(request.user, kind.capability, subject):
        raise Http404("Your role does not change this record.")
    return kind, record, child, back


# On an assessment, what people change (its status, deadlines and attribution are the
# recompute's: not "someone else's change").
_ASSESSMENT_WATCHED = corrections.REQUEST_FIELDS | corrections.ASSESSMENT_FIELDS


def _watched(record: Any) -> set[str] | None:
    return _ASSESSMENT_WATCHED if isinstance(record, Assessment) else None


def _caption(child: Child, record: Any) -> str:
    if isinstance(record, Assessment):
        return f"{record.get_kind_display()} for {child.full_name}"
    if isinstance(record, Appointment):
        return f"{record.assessment.get_kind_display()} for {child.full_name}"
    return child.full_name


@login_required
def correct_page(
    request: HttpRequest, pk: int, kind_name: str, record_pk: int | None = None
) -> HttpResponse:
    kind, record, child, back = _allowed(request, kind_name, pk, record_pk)
    return correction_page(
        request,
        instance=record,
        form_class=kind.form,
        title=f"Correct {kind.label}",
        caption=_caption(child, record),
        back_url=back,
        run=lambda data, **kw: kind.correct(record, _user(request), data=data, **kw),
        watched=_watched(record),
    )


@login_required
def delete_page(
    request: HttpRequest, pk: int, kind_name: str, record_pk: int | None = None
) -> HttpResponse:
    kind, record, child, back = _allowed(request, kind_name, pk, record_pk)
    if kind.delete is None:
        raise Http404
    return deletion_page(
        request,
        instance=record,
        title=f"Delete {kind.label}: entered in error",
        caption=_caption(child, record),
        back_url=back,
        summary=kind.summary(record),
        run=lambda **kw: kind.delete(record, _user(request), **kw),
        watched=_watched(record),
    )


def _view(view, model):
    """A view of its own per URL, so each says which model its pk is (the access log)."""

    @wraps(view)
    def one(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    # What apps.audit.records.about sets (read by the access log), without importing the
    # app above this one.
    one.access_record_model = model
    return one


@login_required
def deleted_records(request: HttpRequest, pk: int) -> HttpResponse:
    """The records of a child deleted as entered in error, with who, when and why: for
    auditors (and platform operators), read-only."""
    child = visible_child(request, pk)
    if not may(request.user, Capability.DELETED_RECORDS_VIEW, child):
        raise Http404
    return render(
        request,
        "assessments/deleted_records.html",
        {"child": child, "rows": selectors.deleted_records_of(child)},
    )


def urls() -> list:
    out = [
        path(
            "children/<int:pk>/deleted-records/",
            _view(deleted_records, Child),
            name="child-deleted-records",
        )
    ]
    for kind in KINDS.values():
        model = Child if kind.on_child else Assessment
        if kind.on_child:
            base = f"children/<int:pk>/{kind.name}/<int:record_pk>/"
        elif kind.name == "appointment":
            base = "assessments/<int:pk>/appointments/<int:record_pk>/"
        elif kind.name == "request":
            base = "assessments/<int:pk>/request/"
        else:
            base = "assessments/<int:pk>/"
        out.append(
            path(
                f"{base}correct/",
                _view(correct_page, model),
                {"kind_name": kind.name},
                name=f"{kind.name}-correct",
            )
        )
        if kind.delete is not None:
            out.append(
                path(
                    f"{base}delete/",
                    _view(delete_page, model),
                    {"kind_name": kind.name},
                    name=f"{kind.name}-delete",
                )
            )
    return out
