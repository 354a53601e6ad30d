"""Synthetic demo data: organisations, one user per role and children with realistic care
histories. Deterministic for a given seed. Everything goes through the services, so the demo
children carry the same clocks as real ones."""

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

from apps.accounts.models import Organisation, OrganisationKind, Team, User
from apps.accounts.services import organisation_upsert, team_upsert, user_upsert
from apps.children.services import child_create, period_of_care_end, period_of_care_start
from apps.core.codes import Ethnicity, PlacementProvider
from apps.placements.services import placement_start

FIXTURE = settings.BASE_DIR / "fixtures" / "demo_organisations.json"

FIRST_NAMES = {
    "1": [
        "Oliver",
        "Harry",
        "Jack",
        "Noah",
        "Leo",
        "Alfie",
        "Charlie",
        "Mohammed",
        "Kai",
        "Tyler",
        "Ahmed",
        "Dawit",
        "Yonas",
        "Ibrahim",
        "Reece",
        "Callum",
        "Jayden",
        "Liam",
        "Mason",
        "Theo",
    ],
    "2": [
        "Olivia",
        "Amelia",
        "Isla",
        "Ava",
        "Mia",
        "Lily",
        "Grace",
        "Freya",
        "Chloe",
        "Aisha",
        "Ruby",
        "Sophie",
        "Megan",
        "Jessica",
        "Zara",
        "Ellie",
        "Poppy",
        "Evie",
        "Hana",
        "Maya",
    ],
}
LAST_NAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Hughes",
    "Khan",
    "Lewis",
    "Okoro",
    "Ali",
    "Tesfaye",
    "Mensah",
    "Kowalski",
    "Murphy",
]
UASC_NAMES = [
    "Abdi",
    "Dawit",
    "Yonas",
    "Ahmad",
    "Mohammed",
    "Ibrahim",
    "Samir",
    "Habib",
    "Omid",
    "Tesfay",
]
FOSTER_CARERS = [
    "Mr and Mrs Hill",
    "Ms Adebayo",
    "Mr and Mr Foster",
    "Mrs Kaur",
    "The Greens",
    "Ms O'Neill",
    "Mr and Mrs Lee",
    "Mrs Baker",
    "The Hussains",
    "Ms Carter",
]
KENT_DISTRICTS = ["ME14", "ME15", "CT1", "CT9", "TN23", "TN24", "DA11", "DA12", "CT20", "ME10"]
MEDWAY_DISTRICTS = ["ME1", "ME2", "ME4", "ME5", "ME7", "ME8"]
OTHER_DISTRICTS = {"845": ["TN34", "BN21"], "936": ["GU1", "KT1"], "303": ["DA5", "DA7"]}
FOSTER_TYPES = ["U4", "U6", "U6", "U6", "U3", "U1"]


@dataclass
class DemoSummary:
    organisations: int
    users: int
    children: int


def load_organisations(password: str) -> dict[str, Organisation]:
    spec = json.loads(FIXTURE.read_text())
    orgs: dict[str, Organisation] = {}
    for la in spec["local_authorities"]:
        orgs[la["code"]] = organisation_upsert(
            code=la["code"], kind=OrganisationKind.LOCAL_AUTHORITY, name=la["name"]
        )
        for team in la["teams"]:
            team_upsert(organisation=orgs[la["code"]], name=team)
    for kind, key in [
        (OrganisationKind.PROVIDER, "providers"),
        (OrganisationKind.COMMISSIONER, "commissioners"),
    ]:
        for item in spec[key]:
            organisation = organisation_upsert(
                code=item["code"], kind=kind, name=item["name"], email=item.get("email", "")
            )
            organisation.areas.set([orgs[code] for code in item["areas"]])
            orgs[item["code"]] = organisation
    for item in spec["users"]:
        organisation = orgs[item["organisation"]]
        team = (
            Team.objects.get(organisation=organisation, name=item["team"])
            if item.get("team")
            else None
        )
        user_upsert(
            username=item["username"],
            password=password,
            role=item["role"],
            organisation=organisation,
            team=team,
            first_name=item["first_name"],
            last_name=item["last_name"],
            is_staff=item.get("is_staff", False),
        )
    return orgs


