"""A cohort of children recorded through the API alone, as a social worker records them when
the forms ask for the SSDA903 items: the child (UPN, mother status), the entry to care
(legal status, category of need), placements (type, provider, area, full postcodes, Ofsted
URN, why the previous one ended), changes of legal status, leaving care, the carer's SDQ and
the year's outcomes. ``gap`` leaves one item out of one child, as people do."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from apps.devtools.demo.children import _upn
from apps.devtools.demo.reference import CHILDRENS_HOMES, LA_FOSTERING, POSTCODES

# Gaps a child of the second cohort is given, each with the DfE rule that flags it.
GAPS = {
    "no_upn": "442",
    "mother_not_recorded": "393",
    "no_urn": "218",
    "no_placement_postcode": "169",
    "district_only": "392c",
    "no_home_postcode": "392b",
    "no_reason_for_move": "225",
    "no_category_of_need": "504",
    "no_outcomes": "191",
    "no_convictions": "543",
    # A full postcode the ONS postcode directory does not list (a typing slip).
    "unlisted_postcode": "392c",
    # A children's home recorded as the council's own provision, with a Medway postcode.
    "own_provision_elsewhere": "1015",
}
FIRST_NAMES = ["Amy", "Ben", "Cara", "Dan", "Ella", "Finn", "Gita", "Hugo", "Isla", "Jack"]
LAST_NAMES = ["Hill", "Khan", "Lee", "Moss", "Nash", "Owen", "Patel", "Reid", "Shaw", "Todd"]


@dataclass
class Recorded:
    child_id: int
    reference: str
    gap: str = ""
    notes: list[str] = field(default_factory=list)


def _kent_postcodes() -> list[str]:
    return [p for district in POSTCODES["886"].values() for p in district]


def build(client, *, team_id: int, count: int, seed: int, gaps: list[str] = ()) -> list[Recorded]:
    """``count`` children in care during 2025/26 (time frozen after 31 March 2026 by the
    caller); the first ``len(gaps)`` get one gap each."""
    rng = random.Random(seed)
    used_upns: set[str] = set()
    postcodes = _kent_postcodes()
    recorded = []
    for index in range(count):
        gap = gaps[index] if index < len(gaps) else ""
        recorded.append(_one(client, rng, index, gap, team_id, used_upns, postcodes))
    return recorded


def _ok(response, expected=201):
    assert response.status_code == expected, (response.status_code, response.json())
    return response.json()


def _one(client, rng, index, gap, team_id, used_upns, postcodes) -> Recorded:
    sex = "2" if index % 2 else "1"
    if gap in {"mother_not_recorded"}:
        sex = "2"
    # Ages 5 to 15 at 31 March 2026 (the OC2 items asked of all of them), a few under 5.
    if gap in {"no_outcomes", "no_convictions"}:
        age = rng.randint(11, 14)
    elif index % 7 == 3:
        age = rng.randint(2, 3)
    else:
        age = rng.randint(5, 15)
    # Born April to December: ``age`` on 31 March 2026.
    born = date(2026 - age - 1, rng.randint(4, 12), rng.randint(1, 28))
    reception = date(born.year + 4 + (born.month >= 9), 9, 1)
    upn = "UN1" if reception > date(2026, 3, 31) else _upn(rng, used_upns, "886", reception.year)
    body = {
        "first_name": FIRST_NAMES[index % 10],
        "last_name": LAST_NAMES[(index // 10) % 10],
        "date_of_birth": born.isoformat(),
        "sex": sex,
        "ethnicity": rng.choice(["WBRI", "WBRI", "WOTH", "MWBC", "BAFR", "AOTH"]),
        "team": team_id,
        "upn": "" if gap == "no_upn" else upn,
    }
    if sex == "2" and gap != "mother_not_recorded":
        body["is_mother"] = False
    child = _ok(client.post("/api/v1/children/", body, format="json"))
    result = Recorded(child["id"], child["la_child_id"], gap)

    # Looked after throughout the year (OC2) for most; some came into care in it.
    throughout = gap in {"no_outcomes", "no_convictions"} or index % 3 != 2
    entry = (
        date(2024, rng.randint(3, 12), rng.randint(1, 28))
        if throughout
        else date(2025, rng.randint(5, 10), rng.randint(1, 28))
    )
    entry = max(entry, born + timedelta(days=30))
    # An interim care order (C1) becomes a full care order (C2) in the year.
    interim = index % 4 == 0 or gap == "no_category_of_need"
    legal_status = "C1" if interim else rng.choice(["C2", "C2", "V2"])
    period = _ok(
        client.post(
            "/api/v1/periods-of-care/",
            {
                "child": child["id"],
                "start_date": entry.isoformat(),
                "legal_status": legal_status,
                "category_of_need": ""
                if gap == "no_category_of_need"
                else rng.choice(["N1", "N1", "N1", "N4", "N5", "N8"]),
            },
            format="json",
        )
    )
    home = rng.choice(postcodes)
    foster = LA_FOSTERING["886"]

    def place(day: date, reason: str = "", *, kind: str = "foster") -> None:
        if kind == "home":
            service = rng.choice([h for h in CHILDRENS_HOMES if h.la == "886"])
            values = {
                "place": "K2",
                "place_provider": service.provider,
                "placement_postcode": service.postcode,
                "urn": service.urn,
            }
        else:
            values = {
                "place": rng.choice(["U4", "U6", "U6"]),
                "place_provider": foster.provider,
                "placement_postcode": rng.choice([p for p in postcodes if p != home]),
                "urn": foster.urn,
            }
        if gap == "no_urn":
            values["urn"] = ""
        if gap == "no_placement_postcode":
            values["placement_postcode"] = ""
        if gap == "district_only":
            values["postcode_district"] = values.pop("placement_postcode").split()[0]
        if gap == "unlisted_postcode":
            values["placement_postcode"] = "CT1 0AA"
        area = "886"
        if gap == "own_provision_elsewhere":
            # The area follows the postcode (the API refuses one the postcode contradicts).
            values.update(place="K2", place_provider="PR1", placement_postcode="ME4 4TR")
            area = "887"
        _ok(
            client.post(
                "/api/v1/placements/",
                {
                    "child": child["id"],
                    "start_date": day.isoformat(),
                    "area": area,
                    "home_postcode": "" if gap == "no_home_postcode" else home,
                    "previous_reason_place_change": reason,
                    **values,
                },
                format="json",
            )
        )

    place(entry)
    moved = gap in {"no_reason_for_move"} or index % 5 == 1
    if moved:
        move = max(entry, date(2025, 4, 1)) + timedelta(days=rng.randint(40, 120))
        reason = "" if gap == "no_reason_for_move" else rng.choice(["CARPL", "CREQB", "CREQO"])
        place(move, reason, kind="home" if age >= 10 else "foster")
    if interim:
        _ok(
            client.post(
                f"/api/v1/children/{child['id']}/legal-status-changes/",
                {"start_date": date(2025, 11, 3).isoformat(), "legal_status": "C2"},
                format="json",
            )
        )
    left = not gap and index % 9 == 5
    if left:
        _ok(
            client.post(
                f"/api/v1/periods-of-care/{period['id']}/end/",
                {"end_date": "2026-03-10", "reason_end": "E4A"},
                format="json",
            ),
            200,
        )
    if throughout and not left and 4 <= age <= 16:
        _ok(
            client.post(
                "/api/v1/sdq-records/",
                {
                    "child": child["id"],
                    "completed_on": date(2025, 10, rng.randint(1, 28)).isoformat(),
                    "informant": "CARER",
                    "total_score": rng.randint(4, 25),
                },
                format="json",
            )
        )
    if throughout and not left and gap != "no_outcomes":
        outcome = {"year_ending": "2026-03-31", "substance_misuse": False}
        if age >= 10 and gap != "no_convictions":
            outcome["convicted"] = False
        _ok(client.post(f"/api/v1/children/{child['id']}/annual-outcomes/", outcome, format="json"))
    return result
