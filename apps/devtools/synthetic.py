"""Synthetic populations for benchmarks: N children with care histories and about six
assessments each, written with bulk inserts (no services, no history rows), in the shape the
clock engine itself would produce."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from apps.accounts.models import Organisation, OrganisationKind, Team
from apps.assessments.models import Appointment, Assessment, DentalCheck
from apps.assessments.rules.clocks import iha_deadlines, rha_due, rha_request_due
from apps.children.models import Child, PeriodOfCare
from apps.core.working_days import WorkingDayCalendar
from apps.placements.models import Placement
from apps.policy.rules import DEFAULT_POLICY


@dataclass
class _Chain:
    child_index: int
    rows: list[dict]


def build_population(
    *, count: int, today: date, calendar: WorkingDayCalendar, seed: int = 7, batch: int = 5000
) -> dict:
    rng = random.Random(seed)
    la, _ = Organisation.objects.get_or_create(
        code="B01", defaults={"kind": OrganisationKind.LOCAL_AUTHORITY, "name": "Bench LA"}
    )
    provider, _ = Organisation.objects.get_or_create(
        code="BP1", defaults={"kind": OrganisationKind.PROVIDER, "name": "Bench provider"}
    )
    teams = [
        Team.objects.get_or_create(organisation=la, name=f"Bench team {i}")[0] for i in range(10)
    ]
    totals = {
        "children": 0,
        "periods": 0,
        "placements": 0,
        "assessments": 0,
        "appointments": 0,
        "dental": 0,
    }
    for start in range(0, count, batch):
        size = min(batch, count - start)
        with transaction.atomic():
            children = Child.objects.bulk_create(
                [
                    Child(
                        responsible_la=la,
                        la_child_id=f"B{start + i:08d}",
                        first_name="Bench",
                        last_name=f"Child{start + i}",
                        date_of_birth=today - timedelta(days=rng.randint(200, 17 * 365 + 300)),
                        sex=rng.choice("12"),
                        team=teams[(start + i) % len(teams)],
                    )
                    for i in range(size)
                ]
            )
            periods = []
            for child in children:
                # Entries skewed towards the past: about six assessments per child.
                earliest = child.date_of_birth + timedelta(days=1)
                span = max(0, (today - earliest).days - 1)
                entry = earliest + timedelta(days=int(span * rng.random() ** 0.8))
                periods.append(
                    PeriodOfCare(
                        child=child, start_date=entry, legal_status=rng.choice(["C2", "V2", "C1"])
                    )
                )
            periods = PeriodOfCare.objects.bulk_create(periods)
            Placement.objects.bulk_create(
                [
                    Placement(
                        child_id=p.child_id,
                        period_of_care=p,
                        start_date=p.start_date,
                        place="U6",
                        place_provider="PR1",
                        area=la,
                    )
                    for p in periods
                ]
            )
            # Assessments level by level: each RHA needs its predecessor's id.
            level = []
            for child, period in zip(children, periods, strict=True):
                deadlines = iha_deadlines(period.start_date, calendar, DEFAULT_POLICY)
                level.append(
                    (
                        child,
                        period,
                        None,
                        period.start_date,
                        deadlines.request_due,
                        deadlines.due,
                        "IHA",
                    )
                )
            made = 0
            appointments = []
            while level:
                rows = []
                for child, period, previous, clock_start, request_due, due, kind in level:
                    held = None
                    sent = (
                        clock_start + timedelta(days=rng.randint(1, 12))
                        if kind == "IHA"
                        else request_due - timedelta(days=rng.randint(-5, 20))
                    )
                    if sent > today:
                        sent = None
                    complete = sent + timedelta(days=rng.randint(0, 4)) if sent else None
                    if complete and complete > today:
                        complete = None
                    if complete:
                        candidate = due + timedelta(days=rng.randint(-25, 15))
                        if complete <= candidate <= today:
                            held = candidate
                    rows.append(
                        Assessment(
                            child=child,
                            period_of_care=period,
                            kind=kind,
                            previous_id=previous.pk if previous else None,
                            provider=provider if sent else None,
                            clock_start=clock_start,
                            request_due=request_due,
                            due_date=due,
                            request_sent_on=sent,
                            request_complete_on=complete,
                            held_on=held,
                            clinician_role="PAEDIATRICIAN" if held else "",
                            report_returned_on=held + timedelta(days=rng.randint(0, 12))
                            if held and held + timedelta(days=12) <= today
                            else None,
                        )
                    )
                created = Assessment.objects.bulk_create(rows)
                made += len(created)
                for assessment in created:
                    if assessment.held_on:
                        appointments.append(
                            Appointment(
                                assessment=assessment,
                                appointment_date=assessment.held_on,
                                booked_on=assessment.request_complete_on,
                                outcome="ATTENDED",
                                outcome_recorded_on=assessment.held_on,
                            )
                        )
                next_level = []
                for assessment, (child, period, *_rest) in zip(created, level, strict=True):
                    if assessment.held_on is None:
                        continue
                    due = rha_due(assessment.held_on, child.date_of_birth)
                    next_level.append(
                        (
                            child,
                            period,
                            assessment,
                            assessment.held_on,
                            rha_request_due(due, calendar, DEFAULT_POLICY),
                            due,
                            "RHA",
                        )
                    )
                level = next_level
            Appointment.objects.bulk_create(appointments, batch_size=5000)
            dental = [
                DentalCheck(
                    child=child,
                    # Never before birth (the database refuses that).
                    checked_on=max(
                        child.date_of_birth + timedelta(days=1),
                        today - timedelta(days=rng.randint(1, 500)),
                    ),
                )
                for child in children
                if rng.random() < 0.8
            ]
            DentalCheck.objects.bulk_create(dental)
        totals["children"] += size
        totals["periods"] += len(periods)
        totals["placements"] += len(periods)
        totals["assessments"] += made
        totals["appointments"] += len(appointments)
        totals["dental"] += len(dental)
    return totals
