"""SSDA903 tables as the DfE specifies them: column sets (in the DfE's order), code lists and
date format. Column sets are those of the DfE return guide, as implemented by the public
validator (csc-validator-be-903, ``lac_validator/config.py``); code lists follow the current
collection year's validation rules (2025/26)."""

import re
from datetime import date

from apps.adoption.rules import ADOPTER_LEGAL_STATUSES, ADOPTER_SEXES, PLAN_CHANGE_REASONS
from apps.children.models import UPN_REGEX, CategoryOfNeed, ReasonNewEpisode
from apps.core import codes as codes_core
from apps.core.codes import (
    Ethnicity,
    LegalStatus,
    PlacementProvider,
    ReasonEpisodeCeased,
    ReasonPlaceChange,
)
from apps.core.codes import Placement as PlacementType

HEADER = "Header"
EPISODES = "Episodes"
UASC = "UASC"
OC2 = "OC2"
AD1 = "AD1"
PLACED_ADOPTION = "PlacedAdoption"

COLUMNS: dict[str, list[str]] = {
    HEADER: ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    EPISODES: [
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ],
    UASC: ["CHILD", "SEX", "DOB", "DUC"],
    OC2: [
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ],
    AD1: [
        "CHILD",
        "DOB",
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
    ],
    PLACED_ADOPTION: [
        "CHILD",
        "DOB",
        "DATE_PLACED",
        "DATE_PLACED_CEASED",
        "REASON_PLACED_CEASED",
    ],
}
# Columns an LA's own extract may add to a DfE table. TEAM: the team the child is allocated
# to, as the team's name is recorded here (not a DfE item, so never exported).
OPTIONAL_COLUMNS: dict[str, list[str]] = {HEADER: ["TEAM"]}

IMPORT_TABLES = [HEADER, EPISODES, UASC, OC2, AD1, PLACED_ADOPTION]
EXPORT_TABLES = [HEADER, EPISODES, UASC, OC2, AD1, PLACED_ADOPTION]
FILE_NAMES = {
    HEADER: "header.csv",
    EPISODES: "episodes.csv",
    UASC: "uasc.csv",
    OC2: "oc2.csv",
    AD1: "ad1.csv",
    PLACED_ADOPTION: "placed_adoption.csv",
}

# SEX: M/F since 2024/25 (U, unknown, is not recorded here); 1/2 in earlier returns.
SEX_TO_MODEL = {"M": "1", "F": "2", "1": "1", "2": "2"}
SEX_FROM_MODEL = {"1": "M", "2": "F"}

ETHNIC_CODES = set(Ethnicity.values)
LEGAL_STATUS_CODES = set(LegalStatus.values)
CIN_CODES = set(CategoryOfNeed.values)
RNE_CODES = set(ReasonNewEpisode.values)
PLACE_CODES = set(PlacementType.values)
# Placement codes of the 2025/26 return that apps/core/codes.py does not hold yet.
PLACE_CODES_NOT_HELD = {"Z11", "Z12", "Z13", "Z14"}
PLACE_PROVIDER_CODES = set(PlacementProvider.values)
# X1: the episode ceased and a new one began (the child stays looked after).
EPISODE_CONTINUES = "X1"
REC_CODES = set(ReasonEpisodeCeased.values) | {EPISODE_CONTINUES}
REASON_PLACE_CHANGE_CODES = set(ReasonPlaceChange.values)
TEMPORARY_PLACEMENTS = codes_core.TEMPORARY_PLACEMENTS
# RNE codes by what changed (as the DfE's rules 217, 434, 435 and 436 read them): P and T a
# placement only, L the legal status only, U and B both; T and U keep the carer(s).
PLACEMENT_CHANGE_RNE = {"P", "T", "U", "B"}
LEGAL_STATUS_CHANGE_RNE = {"L", "U", "B"}
SAME_CARER_RNE = {"T", "U"}

# AD1 and PlacedAdoption codes: those of the adoption case (apps.adoption.rules).
ADOPTER_SEX_CODES = set(ADOPTER_SEXES)
ADOPTER_LEGAL_STATUS_CODES = set(ADOPTER_LEGAL_STATUSES)
PLACED_CEASED_REASON_CODES = set(PLAN_CHANGE_REASONS)
ADOPTED = codes_core.ADOPTED_REASONS

SDQ_REASON_CODES = {"SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5"}

UPN_PATTERN = re.compile(UPN_REGEX)
POSTCODE_PATTERN = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}$")
POSTCODE_DISTRICT_PATTERN = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
URN_PATTERN = re.compile(r"^([0-9]{6,7}|SC[0-9]{6}|XXXXXXX)$")
CHILD_ID_PATTERN = re.compile(r"^[A-Za-z0-9/_-]{1,10}$")
DATE_PATTERN = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")


def parse_date(value: str) -> date:
    """DD/MM/YYYY, as in every 903 table; ValueError naming the expected format otherwise."""
    match = DATE_PATTERN.match(value)
    if not match:
        raise ValueError(f"'{value}' is not a date in the form DD/MM/YYYY")
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"'{value}' is not a real date") from None


def format_date(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def format_flag(value: bool | None) -> str:
    return "" if value is None else ("1" if value else "0")


def normalise_postcode(value: str) -> str:
    compact = value.replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 4 else compact
