"""Correcting the record (issue 13): the child's details, a period of care and a placement,
each through an edit form that asks for the reason. The services keep the correction in
history with its author and reason, re-check the temporal rules and recompute the child's
clocks in the same transaction; an edit of a version someone else has changed since is
refused (409 in the API) and the page says what changed. The shape is shared with the
health records' corrections (apps/core/corrections.py)."""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from apps.access.records import about
from apps.children import services
from apps.children.forms import (
    PlacementFields,
    _blank,
    _category_of_need_field,
    _yes_no_unknown_field,
)
from apps.children.models import UPN_REGEX, Child, PeriodOfCare
from apps.children.views import editable_child
from apps.core.codes import Ethnicity, LegalStatus, ReasonPlaceChange, Sex
from apps.core.corrections import CorrectionFields, value_of
from apps.core.corrections import correction_page as shared_correction_page
from apps.core.forms import DateInput
from apps.placements.models import Placement
from apps.placements.services import placement_update


class ChildCorrectionForm(CorrectionFields):
    field_order = [
        "first_name",
        "last_name",
        "date_of_birth",
        "sex",
        "nhs_number",
        "ethnicity",
        "upn",
        "is_mother",
        "reason",
    ]
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    date_of_birth = forms.DateField(widget=DateInput())
    sex = forms.ChoiceField(choices=_blank(Sex.choices))
    nhs_number = forms.CharField(label="NHS number", max_length=14, required=False)
    ethnicity = forms.ChoiceField(choices=Ethnicity.choices)
    upn = forms.RegexField(
        UPN_REGEX,
        label="Unique pupil number (UPN)",
        max_length=13,
        required=False,
        help_text="From the school; UN1 to UN5 when the child has none (UN1: under school age)",
    )
    is_mother = _yes_no_unknown_field("Is she a mother?", help_text="For a girl (SSDA903 MOTHER)")


class PeriodCorrectionForm(CorrectionFields):
    field_order = ["start_date", "legal_status", "category_of_need", "reason"]
    start_date = forms.DateField(label="Date the child became looked after", widget=DateInput())
    legal_status = forms.ChoiceField(
        label="Legal status at entry", choices=_blank(LegalStatus.choices)
    )
    category_of_need = _category_of_need_field()


class PlacementCorrectionForm(CorrectionFields, PlacementFields):
    field_order = [
        "start_date",
        "place",
        "place_provider",
        "area",
        "postcode_district",
        "placement_postcode",
        "home_postcode",
        "urn",
        "carer_name",
        "reason_place_change",
        "reason",
    ]
    start_date = forms.DateField(label="Placement start date", widget=DateInput())
    reason_place_change = forms.ChoiceField(
        label="Reason the placement ended",
        choices=[("", "Not known yet")] + list(ReasonPlaceChange.choices),
        required=False,
        help_text="When it ended in a change of placement",
    )


def _value(instance, name: str):
    if name == "is_mother":
        return {True: "1", False: "0"}.get(instance.is_mother, "")
    return value_of(instance, name)


def correction_page(
    request: HttpRequest, *, child: Child, instance: Any, form_class, title: str, run
) -> HttpResponse:
    return shared_correction_page(
        request,
        instance=instance,
        form_class=form_class,
        title=title,
        caption=child.full_name,
        back_url=reverse("child-detail", args=[child.pk]),
        run=run,
        value=_value,
    )


@login_required
@about(Child)
def child_correct(request: HttpRequest, pk: int) -> HttpResponse:
    child = editable_child(request, pk)
    return correction_page(
        request,
        child=child,
        instance=child,
        form_class=ChildCorrectionForm,
        title="Correct the child's details",
        run=lambda data, **kw: services.child_update(
            child=child, updated_by=request.user, data=data, **kw
        ),
    )


@login_required
@about(Child)
def period_correct(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    child = editable_child(request, pk)
    period = get_object_or_404(PeriodOfCare, pk=period_pk, child=child)
    return correction_page(
        request,
        child=child,
        instance=period,
        form_class=PeriodCorrectionForm,
        title="Correct the period of care",
        run=lambda data, **kw: services.period_of_care_update(
            period=period, updated_by=request.user, data=data, **kw
        ),
    )


@login_required
@about(Child)
def placement_correct(request: HttpRequest, pk: int, placement_pk: int) -> HttpResponse:
    child = editable_child(request, pk)
    placement = get_object_or_404(Placement, pk=placement_pk, child=child)
    return correction_page(
        request,
        child=child,
        instance=placement,
        form_class=PlacementCorrectionForm,
        title="Correct the placement",
        run=lambda data, **kw: placement_update(
            placement=placement, updated_by=request.user, data=data, **kw
        ),
    )


def readiness_link(child: Child, field: str, record_id: int | None) -> str:
    """The edit form and field for an SSDA903 readiness problem (issue 19), or ""."""
    record, _, name = field.partition(".")
    if record == "child":
        return f"{reverse('child-correct', args=[child.pk])}#id_{name}"
    if record == "period_of_care" and record_id:
        return f"{reverse('period-correct', args=[child.pk, record_id])}#id_{name}"
    if record == "placement" and record_id:
        return f"{reverse('placement-correct', args=[child.pk, record_id])}#id_{name}"
    return ""
