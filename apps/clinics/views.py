"""Pages of the clinic diary: the week view, setting up clinics, the list of requests to book
(one at a time or in bulk), rescheduling, cancelling, the clinician's day list, the missed
appointments tracker and the capacity forecast. Only the provider's health staff manage its
clinics; anyone else gets a 404, as for a child they may not see."""

import csv
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.access.records import about
from apps.assessments.models import Assessment
from apps.clinics import forecast, forms, selectors, services
from apps.clinics.models import Booking
from apps.clinics.rules import initials
from apps.core.services import today
from apps.core.views_base import form_page


def _staff(request: HttpRequest) -> None:
    if not selectors.manages_clinics(request.user):
        raise Http404("Clinics are managed by the provider's health staff.")


def _date_param(request: HttpRequest, name: str, default: date) -> date:
    try:
        return date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return default


@login_required
def diary(request: HttpRequest) -> HttpResponse:
    """The provider's week: clinics as rows, their slots with the child's initials and status."""
    _staff(request)
    monday = forecast.week_start(_date_param(request, "week", today()))
    rows = selectors.week_diary(request.user, monday)
    return render(
        request,
        "clinics/diary.html",
        {
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "rows": [(s, [(r, _initials(r)) for r in slots]) for s, slots in rows],
            "clinicians": selectors.clinicians_of(request.user),
        },
    )


def _initials(row) -> str:
    if row.booking is None:
        return ""
    child = row.booking.appointment.assessment.child
    return initials(child.first_name, child.last_name)


@login_required
def clinic_new(request: HttpRequest) -> HttpResponse:
    _staff(request)
    user = request.user

    def run(data):
        return services.clinic_sessions_create(provider=user.organisation, created_by=user, **data)

    def done(result):
        if result.skipped:
            skipped = ", ".join(f"{d:%d/%m/%Y}" for d in result.skipped)
            messages.info(request, f"Not a working day, so skipped: {skipped}.")
        return reverse("clinic-diary") + f"?week={result.sessions[0].date:%Y-%m-%d}"

    return form_page(
        request,
        form_class=forms.ClinicForm,
        form_kwargs={"clinicians": selectors.clinicians_of(user)},
        title="Set up a clinic",
        caption=str(user.organisation),
        run=run,
        success_url=done,
        success_message="Clinic set up.",
        back_url=reverse("clinic-diary"),
        submit_label="Set up clinic",
        initial={"weeks": 1},
    )


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    session = get_object_or_404(
        selectors.sessions_of(request.user).select_related("clinician"), pk=pk
    )
    rows = selectors._slot_rows([session])[session.pk]
    return render(request, "clinics/session.html", {"session": session, "rows": rows})


@login_required
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    session = get_object_or_404(selectors.sessions_of(request.user), pk=pk)

    def run(data):
        return services.clinic_session_cancel(
            session=session, reason=data["reason"], by=request.user
        )

    def done(to_rebook):
        if to_rebook:
            names = ", ".join(a.child.full_name for a in to_rebook)
            messages.warning(
                request,
                f"Rebook {len(to_rebook)} children: {names}. They are back on the list of requests to book.",
            )
        return reverse("clinic-to-book")

    return form_page(
        request,
        form_class=forms.CancelSessionForm,
        title="Cancel this clinic",
        caption=str(session),
        intro="Each booked appointment is recorded as cancelled by health, and the children go back on the list to book.",
        run=run,
        success_url=done,
        success_message="Clinic cancelled.",
        back_url=reverse("clinic-session", args=[session.pk]),
        submit_label="Cancel clinic",
    )


@login_required
def to_book(request: HttpRequest) -> HttpResponse:
    """The health admin's requests to book, each with a Book action; tick several and choose
    a clinic to fill its free slots, earliest deadline first."""
    _staff(request)
    requests = list(selectors.requests_to_book(request.user)[:200])
    return render(
        request,
        "clinics/to_book.html",
        {"requests": requests, "sessions": selectors.bookable_sessions(request.user)[:50]},
    )


