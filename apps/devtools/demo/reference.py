"""The demo's reference data: names, foster carers, postcodes and the fostering services,
children's homes and supported accommodation (fictional, in the real formats)."""

from dataclasses import dataclass

from django.conf import settings

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
