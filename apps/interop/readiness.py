"""Is a child's record ready for the SSDA903 return? The conditions the DfE's validation rules
(csc-validator-be-903) check on the tables we hold, evaluated on the rows our export would
write for one child, each problem said in words with the field it concerns.

Pure: no ORM. ``apps.interop.selectors.readiness_of`` builds the facts (the child's rows of
the export, with the period of care and placement each episode comes from).

What the validator derives and we do not hold: PL_LA, PL_LOCATION and PL_DISTANCE come from
the placement and home postcodes through the ONS postcode directory. The selector looks both
postcodes up in the same directory (apps.core.postcodes) and gives each episode its
``Place``: then a postcode the directory does not list is named (169, 179, 392a, 392c), the
council's own provision placed outside its area is named (1015), and a placement outside
England is known by its PL_LA (218). Without the directory (``place`` None) a full postcode
in the right form stands for the derived fields and a postcode area wholly in Scotland,
Wales or Northern Ireland for a placement outside England.
"""

from dataclasses import dataclass
from datetime import date

from apps.core.postcodes import Derived
from apps.core.working_days import date_of_age
from apps.interop import codes

SHORT_BREAK_STATUSES = {"V3", "V4"}
TEMPORARY = {"T0", "T1", "T2", "T3", "T4"}
# Placement types that need no Ofsted URN (DfE rule 218, 2025/26).
URN_EXEMPT_PLACEMENTS = {"P1", "P3", "R1", "R2", "R5", *TEMPORARY, "Z11", "Z12", "Z13", "Z14"}
PLACEMENT_CHANGE_RNE = codes.PLACEMENT_CHANGE_RNE
# Rule 1015 (2025/26): the council's own provision (PR1) is in its own area, except these.
OWN_PROVISION_ANYWHERE = {"A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6", "K3"}
OUTSIDE_ENGLAND_LA = {"CON", "NIR", "SCO", "WAL", "NUK"}
# Postcode areas wholly outside England (Northern Ireland, Scotland, Wales).
OUTSIDE_ENGLAND_AREAS = {
    "BT",
    *("AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML", "PA", "PH", "ZE"),
    *("CF", "LD", "LL", "NP", "SA"),
}
OC2_HEALTH_ITEMS = {
    "IMMUNISATIONS": "immunisations",
    "TEETH_CHECK": "the teeth check",
    "HEALTH_ASSESSMENT": "the health assessment",
    "SUBSTANCE_MISUSE": "substance misuse",
}
OC2_OTHER_ITEMS = ["CONVICTED", "HEALTH_CHECK", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"]


@dataclass(frozen=True)
class Place:
    """What the ONS postcode directory says of an episode's postcodes: whether each is
    listed, the fields the validator derives from them, and the placement's area by name."""

    placement_listed: bool
    home_listed: bool
    derived: Derived
    area_name: str = ""


@dataclass(frozen=True)
class Episode:
    """One episode row of the export (DfE columns) and where it comes from."""

    row: dict[str, str]
    period_of_care_id: int
    period_start: date
    placement_id: int | None
    placement_start: date | None
    place: Place | None = None


@dataclass(frozen=True)
class ChildReturn:
    """A child's rows of the return for one collection year."""

    reference: str
    header: dict[str, str]
    episodes: list[Episode]
    oc2: dict[str, str] | None
    is_uasc: bool
    date_of_birth: date
    local_authority: str = ""  # the responsible LA's ONS code ("" when not recorded)


@dataclass(frozen=True)
class Problem:
    rules: tuple[str, ...]
    field: str  # "<record>.<field>": child, period_of_care, placement or annual_outcome
    record_id: int | None
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "rules": list(self.rules),
            "field": self.field,
            "record_id": self.record_id,
            "message": self.message,
        }


def day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _area(postcode: str) -> str:
    return "".join(ch for ch in postcode.split(" ")[0] if ch.isalpha())


def problems(child: ChildReturn, *, year_start: date, year_end: date) -> list[Problem]:
    """Every problem the DfE's rules would find in this child's rows, in record order."""
    found: list[Problem] = []
    if not child.episodes:
        return found
    looked_after = [e for e in child.episodes if e.row["LS"] not in SHORT_BREAK_STATUSES]
    found += _header_problems(child, bool(looked_after))
    found += _period_problems(child)
    found += _placement_problems(child, year_start)
    found += _oc2_problems(child, year_start, year_end)
    return found


