"""Synthetic demo data: organisations, one user per role and children with realistic care
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

from django.conf import settings

from apps.accounts.middleware import requires_two_factor
from apps.accounts.models import Organisation, OrganisationKind, Team, User
from apps.accounts.services import organisation_upsert, team_upsert, user_upsert
from apps.accounts.tokens import enrolment_code_set
from apps.children.services import child_create, period_of_care_end, period_of_care_start
from apps.core.codes import Ethnicity
from apps.core.working_days import age_on, date_of_age
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

# Real postcodes (from the ONS postcode directory the DfE's validator uses to place them in
# a local authority) by DfE LA code and postcode district: family homes, foster carers and
# the homes and supported accommodation below.
POSTCODES: dict[str, dict[str, list[str]]] = {
    "886": {  # Kent
        "ME14": ["ME14 2DJ", "ME14 4BP", "ME14 4PP", "ME14 5EN"],
        "ME15": ["ME15 6AJ", "ME15 6SS", "ME15 6ZA", "ME15 9DZ"],
        "ME16": ["ME16 0ER", "ME16 0LG", "ME16 8FN", "ME16 8QY"],
        "ME20": ["ME20 6AQ", "ME20 6HL", "ME20 6HP", "ME20 7LX"],
        "CT1": ["CT1 1EA", "CT1 9BE", "CT1 9PQ", "CT1 9SB"],
        "CT2": ["CT2 0NZ", "CT2 7QN", "CT2 8BE", "CT2 9NR"],
        "CT6": ["CT6 5GQ", "CT6 7GY", "CT6 7ND", "CT6 8FL"],
        "CT9": ["CT9 1BT", "CT9 2AB", "CT9 3AU", "CT9 3BY"],
        "CT10": ["CT10 1PE", "CT10 2WA", "CT10 3AP", "CT10 3EX"],
        "CT11": ["CT11 0RD", "CT11 7PW", "CT11 8GP", "CT11 9SR"],
        "CT14": ["CT14 0NN", "CT14 6JE", "CT14 7RJ", "CT14 9BJ"],
        "CT16": ["CT16 2HR", "CT16 2LS", "CT16 3AH", "CT16 9BB"],
        "CT19": ["CT19 4ED", "CT19 6AU", "CT19 6ES", "CT19 6NE"],
        "CT20": ["CT20 1JL", "CT20 1XR", "CT20 3WD", "CT20 9AT"],
        "TN23": ["TN23 2ND", "TN23 5BE", "TN23 5DD", "TN23 8AD"],
        "TN24": ["TN24 0QT", "TN24 8YD", "TN24 9PX", "TN24 9ZL"],
        "DA1": ["DA1 1NT", "DA1 1PB", "DA1 2TQ", "DA1 5ET"],
        "DA11": ["DA11 0HJ", "DA11 0ZJ", "DA11 7ZU", "DA11 9DF"],
        "DA12": ["DA12 4BT", "DA12 4EB", "DA12 4JQ", "DA12 9BA"],
        "ME10": ["ME10 1JQ", "ME10 3GY", "ME10 3PD", "ME10 3RD"],
        "ME13": ["ME13 0JL", "ME13 0NB", "ME13 8WB", "ME13 9PF"],
        "TN9": ["TN9 1FS", "TN9 1FU", "TN9 2JN", "TN9 9FU"],
        "TN10": ["TN10 3RL", "TN10 3TA", "TN10 4BW", "TN10 4NT"],
        "TN1": ["TN1 1HD", "TN1 1LF", "TN1 1SF", "TN1 2UB"],
        "TN2": ["TN2 3YG", "TN2 5DA", "TN2 5PQ", "TN2 5WX"],
        "TN15": ["TN15 6HJ", "TN15 6QF", "TN15 8JA", "TN15 8ZX"],
    },
    "887": {  # Medway
        "ME1": ["ME1 1BS", "ME1 1FX", "ME1 1XA", "ME1 2HG"],
        "ME2": ["ME2 2AD", "ME2 3JU", "ME2 4GD", "ME2 4HX"],
        "ME4": ["ME4 3WX", "ME4 4TX", "ME4 6BQ", "ME4 6UP"],
        "ME5": ["ME5 0SY", "ME5 7JB", "ME5 7JJ", "ME5 7PE"],
        "ME7": ["ME7 3AT", "ME7 4BB", "ME7 4NB", "ME7 5NS"],
        "ME8": ["ME8 0FG", "ME8 0LT", "ME8 0YB", "ME8 8HE"],
    },
    "845": {  # East Sussex
        "TN34": ["TN34 2AX", "TN34 2FD", "TN34 2TA", "TN34 9JX"],
        "TN35": ["TN35 4HT", "TN35 4JS", "TN35 4YE", "TN35 5QA"],
        "BN21": ["BN21 1JB", "BN21 2RP", "BN21 2XQ", "BN21 3TP"],
        "BN22": ["BN22 7RS", "BN22 8RU", "BN22 8XD", "BN22 9RE"],
    },
    "936": {  # Surrey
        "GU1": ["GU1 2SY", "GU1 2XH", "GU1 4LA", "GU1 4ZU"],
        "GU2": ["GU2 5DZ", "GU2 5YT", "GU2 6NR", "GU2 9QJ"],
        "RH1": ["RH1 5GR", "RH1 5GZ", "RH1 5SN", "RH1 9LA"],
        "KT13": ["KT13 0EJ", "KT13 0TL", "KT13 0XF", "KT13 9NL"],
    },
    "303": {  # Bexley
        "DA5": ["DA5 2WY", "DA5 3NE", "DA5 3NG", "DA5 9BA"],
        "DA6": ["DA6 7AB", "DA6 7NT", "DA6 8DD", "DA6 8HY"],
        "DA7": ["DA7 4EA", "DA7 4HT", "DA7 4XB", "DA7 6AX"],
        "DA15": ["DA15 0JL", "DA15 8RP", "DA15 8ZQ", "DA15 9JB"],
    },
}


@dataclass(frozen=True)
class Service:
    """A fostering service, children's home or supported accommodation provider with its
    Ofsted URN (fictional, in Ofsted's formats: SC and six digits for older registrations,
    seven digits for newer ones) and SSDA903 provider code. Homes and supported
    accommodation have premises; a fostering service's carers live anywhere."""

    name: str
    urn: str
    provider: str
    la: str = ""
    postcode: str = ""