def test_nhs_number(rng: random.Random, used: set[str]) -> str:
    """A valid NHS number in the never-issued 999 range."""
    while True:
        stem = "999" + "".join(str(rng.randint(0, 9)) for _ in range(6))
        total = sum(int(d) * w for d, w in zip(stem, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        if check == 10:
            continue
        number = stem + str(check)
        if number not in used and len(set(number)) > 1:
            used.add(number)
            return number


def _random_date(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randint(0, (end - start).days))


def create_children(
    *, count: int, orgs: dict[str, Organisation], today: date, seed: int = 2026
) -> int:
    """``count`` children for our LA (about 10% placed in our area by Medway)."""
    rng = random.Random(seed)
    kent, medway = orgs["886"], orgs["887"]
    kent_teams = list(Team.objects.filter(organisation=kent))
    medway_team = Team.objects.filter(organisation=medway).first()
    workers = {team.pk: list(User.objects.filter(team=team)) for team in [*kent_teams, medway_team]}
    used_nhs: set[str] = set()
    created = 0
    for index in range(count):
        from_medway = index % 10 == 9
        la = medway if from_medway else kent
        team = medway_team if from_medway else kent_teams[index % len(kent_teams)]
        creator = (workers.get(team.pk) or [None])[0]
        is_uasc = not from_medway and rng.random() < 0.08
        sex = "1" if is_uasc and rng.random() < 0.9 else rng.choice(["1", "2"])
        if is_uasc:
            date_of_birth = _random_date(
                rng, today - timedelta(days=17 * 365), today - timedelta(days=14 * 365)
            )
        else:
            date_of_birth = _random_date(
                rng, today - timedelta(days=17 * 365 + 300), today - timedelta(days=60)
            )
        earliest_entry = max(date_of_birth + timedelta(days=1), today - timedelta(days=3 * 365))
        entry = _random_date(rng, earliest_entry, today - timedelta(days=1))
        first = rng.choice(UASC_NAMES) if is_uasc else rng.choice(FIRST_NAMES[sex])
        child = child_create(
            created_by=creator,
            responsible_la=la,
            first_name=first,
            last_name=rng.choice(LAST_NAMES),
            date_of_birth=date_of_birth,
            sex=sex,
            nhs_number=None if is_uasc and rng.random() < 0.5 else test_nhs_number(rng, used_nhs),
            ethnicity="BAFR" if is_uasc else rng.choice(Ethnicity.values[:18]),
            team=team,
            allocated_worker=rng.choice(workers[team.pk]) if workers.get(team.pk) else None,
            is_uasc=is_uasc,
            uasc_arrival_date=entry - timedelta(days=rng.randint(0, 3)) if is_uasc else None,
            age_disputed=is_uasc and rng.random() < 0.25,
        )
        _care_history(rng, child, creator, entry, today, orgs, from_medway, is_uasc)
        created += 1
    return created


def _care_history(rng, child, user, entry, today, orgs, from_medway, is_uasc) -> None:
    """One or two periods of care with one to four placements each."""
    legal_status = "V2" if is_uasc or rng.random() < 0.35 else rng.choice(["C1", "C2", "C2", "E1"])
    period = period_of_care_start(
        child=child, start_date=entry, legal_status=legal_status, started_by=user
    )
    placement_day = entry
    moves = rng.choices([1, 1, 1, 2, 2, 3, 4], k=1)[0]
    for _move in range(moves):
        if placement_day > today:
            break
        area = _placement_area(rng, orgs, from_medway)
        districts = OTHER_DISTRICTS.get(area.code) or (
            MEDWAY_DISTRICTS if area.code == "887" else KENT_DISTRICTS
        )
        place = (
            "H5"
            if is_uasc and child.date_of_birth < today - timedelta(days=16 * 365)
            else rng.choice(FOSTER_TYPES)
        )
        placement_start(
            child=child,
            start_date=placement_day,
            place=place,
            place_provider="PR1"
            if place.startswith("U") and rng.random() < 0.7
            else rng.choice(PlacementProvider.values[1:]),
            area=area,
            postcode_district=rng.choice(districts),
            carer_name=rng.choice(FOSTER_CARERS),
            started_by=user,
        )
        placement_day = placement_day + timedelta(days=rng.randint(20, 300))
    # About one child in six has left care; some of those came back (re-entry).
    if rng.random() < 0.17 and entry < today - timedelta(days=60):
        end = _random_date(rng, entry + timedelta(days=30), today - timedelta(days=20))
        last = child.placements.order_by("-start_date").first()
        if last and end >= last.start_date:
            period_of_care_end(
                period=period,
                end_date=end,
                reason_end=rng.choice(["E4A", "E13", "E41", "E8"]),
                ended_by=user,
            )
            if rng.random() < 0.3:
                re_entry = _random_date(rng, end + timedelta(days=5), today - timedelta(days=1))
                if re_entry > end:
                    period_of_care_start(
                        child=child, start_date=re_entry, legal_status="C1", started_by=user
                    )
                    placement_start(
                        child=child,
                        start_date=re_entry,
                        place="U6",
                        place_provider="PR1",
                        area=orgs["886"],
                        postcode_district=rng.choice(KENT_DISTRICTS),
                        carer_name=rng.choice(FOSTER_CARERS),
                        started_by=user,
                    )


def _placement_area(rng, orgs, from_medway) -> Organisation:
    if from_medway:
        return orgs["886"]  # Medway's children placed in Kent: the out-of-area case for them.
    roll = rng.random()
    if roll < 0.8:
        return orgs["886"]
    return orgs[rng.choice(["887", "845", "936", "303"])]


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
        _dental_and_sdq(rng, child, nurse, requester, today)
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


def _dental_and_sdq(rng, child, nurse, social_worker, today) -> None:
    from apps.assessments import services
    from apps.core.working_days import age_on

    period = child.periods_of_care.order_by("-start_date").first()
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
    if (
        4 <= age_on(child.date_of_birth, today) <= 16
        and rng.random() < 0.7
        and period.start_date < today - timedelta(days=30)
    ):
        scores = [rng.randint(0, 8) for _ in range(4)]
        services.sdq_record(
            child=child,
            completed_on=_random_date(
                rng, max(period.start_date, today - timedelta(days=360)), today - timedelta(days=1)
            ),
            recorded_by=social_worker,
            informant="CARER",
            total_score=sum(scores),
            emotional=scores[0],
            conduct=scores[1],
            hyperactivity=scores[2],
            peer=scores[3],
            prosocial=rng.randint(3, 10),
        )
