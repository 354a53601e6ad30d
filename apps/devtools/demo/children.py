"""Synthetic demo data (moved from apps/core/demo.py, issue 12; the reference data is in
``reference``, the health journeys in ``health``): organisations, one user per role and children with realistic care
histories. Deterministic for a given seed and day. Everything goes through the services (the
SSDA903 annual outcomes have none yet), so the demo children carry the same clocks as real
ones, and the demo LA's SSDA903 export passes the DfE's validation rules: every child has a
UPN (or the DfE's reason code), girls a mother status, periods of care a category of need,
placements full home and placement postcodes, a provider that fits the placement type, an
Ofsted URN where the DfE asks for one and a reason when they end in a move; children looked
after for a year have their annual SDQ and outcomes."""

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta

from apps.accounts.middleware import requires_two_factor
from apps.accounts.models import Organisation, OrganisationKind, Team, User
from apps.accounts.services import organisation_upsert, team_upsert, user_upsert
from apps.accounts.tokens import enrolment_code_set
from apps.children.services import child_create, period_of_care_end, period_of_care_start
from apps.core.codes import Ethnicity
from apps.core.working_days import age_on, date_of_age
from apps.devtools.demo.reference import (
    CATEGORIES_OF_NEED,
    CHILDRENS_HOMES,
    FIRST_NAMES,
    FIXTURE,
    FOSTER_CARERS,
    INDEPENDENT_FOSTERING,
    LA_FOSTERING,
    LAST_NAMES,
    MOVE_REASONS,
    POSTCODES,
    SERVICE_POSTCODES,
    SUPPORTED_ACCOMMODATION,
    UASC_NAMES,
    UPN_CHECK_LETTERS,
    Service,
)
from apps.placements.services import placement_start


@dataclass
class DemoSummary:
    organisations: int
    users: int
    children: int


