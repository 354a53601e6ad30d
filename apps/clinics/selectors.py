"""Reads of the clinic diary. Every list of children starts from the one access rule
(assessments_visible_to); clinics are the provider's own records, read by its health staff."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncWeek

from apps.accounts.models import HEALTH_PROVIDER_ROLES, Organisation, OrganisationKind, Role, User
from apps.assessments.models import Appointment, Assessment
from apps.assessments.selectors import assessments_visible_to
from apps.clinics import forecast, rules
from apps.clinics.models import Booking, ClinicSession, Slot
from apps.core.selectors import working_day_calendar


def manages_clinics(user: User, provider_id: int | None = None) -> bool:
    """Only the provider's health staff manage its clinics (DOMAIN.md 9: health admin books,
    nurses and paediatricians as health admin)."""
    if user.role not in HEALTH_PROVIDER_ROLES or user.organisation_id is None:
        return False
    return provider_id is None or provider_id == user.organisation_id


def sessions_of(user: User) -> QuerySet[ClinicSession]:
    if not manages_clinics(user):
        return ClinicSession.objects.none()
    return ClinicSession.objects.filter(provider_id=user.organisation_id)


def slots_of(user: User) -> QuerySet[Slot]:
    return Slot.objects.filter(session__in=sessions_of(user).values("pk"))


def _live(outer: str = "pk") -> QuerySet[Booking]:
    return Booking.objects.filter(slot=OuterRef(outer), released_at__isnull=True)


def free_slots(slots: QuerySet[Slot]) -> QuerySet[Slot]:
    return slots.filter(~Exists(_live()), session__cancelled_on__isnull=True)


def _open() -> Q:
    return Q(held_on__isnull=True, declined_on__isnull=True, not_required_reason="")


def _in_care() -> QuerySet:
    """The child has an open period of care (a child who left care needs no appointment)."""
    from apps.children.models import PeriodOfCare

    return PeriodOfCare.objects.filter(child=OuterRef("child"), end_date__isnull=True)


def requests_to_book(user: User) -> QuerySet[Assessment]:
    """The health admin's list of requests to book: open requests to the user's provider with
    no appointment booked, earliest deadline first; a request whose last appointment health
    cancelled is flagged for rebooking."""
    if not manages_clinics(user):
        return Assessment.objects.none()
    booked = Appointment.objects.filter(assessment=OuterRef("pk"), outcome="BOOKED")
    last = Appointment.objects.filter(assessment=OuterRef("pk")).order_by(
        "-appointment_date", "-id"
    )
    return (
        assessments_visible_to(user)
        .filter(_open(), provider_id=user.organisation_id, request_sent_on__isnull=False)
        .filter(~Exists(booked), Exists(_in_care()))
        .annotate(
            last_outcome=Subquery(last.values("outcome")[:1]),
            last_cancelled_by=Subquery(last.values("cancelled_by")[:1]),
        )
        .select_related("child")
        .order_by("due_date", "id")
    )


def bookable_sessions(user: User, kind: str | None = None) -> QuerySet[ClinicSession]:
    """Upcoming clinics of the user's provider with at least one free slot."""
    from apps.core.services import today

    sessions = sessions_of(user).filter(date__gte=today(), cancelled_on__isnull=True)
    if kind:
        kinds = [k for k in rules.ClinicKind if rules.assessment_fits(k, kind)]
        sessions = sessions.filter(kind__in=kinds)
    free = free_slots(Slot.objects.filter(session=OuterRef("pk")))
    return (
        sessions.annotate(
            free_count=Subquery(free.values("session").annotate(n=Count("pk")).values("n")[:1])
        )
        .filter(free_count__gt=0)
        .select_related("clinician")
    )


@dataclass
class SlotRow:
    slot: Slot
    booking: Booking | None

    @property
    def status(self) -> str:
        if self.booking is None:
            return "Free"
        return self.booking.appointment.get_outcome_display()