LA_FOSTERING = {
    "886": Service("Kent County Council Fostering Service", "SC048213", "PR1"),
    "887": Service("Medway Council Fostering Service", "SC059377", "PR1"),
}
INDEPENDENT_FOSTERING = [
    Service("Orchard Family Fostering", "2561738", "PR4"),
    Service("Harbour Foster Care", "SC392046", "PR4"),
    Service("Weald Fostering Partnership", "2617405", "PR4"),
    Service("Pilgrims Fostering Trust", "SC417350", "PR5"),
]
# Kent's own homes (PR1) are in Kent; private and voluntary ones anywhere.
CHILDRENS_HOMES = [
    Service("Beech House", "SC036412", "PR1", "886", "ME15 6SS"),
    Service("Stour View", "SC040255", "PR1", "886", "CT1 9SB"),
    Service("Bramley Lodge", "2538814", "PR4", "886", "TN24 9PX"),
    Service("Harbourside", "2604127", "PR4", "886", "CT20 3WD"),
    Service("Marsh Court", "SC455718", "PR5", "886", "CT9 3AU"),
    Service("Castle Hill House", "SC482960", "PR4", "845", "TN34 2FD"),
    Service("Downs View", "2571093", "PR4", "936", "RH1 5SN"),
]
# Supported accommodation for 16 and 17 year olds (K3), registered with Ofsted since 2023.
SUPPORTED_ACCOMMODATION = [
    Service("Maidstone Young People's Supported Living", "2750314", "PR4", "886", "ME14 5EN"),
    Service("Canterbury Youth Housing", "2751962", "PR5", "886", "CT2 8BE"),
    Service("Thanet Young People's Housing", "2753408", "PR5", "886", "CT11 7PW"),
    Service("Ashford 16 Plus", "2756120", "PR4", "886", "TN23 5DD"),
]
# Where foster carers and families do not live.
SERVICE_POSTCODES = frozenset(s.postcode for s in CHILDRENS_HOMES + SUPPORTED_ACCOMMODATION)
CATEGORIES_OF_NEED = {"N1": 60, "N2": 3, "N3": 3, "N4": 9, "N5": 14, "N6": 1, "N7": 1, "N8": 9}
# SSDA903 REASON_PLACE_CHANGE when a placement ends in a move to other carers.
MOVE_REASONS = {
    "CARPL": 34,
    "CREQB": 14,
    "CREQO": 10,
    "CHILD": 9,
    "LAREQ": 9,
    "STAND": 4,
    "ALLEG": 3,
    "CLOSE": 3,
    "OTHER": 14,
}
# The UPN's check letter for remainders 0-22 (DfE UPN specification).
UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


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
    from apps.clinics.demo_data import clinic_journeys  # the clinics' diary (issue 15)

    clinic_journeys(orgs=orgs, today=today, seed=seed)
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