@login_required
@require_POST
def bulk_book(request: HttpRequest) -> HttpResponse:
    _staff(request)
    ids = [i for i in request.POST.getlist("assessment") if i.isdigit()]
    session_id = request.POST.get("session", "")
    errors = {}
    if not ids:
        errors["assessment"] = "Select at least one request to book."
    session = (
        selectors.sessions_of(request.user).filter(pk=session_id).first()
        if session_id.isdigit()
        else None
    )
    if session is None:
        errors["session"] = "Choose the clinic to book them into."
    if errors:
        return render(
            request,
            "clinics/to_book.html",
            {
                "requests": list(selectors.requests_to_book(request.user)[:200]),
                "sessions": selectors.bookable_sessions(request.user)[:50],
                "errors": errors,
            },
            status=400,
        )
    assessments = list(selectors.requests_to_book(request.user).filter(pk__in=ids))
    result = services.session_bulk_book(
        session=session, assessments=assessments, booked_by=request.user
    )
    if result.booked:
        messages.success(request, f"Booked {len(result.booked)} into {session}.")
    for assessment, why in result.not_booked:
        messages.warning(request, f"{assessment.child.full_name} not booked: {why}")
    return redirect(reverse("clinic-session", args=[session.pk]))


def _slot_label(slot) -> str:
    s = slot.session
    who = s.clinician.get_full_name() or s.clinician.username
    return (
        f"{s.date:%a %d %b %Y} {slot.start_time:%H:%M} ({slot.minutes} min), {s.venue_name}, {who}"
    )


def _free_slots_for(user, assessment: Assessment, exclude=None):
    sessions = selectors.bookable_sessions(user, assessment.kind)
    slots = (
        selectors.free_slots(selectors.slots_of(user))
        .filter(session__in=sessions.values("pk"))
        .select_related("session", "session__clinician")
        .order_by("session__date", "start_time")[:100]
    )
    return [(s, _slot_label(s)) for s in slots if s.pk != exclude]


def _health_assessment(request, pk) -> Assessment:
    _staff(request)
    return get_object_or_404(
        selectors.assessments_visible_to(request.user)
        .filter(provider_id=request.user.organisation_id)
        .select_related("child"),
        pk=pk,
    )