def _slot_rows(sessions: list[ClinicSession]) -> dict[int, list[SlotRow]]:
    live = {
        b.slot_id: b
        for b in Booking.objects.filter(
            slot__session__in=[s.pk for s in sessions], released_at__isnull=True
        ).select_related("appointment", "appointment__assessment", "appointment__assessment__child")
    }
    rows: dict[int, list[SlotRow]] = {s.pk: [] for s in sessions}
    for slot in Slot.objects.filter(session__in=[s.pk for s in sessions]).order_by("start_time"):
        rows[slot.session_id].append(SlotRow(slot, live.get(slot.pk)))
    return rows


def week_diary(user: User, monday: date) -> list[tuple[ClinicSession, list[SlotRow]]]:
    """The provider's clinics in the week, as rows, each with its slots (a constant number
    of queries, whatever the number of clinics)."""
    sessions = list(
        sessions_of(user)
        .filter(date__gte=monday, date__lt=monday + timedelta(days=7))
        .select_related("clinician")
    )
    rows = _slot_rows(sessions)
    return [(s, rows[s.pk]) for s in sessions]


def day_list(user: User, clinician: User, day: date) -> list[tuple[ClinicSession, list[SlotRow]]]:
    sessions = list(
        sessions_of(user).filter(clinician=clinician, date=day).select_related("clinician")
    )
    rows = _slot_rows(sessions)
    return [(s, rows[s.pk]) for s in sessions]


def clinicians_of(user: User) -> QuerySet[User]:
    if not manages_clinics(user):
        return User.objects.none()
    return User.objects.filter(
        organisation_id=user.organisation_id,
        role__in=[Role.LAC_NURSE, Role.MEDICAL_ADVISER],
        is_active=True,
    ).order_by("last_name", "first_name", "username")


@dataclass
class MissedRow:
    appointment: Appointment
    follow_up_due: date
    rebooked_for: date | None


def missed_appointments(user: User) -> list[MissedRow]:
    """ "Did not attend / was not brought" for the user's provider, with the follow-up due
    (Default 5 working days, the provider's policy) and whether a new appointment is booked."""
    from apps.clinics.services import policy_for

    if not manages_clinics(user):
        return []
    later = Appointment.objects.filter(
        assessment=OuterRef("assessment"),
        outcome="BOOKED",
        appointment_date__gt=OuterRef("appointment_date"),
    )
    missed = (
        Appointment.objects.filter(
            outcome="WAS_NOT_BROUGHT",
            assessment__in=assessments_visible_to(user).filter(provider_id=user.organisation_id),
        )
        .annotate(rebooked_for=Subquery(later.values("appointment_date")[:1]))
        .select_related("assessment", "assessment__child")
        .order_by("-appointment_date", "id")
    )
    calendar = working_day_calendar()
    days = policy_for(user.organisation).follow_up_working_days
    return [
        MissedRow(a, rules.follow_up_due(a.appointment_date, calendar, days), a.rebooked_for)
        for a in missed
    ]


# ---- Capacity forecast -------------------------------------------------------------------


def forecast_providers(user: User) -> QuerySet[Organisation]:
    """Health staff see their own provider; a designated professional every provider serving
    the commissioner's areas; performance managers and admins none."""
    providers = Organisation.objects.filter(kind=OrganisationKind.PROVIDER)
    if manages_clinics(user):
        return providers.filter(pk=user.organisation_id)
    if user.role == Role.DESIGNATED and user.organisation_id:
        areas = user.organisation.areas.values("pk")
        return providers.filter(areas__in=areas).distinct()
    return providers.none()


def _serving_provider() -> Subquery:
    """For a request not yet sent (no provider yet), the provider serving the child's LA
    (the first by id when several do)."""
    through = Organisation.areas.through
    return Subquery(
        through.objects.filter(to_organisation=OuterRef("child__responsible_la"))
        .filter(from_organisation__kind=OrganisationKind.PROVIDER)
        .order_by("from_organisation_id")
        .values("from_organisation_id")[:1]
    )