def _header_problems(child: ChildReturn, looked_after: bool) -> list[Problem]:
    found = []
    if looked_after and not child.header["UPN"]:
        found.append(
            Problem(
                ("442",),
                "child.upn",
                None,
                "No UPN (unique pupil number) is recorded: give it, or UN1-UN5 when the child "
                "has none.",
            )
        )
    if looked_after and child.header["SEX"] == "F" and child.header["MOTHER"] == "":
        found.append(
            Problem(
                ("393", "607"),
                "child.is_mother",
                None,
                "Whether she is a mother is not recorded (yes or no).",
            )
        )
    return found


def _period_problems(child: ChildReturn) -> list[Problem]:
    """Rule 504: each continuing episode has the category of need of the period's start (a
    blank one never matches)."""
    found = []
    flagged: set[int] = set()
    for before, after in zip(child.episodes, child.episodes[1:], strict=False):
        continues = before.row["REC"] == codes.EPISODE_CONTINUES and (
            before.row["DEC"] == after.row["DECOM"]
        )
        if not continues or after.period_of_care_id in flagged:
            continue
        if not after.row["CIN"] or after.row["CIN"] != before.row["CIN"]:
            flagged.add(after.period_of_care_id)
            found.append(
                Problem(
                    ("504",),
                    "period_of_care.category_of_need",
                    after.period_of_care_id,
                    f"The period of care from {day(after.period_start)} has no category of "
                    "need at its start.",
                )
            )
    return found


def _placement_problems(child: ChildReturn, year_start: date) -> list[Problem]:
    found: list[Problem] = []
    seen: set[tuple[int | None, str]] = set()

    def add(episode: Episode, rules: tuple[str, ...], field: str, text: str) -> None:
        key = (episode.placement_id, field)
        if key in seen:
            return  # one placement's problem once, however many episodes it spans
        seen.add(key)
        start = episode.placement_start or codes.parse_date(episode.row["DECOM"])
        found.append(
            Problem(rules, f"placement.{field}", episode.placement_id, f"{_label(start)} {text}")
        )

    for index, episode in enumerate(child.episodes):
        row = episode.row
        if row["LS"] in SHORT_BREAK_STATUSES:
            continue
        placement_postcode, home_postcode = row["PL_POST"], row["HOME_POST"]
        # 392a and 392b are not applied to UASC (as the validator reads the Header).
        distance_rules = () if child.is_uasc else ("392a",)
        place = episode.place
        full_placement = bool(codes.POSTCODE_PATTERN.match(placement_postcode))
        full_home = bool(codes.POSTCODE_PATTERN.match(home_postcode))
        if not placement_postcode:
            add(
                episode,
                ("169", "179", *distance_rules, *(() if child.is_uasc else ("392b",))),
                "placement_postcode",
                "has no placement postcode: the DfE finds the placement's local authority, "
                "location and distance from it.",
            )
        elif not full_placement:
            add(
                episode,
                ("169", "179", *distance_rules, "392c"),
                "placement_postcode",
                f"has only the postcode district {placement_postcode}: give the full "
                "placement postcode.",
            )
        elif place is not None and not place.placement_listed:
            add(
                episode,
                ("169", "179", *distance_rules, "392c"),
                "placement_postcode",
                f"has a placement postcode, {placement_postcode}, that is not in the ONS "
                "postcode directory: check it (the DfE finds the placement's local "
                "authority, location and distance from it).",
            )
        if not home_postcode and not child.is_uasc:
            add(
                episode,
                ("392a", "392b"),
                "home_postcode",
                "has no home postcode (where the child lived before): needed for the "
                "distance of the placement.",
            )
        elif home_postcode and not full_home:
            add(
                episode,
                ("392c", *distance_rules),
                "home_postcode",
                f"has a home postcode that is not a full postcode ({home_postcode}).",
            )
        elif home_postcode and place is not None and not place.home_listed:
            add(
                episode,
                ("392c", *distance_rules),
                "home_postcode",
                f"has a home postcode, {home_postcode}, that is not in the ONS postcode "
                "directory: check it.",
            )
        if place is not None:
            derived_la = place.derived.local_authority
            outside_england = derived_la in OUTSIDE_ENGLAND_LA
            if (
                child.local_authority
                and place.placement_listed
                and row["PLACE_PROVIDER"] == "PR1"
                and row["PLACE"] not in OWN_PROVISION_ANYWHERE
                and derived_la != child.local_authority
            ):
                where = place.area_name or derived_la or "another area"
                add(
                    episode,
                    ("1015",),
                    "place_provider",
                    "is recorded as the council's own provision (PR1), but its postcode "
                    f"{placement_postcode} is in {where}, outside the council's area: check "
                    "the provider or the postcode.",
                )
        else:
            outside_england = _area(placement_postcode) in OUTSIDE_ENGLAND_AREAS
        ends_in_year = not row["DEC"] or codes.parse_date(row["DEC"]) >= year_start
        if (
            ends_in_year
            and not row["URN"]
            and row["PLACE"] not in URN_EXEMPT_PLACEMENTS
            and not outside_england
        ):
            add(
                episode,
                ("218",),
                "urn",
                f"has no Ofsted URN: required for placement type {row['PLACE']} "
                "(XXXXXXX when the provider has none).",
            )
        following = child.episodes[index + 1] if index + 1 < len(child.episodes) else None
        if (
            following is not None
            and row["REC"] == codes.EPISODE_CONTINUES
            and not row["REASON_PLACE_CHANGE"]
            and row["PLACE"] not in TEMPORARY
            and following.row["RNE"] in PLACEMENT_CHANGE_RNE
            and following.row["PLACE"] not in TEMPORARY
        ):
            add(
                episode,
                ("225",),
                "reason_place_change",
                f"ended on {day(codes.parse_date(row['DEC']))} with a move to another "
                "placement, but the reason for the change is not recorded.",
            )
    return found


