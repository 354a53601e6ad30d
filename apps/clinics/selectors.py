"""Reads of the clinic diary. Every list of children starts from the one access rule
(assessments_visible_to); clinics are the provider's own records, read by its health staff."""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import reduce
from operator import or_

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, RowNumber, TruncWeek

from apps.accounts.models import HEALTH_PROVIDER_ROLES, Organisation, OrganisationKind, Role, User
from apps.assessments.models import Appointment, Assessment
from apps.assessments.selectors import assessments_visible_to
from apps.children.models import Child
from apps.children.selectors import child_scope
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
    from apps.clinics.services import PolicyBook

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
    # The follow-up is due by the policy in force on the day of the missed appointment.
    policies = PolicyBook([user.organisation_id])
    return [
        MissedRow(
            a,
            rules.follow_up_due(
                a.appointment_date,
                calendar,
                policies.on(user.organisation_id, a.appointment_date).follow_up_working_days,
            ),
            a.rebooked_for,
        )
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


def _first_served_by(provider_id: int) -> QuerySet:
    """The LAs whose serving provider (the first by id of the providers serving the area)
    is this one: an uncorrelated subquery, which the database evaluates once per query as
    a hashed set, where a subquery per assessment would run once per row."""
    through = Organisation.areas.through
    return (
        through.objects.filter(from_organisation__kind=OrganisationKind.PROVIDER)
        .values("to_organisation_id")
        .annotate(first=Min("from_organisation_id"))
        .filter(first=provider_id)
        .values("to_organisation_id")
    )


# At most this many predicted breaches are listed by child per provider (the counts are
# always whole): a page of hundreds of names helps nobody plan a clinic.
BREACH_LIST_LIMIT = 200


@dataclass(frozen=True)
class ListedChild:
    """A predicted breach the user may see: the assessment and its child."""

    pk: int  # the assessment
    child_id: int
    child_name: str


@dataclass
class ProviderForecast:
    provider: Organisation
    weeks: list[forecast.WeekForecast]
    children: dict[int, ListedChild]  # the named breaches the user may see, by assessment id

    @property
    def short_weeks(self) -> list[forecast.WeekForecast]:
        return [w for w in self.weeks if w.short]

    @property
    def named_breaches(self) -> int:
        return sum(w.named_breaches for w in self.weeks)

    @property
    def listed_breaches(self) -> int:
        return sum(len(w.breaches) for w in self.weeks)

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
    def breach_rows(self) -> list[tuple[forecast.WeekForecast, forecast.Due, ListedChild | None]]:
        return [(w, d, self.children.get(int(d.key))) for w in self.short_weeks for d in w.breaches]


def _unbooked_due(ids: list[int], first: date, horizon: date) -> QuerySet[Assessment]:
    """The open assessments without an appointment whose deadline falls before the horizon,
    of the children in care, with the provider they fall to (`owner`: the provider asked,
    or for a request not yet sent the provider serving the child's LA) and the Monday of
    their forecast week (`week`; overdue work counts in week 1)."""
    booked = Appointment.objects.filter(assessment=OuterRef("pk"), outcome="BOOKED")
    # Not yet sent: the provider serving the child's LA, from one small set of LAs per
    # provider (the LAs each provider serves first), the same for every row.
    served = {pk: _first_served_by(pk) for pk in ids}
    serving = Case(
        *(When(child__responsible_la_id__in=las, then=Value(pk)) for pk, las in served.items()),
        default=Value(None),
        output_field=IntegerField(),
    )
    not_sent_to_ours = reduce(
        or_, (Q(child__responsible_la_id__in=las) for las in served.values()), Q(pk__in=[])
    )
    return (
        Assessment.objects.filter(_open(), due_date__lt=horizon)
        .filter(Q(provider_id__in=ids) | (Q(provider_id__isnull=True) & not_sent_to_ours))
        .filter(Exists(_in_care()), ~Exists(booked))
        .annotate(owner=Coalesce(F("provider_id"), serving, output_field=IntegerField()))
        .annotate(
            week=Greatest(
                TruncWeek("due_date", output_field=DateField()),
                Value(first, output_field=DateField()),
            )
        )
    )


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") else value


def capacity(
    user: User,
    *,
    providers: list[Organisation],
    today: date,
    weeks: int = 12,
    named: bool = True,
) -> list[ProviderForecast]:
    """The forecast for each provider, set-based: the database counts the demand per
    provider x week x kind and the free slots per provider x week x kind, and (after the
    week-by-week arithmetic on those counts, forecast.simulate) picks the predicted breaches
    by their rank within the week and kind, latest deadline first, with whether the user
    may see the child. Four queries whatever the number of children or providers; Python
    touches the weeks and the listed children only (at most BREACH_LIST_LIMIT a provider)."""
    ids = [p.pk for p in providers]
    first = forecast.week_start(today)
    horizon = first + timedelta(weeks=weeks)
    demand_rows = (
        _unbooked_due(ids, first, horizon).values("owner", "week", "kind").annotate(n=Count("pk"))
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
    demand: dict[int, dict[int, dict[str, int]]] = {pk: {} for pk in ids}
    for row in demand_rows:
        week = forecast.week_number(first, _as_date(row["week"]))
        demand[row["owner"]].setdefault(week, {"IHA": 0, "RHA": 0})[row["kind"]] = row["n"]
    supply: dict[int, dict[int, dict[str, int]]] = {pk: {} for pk in ids}
    for row in slot_rows:
        week = forecast.week_number(first, _as_date(row["week"]))
        counts = supply[row["session__provider_id"]].setdefault(
            week, {"IHA": 0, "RHA": 0, "EITHER": 0}
        )
        if row["session__kind"] in counts:
            counts[row["session__kind"]] += row["n"]
    rates = {row["provider_id"]: row["n"] for row in entries}
    lag = -(-20 // 5)
    results = []
    for provider in providers:
        result = forecast.simulate(
            today=today,
            weeks=weeks,
            demand={
                w: forecast.Demand(iha=c["IHA"], rha=c["RHA"])
                for w, c in demand[provider.pk].items()
            },
            supply={
                w: forecast.Supply(iha=c["IHA"], rha=c["RHA"], either=c["EITHER"])
                for w, c in supply[provider.pk].items()
            },
            forecast_iha=forecast.forecast_per_week(rates.get(provider.pk, 0), weeks, lag),
        )
        results.append(ProviderForecast(provider, result, {}))
    if named:
        _name_breaches(user, results, first, horizon)
    return results


def _name_breaches(user: User, results: list[ProviderForecast], first: date, horizon: date) -> None:
    """One query for the named breaches of every provider: within each provider x week x
    kind, the `n` latest deadlines (ties: the later request), where `n` is the week's
    breaches of that kind, cut so that a provider lists at most BREACH_LIST_LIMIT (its
    earliest weeks first)."""
    allowed = []
    for r in results:
        room = BREACH_LIST_LIMIT
        for w in r.weeks:
            for kind, lost in (("IHA", w.iha_breaches), ("RHA", w.rha_breaches)):
                take = min(lost, room)
                if take:
                    room -= take
                    allowed.append(
                        When(
                            owner=r.provider.pk,
                            week=w.starts,
                            kind=kind,
                            then=Value(take),
                        )
                    )
    if not allowed:
        return
    scope = child_scope(user)
    visible = (
        Exists(Child.objects.filter(scope, pk=OuterRef("child_id")))
        if scope is not None
        else Value(False)
    )
    rows = (
        _unbooked_due([r.provider.pk for r in results], first, horizon)
        .annotate(
            allowed=Case(*allowed, default=Value(0), output_field=IntegerField()),
            rank=Window(
                RowNumber(),
                partition_by=[F("owner"), F("week"), F("kind")],
                order_by=[F("due_date").desc(), F("pk").desc()],
            ),
        )
        .filter(allowed__gt=0, rank__lte=F("allowed"))
        .annotate(visible=visible)
        .values_list(
            "pk",
            "kind",
            "due_date",
            "owner",
            "week",
            "child_id",
            "child__first_name",
            "child__last_name",
            "visible",
        )
    )
    by_provider = {r.provider.pk: r for r in results}
    for pk, kind, due_date, owner, week, child_id, first_name, last_name, seen in rows:
        result = by_provider[owner]
        number = forecast.week_number(first, _as_date(week))
        result.weeks[number - 1].breaches.append(forecast.Due(pk, kind, due_date))
        if seen:
            result.children[pk] = ListedChild(pk, child_id, f"{first_name} {last_name}")
    for r in results:
        for w in r.weeks:
            w.breaches.sort(key=lambda d: (d.deadline, d.key))


def policy_providers(user: User) -> QuerySet[Organisation]:
    """The providers whose clinic policy the user may manage (apps/access): a health admin
    their own provider; a designated professional the providers serving the commissioner's
    areas (those whose forecast they read)."""
    from apps.access import Capability, may

    if not may(user, Capability.CLINIC_POLICY_MANAGE):
        return Organisation.objects.none()
    if user.role == Role.HEALTH_ADMIN:
        return Organisation.objects.filter(kind=OrganisationKind.PROVIDER, pk=user.organisation_id)
    return forecast_providers(user)


def policy_versions(providers: QuerySet[Organisation]) -> QuerySet:
    from apps.clinics.models import ClinicPolicy

    return (
        ClinicPolicy.objects.filter(provider__in=providers.values("pk"))
        .select_related("provider", "created_by")
        .order_by("provider__name", "-effective_from")
    )


def any_week_short(user: User, today: date) -> bool:
    providers = list(forecast_providers(user))
    if not providers:
        return False
    results = capacity(user, providers=providers, today=today, named=False)
    return any(r.short_weeks for r in results)