@dataclass
class ProviderForecast:
    provider: Organisation
    weeks: list[forecast.WeekForecast]
    children: dict[int, Assessment]  # the named breaches the user may see, by assessment id

    @property
    def short_weeks(self) -> list[forecast.WeekForecast]:
        return [w for w in self.weeks if w.short]

    @property
    def chart(self) -> dict:
        """Bar geometry for the page's SVG chart (heights out of 160 pixels)."""
        peak = max([1] + [max(w.demand, w.free_slots) for w in self.weeks])
        bars = []
        for index, week in enumerate(self.weeks):
            demand_h = round(160 * week.demand / peak)
            supply_h = round(160 * week.free_slots / peak)
            x = 10 + index * 44
            bars.append(
                {
                    "week": week,
                    "x": x,
                    "x2": x + 18,
                    "demand_h": demand_h,
                    "demand_y": 165 - demand_h,
                    "supply_h": supply_h,
                    "supply_y": 165 - supply_h,
                }
            )
        return {"width": 20 + 44 * len(self.weeks), "bars": bars}

    @property
    def breach_rows(self) -> list[tuple[forecast.WeekForecast, forecast.Due, Assessment | None]]:
        return [(w, d, self.children.get(d.key)) for w in self.short_weeks for d in w.breaches]


def capacity(user: User, *, providers: list[Organisation], today: date, weeks: int = 12):
    """The forecast for each provider, set-based: one query for the open unbooked deadlines,
    one for the free slots by week and kind, one for the entry rate, one for the named
    children, whatever the number of children or providers."""
    ids = [p.pk for p in providers]
    first = forecast.week_start(today)
    horizon = first + timedelta(weeks=weeks)
    booked = Appointment.objects.filter(assessment=OuterRef("pk"), outcome="BOOKED")
    due_rows = (
        Assessment.objects.filter(_open(), due_date__lt=horizon)
        .filter(Exists(_in_care()), ~Exists(booked))
        .annotate(for_provider=F("provider_id"))
        .annotate(serving=_serving_provider())
        .filter(Q(provider_id__in=ids) | Q(provider__isnull=True, serving__in=ids))
        .values_list("pk", "kind", "due_date", "provider_id", "serving")
    )
    slot_rows = (
        free_slots(Slot.objects.filter(session__provider_id__in=ids))
        .filter(session__date__gte=max(today, first), session__date__lt=horizon)
        .annotate(week=TruncWeek("session__date"))
        .values("session__provider_id", "week", "session__kind")
        .annotate(n=Count("pk"))
    )
    entries = (
        Assessment.objects.filter(
            kind="IHA",
            provider_id__in=ids,
            clock_start__gte=today - timedelta(weeks=52),
            clock_start__lt=today,
        )
        .values("provider_id")
        .annotate(n=Count("pk"))
    )
    due_by_provider: dict[int, list[forecast.Due]] = {pk: [] for pk in ids}
    for pk, kind, due_date, provider_id, serving in due_rows:
        due_by_provider[provider_id or serving].append(forecast.Due(pk, kind, due_date))
    supply: dict[int, dict[int, dict[str, int]]] = {pk: {} for pk in ids}
    for row in slot_rows:
        week = forecast.week_number(
            first, row["week"].date() if hasattr(row["week"], "date") else row["week"]
        )
        counts = supply[row["session__provider_id"]].setdefault(
            week, {"IHA": 0, "RHA": 0, "EITHER": 0}
        )
        if row["session__kind"] in counts:
            counts[row["session__kind"]] += row["n"]
    rates = {row["provider_id"]: row["n"] for row in entries}
    lag = -(-20 // 5)
    results = []
    for provider in providers:
        result = forecast.capacity_forecast(
            today=today,
            weeks=weeks,
            due=due_by_provider[provider.pk],
            supply={
                w: forecast.Supply(iha=c["IHA"], rha=c["RHA"], either=c["EITHER"])
                for w, c in supply[provider.pk].items()
            },
            forecast_iha=forecast.forecast_per_week(rates.get(provider.pk, 0), weeks, lag),
        )
        results.append(ProviderForecast(provider, result, {}))
    named = {d.key for r in results for w in r.weeks for d in w.breaches}
    visible = {
        a.pk: a
        for a in assessments_visible_to(user)
        .filter(pk__in=named)
        .select_related("child")
        .only("pk", "kind", "due_date", "child__first_name", "child__last_name")
    }
    for r in results:
        r.children = visible
    return results


def any_week_short(user: User, today: date) -> bool:
    providers = list(forecast_providers(user))
    if not providers:
        return False
    return any(r.short_weeks for r in capacity(user, providers=providers, today=today))