def _label(start: date) -> str:
    return f"Placement from {day(start)}"


def _oc2_problems(child: ChildReturn, year_start: date, year_end: date) -> list[Problem]:
    """Rules 191, 182 and 547 (the four items every child looked after for 12 months needs),
    186 and 197B (the SDQ, or why there is none, from 4 to 16) and 543 (convictions, aged 10
    or over at 31 March)."""
    oc2 = child.oc2
    if oc2 is None:
        return []
    found = []
    until = f"For the year to {day(year_end)} (looked after for 12 months):"
    for column, label in OC2_HEALTH_ITEMS.items():
        if oc2[column]:
            continue
        rules = ["191"]
        if any(oc2[other] for other in OC2_OTHER_ITEMS):
            rules.append("182")
        if oc2["HEALTH_CHECK"] == "1":
            rules.append("547")
        field = {
            "IMMUNISATIONS": "immunisation_record.status",
            "TEETH_CHECK": "dental_check.checked_on",
            "HEALTH_ASSESSMENT": "assessment.held_on",
            "SUBSTANCE_MISUSE": "annual_outcome.substance_misuse",
        }[column]
        found.append(Problem(tuple(rules), field, None, f"{until} {label} is not recorded."))
    fourth, seventeenth = date_of_age(child.date_of_birth, 4), date_of_age(child.date_of_birth, 17)
    sdq_rules = []
    if fourth <= year_start and seventeenth > year_end:
        sdq_rules.append("186")
    if year_start <= fourth <= year_end or year_start <= seventeenth <= year_end:
        sdq_rules.append("197B")
    if sdq_rules and not oc2["SDQ_SCORE"] and not oc2["SDQ_REASON"]:
        found.append(
            Problem(
                tuple(sdq_rules),
                "sdq_record.total_score",
                None,
                f"{until} no SDQ is recorded in the year, nor why there is none.",
            )
        )
    if year_end > date_of_age(child.date_of_birth, 10) and not oc2["CONVICTED"]:
        found.append(
            Problem(
                ("543",),
                "annual_outcome.convicted",
                None,
                f"{until} whether the child was convicted of an offence is not recorded "
                "(aged 10 or over).",
            )
        )
    return found
