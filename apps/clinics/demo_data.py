"""The demo's clinic diary (issue 15): for each demo provider, four weeks of clinics from
this week (a paediatrician's IHA clinic on Tuesday mornings where the provider has a
medical adviser, a nurse's RHA clinic on Thursday afternoons), a current clinic policy,
and the most urgent requests to book filled into about half the slots of the first two
weeks, earliest deadline first, so the diary shows booked and free slots and the capacity
forecast has supply against the demand. Everything goes through the services, as a health
admin would do it. Called once from apps/core/demo.py (seed_demo), after the children."""

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.core.exceptions import ValidationError

from apps.accounts.models import Organisation, OrganisationKind, Role, User
from apps.clinics import rules, selectors, services
from apps.clinics.models import ClinicPolicy, ClinicSession

WEEKS = 4
BOOKED_WEEKS = 2


@dataclass
class ClinicDemo:
    sessions: int = 0
    slots: int = 0
    booked: int = 0


def _first_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _clinic_plans(provider: Organisation, today: date) -> list[dict]:
    staff = User.objects.filter(organisation=provider, is_active=True)
    doctor = staff.filter(role=Role.MEDICAL_ADVISER).order_by("pk").first()
    nurse = staff.filter(role=Role.LAC_NURSE).order_by("pk").first()
    venue = {
        "RYY": ("Ashford Child Health Centre", "Kennington Road, Ashford", "TN24 0LZ"),
        "NQV": ("Gillingham Children's Centre", "Canterbury Street, Gillingham", "ME7 5TL"),
    }.get(provider.code, (f"{provider.name} clinic", "1 High Street", "ME1 1AA"))
    plans = []
    if doctor:
        plans.append(
            {
                "kind": rules.ClinicKind.IHA,
                "weekday": 1,  # Tuesday
                "hours": (time(9), time(12)),
                "clinician": doctor,
                "clinician_role": "PAEDIATRICIAN",
                "venue": venue,
            }
        )
    if nurse:
        plans.append(
            {
                "kind": rules.ClinicKind.RHA,
                "weekday": 3,  # Thursday
                "hours": (time(13, 30), time(16)),
                "clinician": nurse,
                "clinician_role": "LAC_NURSE",
                "venue": venue,
            }
        )
    return plans


def clinic_journeys(*, orgs: dict[str, Organisation], today: date, seed: int = 2026) -> ClinicDemo:
    """Set up the demo providers' clinics and book some of their requests (deterministic for
    a given day; `seed` is taken for symmetry with the other demo steps)."""
    made = ClinicDemo()
    providers = sorted(
        (o for o in orgs.values() if o.kind == OrganisationKind.PROVIDER), key=lambda o: o.code
    )
    for provider in providers:
        admin = (
            User.objects.filter(organisation=provider, role=Role.HEALTH_ADMIN)
            .order_by("pk")
            .first()
        )
        plans = _clinic_plans(provider, today)
        if not plans:
            continue
        creator = admin or plans[0]["clinician"]
        if not ClinicPolicy.objects.filter(provider=provider).exists():
            services.clinic_policy_add(
                provider=provider,
                effective_from=today,
                by=creator,
                contact_phone="0300 123 4567",
                contact_email=f"lac.health.{provider.code.lower()}@example.nhs.uk",
            )
        for plan in plans:
            start, end = plan["hours"]
            name, address, postcode = plan["venue"]
            try:
                result = services.clinic_sessions_create(
                    provider=provider,
                    kind=plan["kind"],
                    first_date=_first_on_or_after(today, plan["weekday"]),
                    start_time=start,
                    end_time=end,
                    venue_name=name,
                    venue_address=address,
                    venue_postcode=postcode,
                    clinician=plan["clinician"],
                    clinician_role=plan["clinician_role"],
                    created_by=creator,
                    weeks=WEEKS,
                )
            except ValidationError:
                continue  # already set up (a clash with the same clinic): run again safely
            made.sessions += len(result.sessions)
            made.slots += sum(s.slots.count() for s in result.sessions)
        booker = admin or plans[0]["clinician"]
        made.booked += _book_some(booker, provider, today)
    return made


def _book_some(booker: User, provider: Organisation, today: date) -> int:
    """Fill about half the slots of the first weeks' clinics with the requests to book,
    earliest deadline first (the bulk booking a health admin does)."""
    if not selectors.manages_clinics(booker, provider.pk):
        return 0
    horizon = _first_on_or_after(today, 0) + timedelta(weeks=BOOKED_WEEKS)
    sessions = ClinicSession.objects.filter(
        provider=provider, date__gte=today, date__lt=horizon, cancelled_on__isnull=True
    ).order_by("date", "start_time")
    booked = 0
    for session in sessions:
        free = services.free_slots(session.slots.all()).count()
        wanted = [
            a
            for a in selectors.requests_to_book(booker)[:100]
            if rules.assessment_fits(session.kind, a.kind)
        ][: max(1, free // 2)]
        if not wanted:
            continue
        result = services.session_bulk_book(session=session, assessments=wanted, booked_by=booker)
        booked += len(result.booked)
    return booked
