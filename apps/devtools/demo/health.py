"""The demo children's health journeys: every assessment walked through the workflow with
realistic timings and mishaps, and the annual records (dental, SDQ, outcomes)."""

import random
from datetime import date, timedelta

from apps.accounts.models import Organisation, User
from apps.clinics.demo_data import clinic_journeys
from apps.core.working_days import age_on, date_of_age
from apps.devtools.demo.children import _random_date

# Health journeys ---------------------------------------------------------------------------


def health_journeys(*, orgs: dict[str, Organisation], today: date, seed: int = 2026) -> None:
    """Walk every demo child's assessments through the workflow with realistic timings and
    the usual mishaps (late requests, cancellations, children not brought, late reports)."""
    from apps.assessments.models import Assessment
    from apps.assessments.recompute import recompute_children
    from apps.children.models import Child

    rng = random.Random(seed + 1)
    provider = orgs["RYY"]
    nurse = User.objects.get(username="nurse")
    admin = User.objects.get(username="healthadmin")
    for child in Child.objects.select_related("team").order_by("pk"):
        requester = User.objects.filter(team=child.team).first()
        for _step in range(10):
            recompute_children([child.pk], today=today)
            assessment = (
                Assessment.objects.filter(
                    child=child,
                    held_on__isnull=True,
                    declined_on__isnull=True,
                    not_required_reason="",
                )
                .order_by("due_date")
                .first()
            )
            if assessment is None or not _journey_step(
                rng, assessment, requester, nurse, admin, provider, today
            ):
                break
        _annual_records(rng, child, nurse, requester, today)
    clinic_journeys(orgs=orgs, today=today, seed=seed)  # the clinics' diary (issue 15)
    recompute_children(list(Child.objects.values_list("pk", flat=True)), today=today)


def _journey_step(rng, assessment, requester, nurse, admin, provider, today) -> bool:
    """One assessment from request to report. False when the journey stops (in the future,
    or left without a request)."""
    from apps.assessments import services
    from apps.core.selectors import working_day_calendar

    calendar = working_day_calendar()
    if assessment.request_sent_on is None:
        if rng.random() < 0.05 and assessment.due_date < today:
            return False  # never requested: an undetermined breach for the dashboards
        if assessment.kind == "IHA":
            working_day = rng.choices(
                [1, 2, 3, 4, 5, 6, 8, 12], weights=[20, 25, 20, 12, 10, 5, 5, 3]
            )[0]
            sent_on = calendar.add_working_days(assessment.clock_start, working_day)
        else:
            sent_on = assessment.request_due + timedelta(days=rng.randint(-10, 12))
        if sent_on > today - timedelta(days=1):
            return False
        complete_on = (
            sent_on
            if rng.random() < 0.75
            else calendar.add_working_days(sent_on, rng.randint(1, 8))
        )
        services.assessment_request(
            assessment=assessment,
            sent_on=sent_on,
            provider=provider,
            requested_by=requester,
            consent_obtained_on=sent_on,
            request_complete_on=complete_on if complete_on <= today else None,
        )
        assessment.refresh_from_db()
    if assessment.request_complete_on is None:
        return False
    booked_on = assessment.request_complete_on + timedelta(days=rng.randint(0, 3))
    appointment_date = booked_on + timedelta(days=rng.randint(5, 22))
    for _attempt in range(3):
        if booked_on > today:
            return False
        appointment = services.appointment_book(
            assessment=assessment,
            appointment_date=appointment_date,
            booked_on=booked_on,
            booked_by=admin,
            location="Child health clinic",
        )
        if appointment_date > today:
            return False
        roll = rng.random()
        if roll < 0.08:
            outcome, who = "CANCELLED", rng.choice(["CARER", "YOUNG_PERSON"])
        elif roll < 0.13:
            outcome, who = "WAS_NOT_BROUGHT", ""
        elif roll < 0.18:
            outcome, who = "CANCELLED", "HEALTH"
        else:
            break
        services.appointment_record_outcome(
            appointment=appointment,
            outcome=outcome,
            cancelled_by=who,
            recorded_by=admin,
            recorded_on=appointment_date,
        )
        booked_on = appointment_date
        appointment_date = appointment_date + timedelta(days=rng.randint(7, 16))
    else:
        return False
    services.assessment_complete(
        assessment=assessment,
        held_on=appointment_date,
        clinician_role="PAEDIATRICIAN"
        if assessment.kind == "IHA"
        else rng.choice(["LAC_NURSE", "PAEDIATRICIAN"]),
        completed_by=nurse,
        outcome_summary="Growth and development reviewed; health plan agreed with carer.",
        immunisation_status=rng.choices(
            ["UP_TO_DATE", "NOT_UP_TO_DATE", "UNKNOWN"], weights=[80, 15, 5]
        )[0],
        health_plan_summary="Health plan agreed.",
        health_plan_actions=[
            {
                "need": "Dental registration",
                "action": "Register with a local dentist",
                "owner": "Carer",
                "due_date": appointment_date + timedelta(days=30),
            },
        ],
    )
    returned_on = appointment_date + timedelta(days=rng.choice([0, 1, 2, 3, 5, 8, 14, 20]))
    if returned_on <= today:
        assessment.refresh_from_db()
        services.assessment_return_report(
            assessment=assessment, returned_on=returned_on, returned_by=admin
        )
    return True