@login_required
@about(Assessment)
def book(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _health_assessment(request, pk)
    slots = _free_slots_for(request.user, assessment)
    by_id = {str(s.pk): s for s, _ in slots}

    def run(data):
        return services.slot_book(
            slot=by_id[data["slot"]], assessment=assessment, booked_by=request.user
        )

    return form_page(
        request,
        form_class=forms.SlotChoiceForm,
        form_kwargs={"slots": slots},
        title=f"Book {assessment.child.full_name}'s {assessment.kind} into a clinic",
        caption=f"Due {assessment.due_date:%d %B %Y}",
        intro="" if slots else "There is no free slot of this kind: set up a clinic first.",
        run=run,
        success_url=reverse("assessment-detail", args=[assessment.pk]),
        success_message="Appointment booked.",
        back_url=reverse("clinic-to-book"),
        submit_label="Book",
    )


def _live_booking(assessment: Assessment) -> Booking:
    booking = (
        Booking.objects.filter(
            appointment__assessment=assessment,
            appointment__outcome="BOOKED",
            released_at__isnull=True,
        )
        .select_related("slot", "slot__session")
        .first()
    )
    if booking is None:
        raise Http404("No appointment of this assessment is in a clinic slot.")
    return booking


def _booked_appointment(assessment: Assessment):
    appointment = assessment.appointments.filter(outcome="BOOKED").first()
    if appointment is None:
        raise Http404("This assessment has no booked appointment.")
    return appointment


@login_required
@about(Assessment)
def reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the booked appointment to another slot; an appointment booked without a slot
    (on the assessment page) is moved into one, with the same reasons."""
    assessment = _health_assessment(request, pk)
    appointment = _booked_appointment(assessment)
    booking = (
        Booking.objects.filter(appointment=appointment, released_at__isnull=True)
        .select_related("slot", "slot__session", "slot__session__clinician")
        .first()
    )
    slots = _free_slots_for(request.user, assessment, exclude=booking.slot_id if booking else None)
    by_id = {str(s.pk): s for s, _ in slots}

    def run(data):
        if booking is None:
            return services.appointment_move_into_slot(
                appointment=appointment,
                slot=by_id[data["slot"]],
                reason=data["reason"],
                note=data["note"],
                by=request.user,
            )
        return services.booking_reschedule(
            booking=booking,
            slot=by_id[data["slot"]],
            reason=data["reason"],
            note=data["note"],
            by=request.user,
        )

    now = (
        _slot_label(booking.slot)
        if booking
        else f"{appointment.appointment_date:%a %d %b %Y}, not in a clinic slot"
        + (f" ({appointment.location})" if appointment.location else "")
    )
    return form_page(
        request,
        form_class=forms.RescheduleForm,
        form_kwargs={"slots": slots},
        title=f"Move {assessment.child.full_name}'s appointment"
        + ("" if booking else " into a clinic slot"),
        caption=f"Now {now}",
        intro="" if slots else "There is no free slot of this kind: set up a clinic first.",
        run=run,
        success_url=reverse("assessment-detail", args=[assessment.pk]),
        success_message="Appointment moved.",
        back_url=reverse("assessment-detail", args=[assessment.pk]),
        submit_label="Move appointment",
    )


@login_required
@about(Assessment)
def cancel_booking(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _health_assessment(request, pk)
    booking = _live_booking(assessment)

    def run(data):
        return services.booking_cancel(
            booking=booking, cancelled_by=data["cancelled_by"], note=data["note"], by=request.user
        )

    return form_page(
        request,
        form_class=forms.CancelBookingForm,
        title=f"Cancel {assessment.child.full_name}'s appointment",
        caption=_slot_label(booking.slot),
        intro="The slot is freed and the request goes back on the list to book.",
        run=run,
        success_url=reverse("clinic-to-book"),
        success_message="Appointment cancelled: rebook it from the list.",
        back_url=reverse("assessment-detail", args=[assessment.pk]),
        submit_label="Cancel appointment",
    )


@login_required
def day_list(request: HttpRequest) -> HttpResponse:
    """A clinician's printable clinic list for one day. The day is a GOV.UK date input; a bad
    or partial date is a 400 with the error summary and the message on the field."""
    _staff(request)
    clinicians = selectors.clinicians_of(request.user)
    clinician_id = request.GET.get("clinician", "")
    chosen = clinicians.filter(pk=clinician_id).first() if clinician_id.isdigit() else None
    data = request.GET.copy()
    parts = [f"date_{index}" for index in range(3)]
    if "date" not in data and not any((data.get(part) or "").strip() for part in parts):
        # Not asked (or all three fields left blank): today, shown in the fields.
        for part in parts:
            data.pop(part, None)
        data["date"] = today().isoformat()
    form = forms.DayListFilterForm(data)
    context = {"form": form, "clinicians": clinicians, "clinician": chosen, "rows": []}
    if not form.is_valid():
        return render(request, "clinics/day_list.html", context, status=400)
    day = form.cleaned_data["date"] or today()
    clinician = chosen
    if clinician is None and request.user in clinicians:
        clinician = request.user
    if clinician is None:
        # The health admin: the first clinician holding a clinic that day.
        holding = selectors.sessions_of(request.user).filter(date=day).values("clinician")
        clinician = clinicians.filter(pk__in=holding).first()
    rows = selectors.day_list(request.user, clinician, day) if clinician else []
    context.update(clinician=clinician, day=day, rows=rows)
    return render(request, "clinics/day_list.html", context)


@login_required
def missed(request: HttpRequest) -> HttpResponse:
    _staff(request)
    return render(
        request,
        "clinics/missed.html",
        {"rows": selectors.missed_appointments(request.user), "today": today()},
    )


def _forecast_context(request: HttpRequest):
    providers = selectors.forecast_providers(request.user)
    if not providers.exists():
        raise Http404("The capacity forecast is for health staff and designated professionals.")
    provider_id = request.GET.get("provider", "")
    chosen = list(providers.filter(pk=provider_id)) if provider_id.isdigit() else list(providers)
    if provider_id and not chosen:
        raise Http404("No such provider.")
    try:
        weeks = int(request.GET.get("weeks", 12))
    except ValueError:
        weeks = 12
    weeks = max(1, min(weeks, 26))
    results = selectors.capacity(request.user, providers=chosen, today=today(), weeks=weeks)
    return providers, chosen, weeks, results


@login_required
def capacity(request: HttpRequest) -> HttpResponse:
    providers, chosen, weeks, results = _forecast_context(request)
    return render(
        request,
        "clinics/capacity.html",
        {
            "providers": providers,
            "provider_id": request.GET.get("provider", ""),
            "weeks": weeks,
            "results": results,
        },
    )


@login_required
def capacity_csv(request: HttpRequest) -> HttpResponse:
    _, _, _, results = _forecast_context(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="capacity-forecast.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "provider",
            "week",
            "week_starts",
            "iha_due",
            "rha_due",
            "forecast_new_iha",
            "free_iha_slots",
            "free_rha_slots",
            "free_either_slots",
            "predicted_breaches",
        ]
    )
    for r in results:
        for w in r.weeks:
            writer.writerow(
                [
                    r.provider.name,
                    w.week,
                    w.starts.isoformat(),
                    w.iha_due,
                    w.rha_due,
                    w.forecast_iha,
                    w.supply.iha,
                    w.supply.rha,
                    w.supply.either,
                    w.shortfall,
                ]
            )
    return response


@login_required
def capacity_line(request: HttpRequest) -> HttpResponse:
    """The home page's line when any week is short (loaded by htmx, so the home page itself
    is unchanged for everyone else)."""
    short = selectors.forecast_providers(request.user).exists() and selectors.any_week_short(
        request.user, today()
    )
    return render(request, "clinics/_capacity_line.html", {"short": short})


@login_required
@about(Assessment)
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The invitation letter, with the social worker's copy, printable for post."""
    from apps.clinics.letters import invitation_pdf

    booking = _live_booking(_health_assessment(request, pk))
    response = HttpResponse(invitation_pdf(booking), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="invitation-{pk}.pdf"'
    return response


@login_required
@about(Assessment)
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _health_assessment(request, pk)
    booking = _live_booking(assessment)

    def run(data):
        return services.booking_send_invitation(
            booking=booking, carer_email=data["carer_email"], by=request.user
        )

    return form_page(
        request,
        form_class=forms.InvitationForm,
        initial={"carer_email": booking.carer_email},
        title=f"Send {assessment.child.full_name}'s invitation",
        caption=_slot_label(booking.slot),
        intro="The email says when and where, what to bring and how to rearrange: nothing clinical. "
        "The social worker's copy has the letter attached.",
        run=run,
        success_url=reverse("assessment-detail", args=[assessment.pk]),
        success_message="Invitation sent.",
        back_url=reverse("assessment-detail", args=[assessment.pk]),
        submit_label="Send invitation",
    )


# ---- Clinic policy (effective-dated) -------------------------------------------------------


def _policy_providers(request: HttpRequest):
    providers = selectors.policy_providers(request.user).order_by("name")
    if not providers.exists():
        raise Http404("Clinic policies are managed by health admins and designated nurses.")
    return providers


@login_required
def policy(request: HttpRequest) -> HttpResponse:
    """Each provider's clinic policy: the version in force today and the history."""
    providers = _policy_providers(request)
    on = today()
    versions = list(selectors.policy_versions(providers))
    rows = []
    for provider in providers:
        own = [v for v in versions if v.provider_id == provider.pk]
        in_force = services.policy_for(provider, on)
        rows.append(
            {
                "provider": provider,
                "versions": own,
                "in_force": in_force,
                "in_force_pk": in_force.pk,
                "upcoming": [v for v in own if v.effective_from > on],
            }
        )
    return render(request, "clinics/policy.html", {"rows": rows, "today": on})


@login_required
def policy_new(request: HttpRequest) -> HttpResponse:
    providers = list(_policy_providers(request))
    by_id = {p.pk: p for p in providers}
    chosen = request.GET.get("provider", "")
    start = by_id.get(int(chosen)) if chosen.isdigit() else None
    start = start or providers[0]
    current = services.policy_for(start, today())
    initial = {name: getattr(current, name) for name in services.POLICY_FIELDS}
    initial.update(provider=start.pk, effective_from=today())

    def run(data):
        provider = by_id.get(data.pop("provider"))
        if provider is None:
            raise ValidationError({"provider": "Select a provider whose policy you manage."})
        return services.clinic_policy_add(provider=provider, by=request.user, **data)

    return form_page(
        request,
        form_class=forms.ClinicPolicyForm,
        form_kwargs={"providers": providers},
        title="Add a new version of the clinic policy",
        caption=start.name if len(providers) == 1 else "Clinic policy",
        intro="The settings start as the version in force today. A new version applies from "
        "the date it takes effect until the next one.",
        run=run,
        success_url=reverse("clinic-policy"),
        success_message="New version of the clinic policy saved.",
        back_url=reverse("clinic-policy"),
        submit_label="Save new version",
        initial=initial,
    )