def load_organisations(password: str, enrolment_code: str = "DEMO2FAX") -> dict[str, Organisation]:
    spec = json.loads(FIXTURE.read_text())
    orgs: dict[str, Organisation] = {}
    for la in spec["local_authorities"]:
        orgs[la["code"]] = organisation_upsert(
            code=la["code"],
            kind=OrganisationKind.LOCAL_AUTHORITY,
            name=la["name"],
            ons_code=la.get("ons_code", ""),
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
        user = user_upsert(
            username=item["username"],
            password=password,
            role=item["role"],
            organisation=organisation,
            team=team,
            first_name=item["first_name"],
            last_name=item["last_name"],
            is_staff=item.get("is_staff", False),
        )
        if requires_two_factor(user):
            # Demo only: a known enrolment code (README), where a real administrator issues
            # a random one and gives it to the user out of band.
            enrolment_code_set(user=user, code=enrolment_code, days=365)
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


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _upn(rng: random.Random, used: set[str], la_code: str, year_allocated: int) -> str:
    """A well-formed unique pupil number: check letter, LA number, DfE establishment number,
    the year it was allocated and a serial."""
    while True:
        school = rng.randint(2000, 2999) if rng.random() < 0.6 else rng.randint(4000, 4699)
        body = f"{la_code}{school:04d}{year_allocated % 100:02d}{rng.randint(1, 999):03d}"
        total = sum(int(digit) * weight for digit, weight in zip(body, range(2, 14), strict=True))
        upn = UPN_CHECK_LETTERS[total % 23] + body
        if upn not in used:
            used.add(upn)
            return upn


def _child_upn(rng, used, *, la_code, date_of_birth, is_uasc, arrival, today) -> str:
    """A UPN from the school the child started at, or the DfE's reason code: UN1 for a child
    not at school yet, UN2 for an asylum-seeking child who arrived too old for school."""
    if is_uasc:
        if age_on(date_of_birth, arrival) >= 16:
            return "UN2"
        return _upn(rng, used, la_code, arrival.year)
    reception = date(date_of_birth.year + 4 + (date_of_birth.month >= 9), 9, 1)
    if reception > today:
        return "UN1"
    return _upn(rng, used, la_code, reception.year)


def _postcode(rng: random.Random, la_code: str, avoid: frozenset[str] | set[str]) -> str:
    district = rng.choice(list(POSTCODES[la_code]))
    choices = [p for p in POSTCODES[la_code][district] if p not in avoid]
    return rng.choice(choices or POSTCODES[la_code][district])


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
    used_upn: set[str] = set()
    used_references: set[str] = set()
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
        arrival = entry - timedelta(days=rng.randint(0, 3)) if is_uasc else None
        first = rng.choice(UASC_NAMES) if is_uasc else rng.choice(FIRST_NAMES[sex])
        reference = f"C{rng.getrandbits(32):08X}"
        while reference in used_references:
            reference = f"C{rng.getrandbits(32):08X}"
        used_references.add(reference)
        # A few of the older girls had a baby before they came into care (SSDA903 MOTHER).
        is_mother = mother_child_dob = None
        if sex == "2":
            is_mother = False
            earliest_birth = date_of_age(date_of_birth, 15)
            latest_birth = min(entry, today - timedelta(days=366))
            if earliest_birth + timedelta(days=60) < latest_birth and rng.random() < 0.15:
                is_mother = True
                mother_child_dob = _random_date(rng, earliest_birth, latest_birth)
        child = child_create(
            created_by=creator,
            responsible_la=la,
            la_child_id=reference,
            first_name=first,
            last_name=rng.choice(LAST_NAMES),
            date_of_birth=date_of_birth,
            sex=sex,
            nhs_number=None if is_uasc and rng.random() < 0.5 else test_nhs_number(rng, used_nhs),
            ethnicity="BAFR" if is_uasc else rng.choice(Ethnicity.values[:18]),
            team=team,
            allocated_worker=rng.choice(workers[team.pk]) if workers.get(team.pk) else None,
            is_uasc=is_uasc,
            uasc_arrival_date=arrival,
            age_disputed=is_uasc and rng.random() < 0.25,
            upn=_child_upn(
                rng,
                used_upn,
                la_code=la.code,
                date_of_birth=date_of_birth,
                is_uasc=is_uasc,
                arrival=arrival,
                today=today,
            ),
            is_mother=is_mother,
            mother_child_dob=mother_child_dob,
        )
        # The family home; an asylum-seeking child has none in this country.
        home = "" if is_uasc else _postcode(rng, la.code, SERVICE_POSTCODES)
        _care_history(rng, child, creator, entry, today, orgs, from_medway, home)
        created += 1
    return created


@dataclass(frozen=True)
class _Placed:
    place: str
    provider: str
    la: str
    postcode: str
    urn: str = ""
    carer_name: str = ""


def _care_history(rng, child, user, entry, today, orgs, from_medway, home) -> None:
    """One or two periods of care with one to four placements each."""
    is_uasc = child.is_uasc
    legal_status = "V2" if is_uasc or rng.random() < 0.35 else rng.choice(["C1", "C2", "C2", "C2"])
    period = period_of_care_start(
        child=child,
        start_date=entry,
        legal_status=legal_status,
        started_by=user,
        category_of_need="N8" if is_uasc else _weighted(rng, CATEGORIES_OF_NEED),
    )
    placement_day = entry
    moves = rng.choices([1, 1, 1, 2, 2, 3, 4], k=1)[0]
    previous = None
    for _move in range(moves):
        if placement_day > today:
            break
        previous = _start_placement(
            rng, child, user, placement_day, orgs, legal_status, home, from_medway, previous
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
                        child=child,
                        start_date=re_entry,
                        legal_status="C1",
                        started_by=user,
                        category_of_need=_weighted(rng, CATEGORIES_OF_NEED),
                    )
                    _start_placement(
                        rng, child, user, re_entry, orgs, "C1", home, from_medway, None
                    )


def _start_placement(
    rng, child, user, day, orgs, legal_status, home, from_medway, previous
) -> _Placed:
    placed = _choose_placement(rng, child, day, legal_status, home, from_medway, previous)
    reason = _weighted(rng, MOVE_REASONS) if previous is not None else ""
    placement_start(
        child=child,
        start_date=day,
        place=placed.place,
        place_provider=placed.provider,
        area=orgs[placed.la],
        postcode_district=placed.postcode.split()[0],
        carer_name=placed.carer_name,
        home_postcode=home,
        placement_postcode=placed.postcode,
        urn=placed.urn,
        previous_reason_place_change=reason,
        started_by=user,
    )
    return placed


def _choose_placement(rng, child, day, legal_status, home, from_medway, previous) -> _Placed:
    """Where the child goes next, as the SSDA903 rules expect: foster carers of the LA's own
    fostering service (PR1, anywhere), another LA's (PR2) or an agency's (PR4/PR5), each
    with the service's URN; children's homes and, from 16, supported accommodation (K3, in
    Kent) with their own URN and address; parents (P1, PR0, at home) under a care order."""
    age = age_on(child.date_of_birth, day)
    with_parents = 0 if legal_status not in {"C1", "C2"} or home == "" else 6
    if previous is not None and previous.place == "P1":
        with_parents = 0
    if from_medway:
        kind = "foster"
    elif child.is_uasc:
        kind = _weighted(
            rng, {"supported": 7, "foster": 3} if age >= 16 else {"foster": 85, "home": 15}
        )
    elif age < 10:
        kind = _weighted(rng, {"foster": 94, "parents": with_parents})
    elif age < 16:
        kind = _weighted(rng, {"foster": 70, "home": 24, "parents": with_parents})
    else:
        kind = _weighted(rng, {"foster": 50, "home": 15, "supported": 30, "parents": with_parents})
    last_urn = previous.urn if previous is not None else ""
    if kind in {"home", "supported"}:
        services = CHILDRENS_HOMES if kind == "home" else SUPPORTED_ACCOMMODATION
        service = rng.choice([s for s in services if s.urn != last_urn])
        return _Placed(
            "K2" if kind == "home" else "K3",
            service.provider,
            service.la,
            service.postcode,
            service.urn,
            service.name,
        )
    if kind == "parents":
        return _Placed("P1", "PR0", child.responsible_la.code, home, carer_name="Parent(s)")
    return _foster(rng, child, home, from_medway, previous)


def _foster(rng, child, home, from_medway, previous) -> _Placed:
    relative = not from_medway and not child.is_uasc and rng.random() < 0.2
    if from_medway:  # Medway's children placed in Kent, with Medway's or an agency's carers
        la = "886"
        service = LA_FOSTERING["887"] if rng.random() < 0.5 else rng.choice(INDEPENDENT_FOSTERING)
    elif relative:  # family and friends carers, approved by Kent's fostering service
        la = "886" if rng.random() < 0.85 else rng.choice(["887", "845", "303"])
        service = LA_FOSTERING["886"]
    else:
        la = "886" if rng.random() < 0.8 else rng.choice(["887", "845", "936", "303"])
        if la == "886" and rng.random() < 0.65:
            service = LA_FOSTERING["886"]
        elif la == "887" and rng.random() < 0.4:
            medway = LA_FOSTERING["887"]
            service = Service(medway.name, medway.urn, "PR2")
        else:
            service = rng.choice(INDEPENDENT_FOSTERING)
    avoid = {home, previous.postcode if previous is not None else "", *SERVICE_POSTCODES}
    if relative:
        relation = rng.choice(["grandmother", "grandparents", "aunt", "family friend"])
        carer = f"{rng.choice(['Mrs', 'Ms', 'Mr and Mrs'])} {child.last_name} ({relation})"
        place = rng.choice(["U1", "U3", "U3"])
    else:
        carer = rng.choice(FOSTER_CARERS)
        place = rng.choice(["U4", "U6", "U6", "U6"])
    return _Placed(place, service.provider, la, _postcode(rng, la, avoid), service.urn, carer)
