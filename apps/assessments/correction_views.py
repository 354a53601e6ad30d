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
from apps.access.records import about
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
    """One kind of record: where its pages are, how they find it, who may change it, its
    form, its two services and its words. The pages and the URLs are made from this table."""

    name: str  # the name of the URLs ("<name>-correct", "<name>-delete")
    path: str  # where the record's pages are ("<path>correct/", "<path>delete/")
    model: type[models.Model]
    label: str  # "the request", in the page titles
    capability: Capability
    form: type
    # The services: keyword-only, the record as `record_arg`, then (corrected_by, data) or
    # (deleted_by), the reason and the expected version.
    correct: Callable[..., Any]
    delete: Callable[..., Any] | None
    record_arg: str
    summary: Callable[[Any], list[tuple[str, str]]]  # the record, on its deletion page

    @property
    def on_child(self) -> bool:
        """The record hangs off the child (dental, SDQ, immunisation), not an assessment."""
        return self.path.startswith("children/")


def _d(day) -> str:
    return shown(day) if day else "Not recorded"


def _sdq_score(record: SdqRecord) -> str:
    if record.total_score is not None:
        return shown(record.total_score)
    return f"Not completed: {record.get_reason_not_completed_display()}"


def _outcome(appointment: Appointment) -> str:
    by = appointment.get_cancelled_by_display().lower() if appointment.cancelled_by else ""
    return appointment.get_outcome_display() + (f" by {by}" if by else "")


KINDS: dict[str, Correctable] = {
    c.name: c
    for c in (
        Correctable(
            "request",
            "assessments/<int:pk>/request/",
            Assessment,
            "the request",
            Capability.ASSESSMENT_REQUEST,
            correction_forms.RequestCorrectionForm,
            corrections.request_correct,
            corrections.request_delete,
            "assessment",
            lambda a: [
                ("Request sent", f"{_d(a.request_sent_on)} to {a.provider}"),
                ("Request complete", _d(a.request_complete_on)),
            ],
        ),
        Correctable(
            "appointment",
            "assessments/<int:pk>/appointments/<int:record_pk>/",
            Appointment,
            "the appointment",
            Capability.ASSESSMENT_BOOK,
            correction_forms.AppointmentCorrectionForm,
            corrections.appointment_correct,
            corrections.appointment_delete,
            "appointment",
            lambda a: [
                ("Appointment date", _d(a.appointment_date)),
                ("Booked on", _d(a.booked_on)),
                ("Outcome", _outcome(a)),
            ],
        ),
        Correctable(
            "assessment",
            "assessments/<int:pk>/",
            Assessment,
            "the assessment",
            Capability.ASSESSMENT_COMPLETE,
            correction_forms.AssessmentCorrectionForm,
            corrections.assessment_correct,
            None,
            "assessment",
            lambda a: [],
        ),
        Correctable(
            "dental",
            "children/<int:pk>/dental/<int:record_pk>/",
            DentalCheck,
            "the dental check",
            Capability.CLINICAL_RECORD_WRITE,
            correction_forms.DentalCorrectionForm,
            corrections.dental_check_correct,
            corrections.dental_check_delete,
            "check",
            lambda r: [("Date of the check", _d(r.checked_on)), ("Practice", r.practice)],
        ),
        Correctable(
            "sdq",
            "children/<int:pk>/sdq/<int:record_pk>/",
            SdqRecord,
            "the SDQ",
            Capability.SDQ_WRITE,
            correction_forms.SdqCorrectionForm,
            corrections.sdq_correct,
            corrections.sdq_delete,
            "record",
            lambda r: [
                ("Date completed", _d(r.completed_on)),
                ("Total difficulties score", _sdq_score(r)),
            ],
        ),
        Correctable(
            "immunisation",
            "children/<int:pk>/immunisation/<int:record_pk>/",
            ImmunisationRecord,
            "the immunisation check",
            Capability.CLINICAL_RECORD_WRITE,
            correction_forms.ImmunisationCorrectionForm,
            corrections.immunisation_correct,
            corrections.immunisation_delete,
            "record",
            lambda r: [("Date checked", _d(r.checked_on)), ("Status", r.get_status_display())],
        ),
    )
}


def _found(request: HttpRequest, kind: Correctable, pk: int, record_pk: int | None):
    """(record, child, the page to go back to, what the capability is asked about)."""
    if kind.on_child:
        child = visible_child(request, pk)
        record = get_object_or_404(kind.model._default_manager, pk=record_pk, child=child)
        return record, child, reverse("child-detail", args=[child.pk]), child
    assessment = _visible_assessment(request, pk)
    back = reverse("assessment-detail", args=[assessment.pk])
    if kind.model is Assessment:
        return assessment, assessment.child, back, assessment
    record = get_object_or_404(
        kind.model._default_manager.select_related("assessment"),
        pk=record_pk,
        assessment=assessment,
    )
    return record, assessment.child, back, assessment


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
        run=lambda data, **kw: kind.correct(
            **{kind.record_arg: record}, corrected_by=_user(request), data=data, **kw
        ),
        watched=_watched(record),
    )


@login_required
def delete_page(
    request: HttpRequest, pk: int, kind_name: str, record_pk: int | None = None
) -> HttpResponse:
    kind, record, child, back = _allowed(request, kind_name, pk, record_pk)
    delete = kind.delete
    if delete is None:
        raise Http404
    return deletion_page(
        request,
        instance=record,
        title=f"Delete {kind.label}: entered in error",
        caption=_caption(child, record),
        back_url=back,
        summary=kind.summary(record),
        run=lambda **kw: delete(**{kind.record_arg: record}, deleted_by=_user(request), **kw),
        watched=_watched(record),
    )


def _view(view, model):
    """A view of its own per URL, so each says which model its pk is (the access log)."""

    @wraps(view)
    def one(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    return about(model)(one)


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
        # The access log's record: the child, or the assessment the record belongs to.
        model = Child if kind.on_child else Assessment
        base = kind.path
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