def _annual_records(rng, child, nurse, social_worker, today) -> None:
    """Dental checks, the carer's SDQ a month or two into care and then every year (so that
    every year to 31 March in care has one), and the SSDA903 outcomes of each year to
    31 March the child was looked after throughout."""
    from apps.assessments import services
    from apps.children.models import AnnualOutcome

    dob = child.date_of_birth
    periods = list(child.periods_of_care.order_by("start_date"))
    for period in periods:
        last_day = min(period.end_date or today, today - timedelta(days=1))
        day = period.start_date + timedelta(days=rng.randint(30, 90))
        while day <= last_day:
            _sdq(rng, services, child, day, social_worker)
            day += timedelta(days=rng.randint(300, 350))
        for year_ending in range(period.start_date.year, today.year + 1):
            end = date(year_ending, 3, 31)
            looked_after_throughout = period.start_date <= date(year_ending - 1, 4, 1) and (
                period.end_date is None or period.end_date >= end
            )
            if looked_after_throughout and end < today:
                AnnualOutcome.objects.create(
                    child=child, year_ending=end, **_outcome(rng, dob, end)
                )
    period = periods[-1] if periods else None
    if period is None or period.end_date is not None:
        return
    if rng.random() < 0.75 and period.start_date < today - timedelta(days=30):
        services.dental_check_record(
            child=child,
            checked_on=_random_date(
                rng, max(period.start_date, today - timedelta(days=420)), today - timedelta(days=1)
            ),
            recorded_by=nurse,
            practice="High Street Dental",
        )


def _sdq(rng, services, child, day, social_worker) -> None:
    """The SDQ is for children aged 4 to 16; the year a child turns 4 or 17 records why
    there is none (SDQ1)."""
    age = age_on(child.date_of_birth, day)
    if age < 4 and date_of_age(child.date_of_birth, 4) > day + timedelta(days=365):
        return
    if age < 4 or age > 16:
        services.sdq_record(
            child=child, completed_on=day, recorded_by=social_worker, reason_not_completed="SDQ1"
        )
        return
    if rng.random() < 0.05:  # carer or young person refused, or another reason
        services.sdq_record(
            child=child,
            completed_on=day,
            recorded_by=social_worker,
            reason_not_completed=rng.choice(["SDQ2", "SDQ4"] + (["SDQ5"] if age >= 11 else [])),
        )
        return
    scores = [rng.randint(0, 8) for _ in range(4)]
    services.sdq_record(
        child=child,
        completed_on=day,
        recorded_by=social_worker,
        informant="CARER",
        total_score=sum(scores),
        emotional=scores[0],
        conduct=scores[1],
        hyperactivity=scores[2],
        peer=scores[3],
        prosocial=rng.randint(3, 10),
    )


def _outcome(rng, dob, year_ending) -> dict:
    """Convictions (asked from age 10) and substance misuse, with whether an intervention was
    received or, if not, offered."""
    age = age_on(dob, year_ending)
    convicted = None
    if age >= 10:
        convicted = rng.random() < (0.06 if age >= 14 else 0.02)
    misuse = age >= 11 and rng.random() < (0.1 if age >= 14 else 0.03)
    received = rng.random() < 0.7 if misuse else None
    return {
        "convicted": convicted,
        "substance_misuse": misuse,
        "intervention_received": received,
        "intervention_offered": (rng.random() < 0.6) if misuse and not received else None,
    }
