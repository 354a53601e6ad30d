"""Each 903 table's row check: the record's fields into its typed row, or None with
the row's errors."""

from datetime import date

from apps.core.validators import EARLIEST_CARE_DATE
from apps.core.working_days import date_of_age
from apps.interop import codes
from apps.interop.reading.fields import (
    _child,
    _code,
    _date,
    _date_of_birth,
    _Errors,
    _flag,
    _postcode,
    _sex,
)
from apps.interop.reading.rows import (
    Ad1Row,
    EpisodeRow,
    HeaderRow,
    Oc2Row,
    PlacedAdoptionRow,
    RowError,
    UascRow,
)


def check_header(record: dict, line: int, errors: list[RowError], today: date) -> HeaderRow | None:
    e = _Errors(errors, codes.HEADER, line, record["CHILD"])
    child = _child(e, record)
    sex = _sex(e, record)
    date_of_birth = _date_of_birth(e, record, "DOB", today=today)
    ethnicity = _code(e, record, "ETHNIC", codes.ETHNIC_CODES, required=True)
    upn = record["UPN"].upper()
    if upn and not codes.UPN_PATTERN.match(upn):
        e.add("UPN", f"'{record['UPN']}' is not a UPN (or UN1-UN5 when not known)")
    is_mother = _flag(e, record, "MOTHER")
    if is_mother and sex == "1":
        e.add("MOTHER", "A male child cannot be recorded as a mother")
    mother_child_dob = _date(e, record, "MC_DOB", required=False, today=today)
    if mother_child_dob and not is_mother:
        e.add("MC_DOB", "Given, but MOTHER is not 1")
    if mother_child_dob and date_of_birth and mother_child_dob <= date_of_birth:
        e.add("MC_DOB", "Before the mother's own date of birth")
    if e.count:
        return None
    team = " ".join(record.get("TEAM", "").split())
    return HeaderRow(
        line, child, sex, date_of_birth, ethnicity, upn, is_mother, mother_child_dob, team
    )


def check_episode(
    record: dict, line: int, errors: list[RowError], today: date
) -> EpisodeRow | None:
    e = _Errors(errors, codes.EPISODES, line, record["CHILD"])
    child = _child(e, record)
    # A period of care starts no earlier than the working-day calendar (validate_care_date).
    start = _date(e, record, "DECOM", required=True, today=today, earliest=EARLIEST_CARE_DATE)
    rne = _code(e, record, "RNE", codes.RNE_CODES, required=True)
    legal_status = _code(e, record, "LS", codes.LEGAL_STATUS_CODES, required=True)
    category_of_need = _code(e, record, "CIN", codes.CIN_CODES, required=False)
    place = record["PLACE"].upper()
    if not place:
        e.add("PLACE", "Required")
    elif place in codes.PLACE_CODES_NOT_HELD:
        e.add("PLACE", f"'{place}' is a valid 903 code that this system does not record yet")
    elif place not in codes.PLACE_CODES:
        e.add("PLACE", f"'{record['PLACE']}' is not a valid code")
    place_provider = record["PLACE_PROVIDER"].upper()
    if place in codes.TEMPORARY_PLACEMENTS:
        if place_provider:
            e.add("PLACE_PROVIDER", f"Given for a temporary placement ({place}): leave it blank")
    elif not place_provider:
        e.add("PLACE_PROVIDER", "Required (blank only for a temporary placement, T0 to T4)")
    elif place_provider not in codes.PLACE_PROVIDER_CODES:
        e.add("PLACE_PROVIDER", f"'{record['PLACE_PROVIDER']}' is not a valid code")
    end = _date(e, record, "DEC", required=False, today=today)
    rec = _code(e, record, "REC", codes.REC_CODES, required=False)
    if bool(record["DEC"]) != bool(record["REC"]):
        e.add("REC" if record["DEC"] else "DEC", "DEC and REC are both given or both blank")
    if start and end and end < start:
        e.add("DEC", f"Before the episode started ({codes.format_date(start)})")
    reason_place_change = _code(
        e, record, "REASON_PLACE_CHANGE", codes.REASON_PLACE_CHANGE_CODES, required=False
    )
    home_postcode = _postcode(e, record, "HOME_POST")
    placement_postcode = _postcode(e, record, "PL_POST")
    urn = record["URN"].upper()
    if urn and not codes.URN_PATTERN.match(urn):
        e.add("URN", f"'{record['URN']}' is not an Ofsted URN")
    if e.count:
        return None
    return EpisodeRow(
        line,
        child,
        start,
        rne,
        legal_status,
        category_of_need,
        place,
        place_provider,
        end,
        rec,
        reason_place_change,
        home_postcode,
        placement_postcode,
        urn,
    )


def check_uasc(record: dict, line: int, errors: list[RowError], today: date) -> UascRow | None:
    e = _Errors(errors, codes.UASC, line, record["CHILD"])
    child = _child(e, record)
    sex = _sex(e, record)
    date_of_birth = _date_of_birth(e, record, "DOB", today=today)
    ceased_on = _date(e, record, "DUC", required=False, today=today)
    if ceased_on and date_of_birth:
        if ceased_on < date_of_birth:
            e.add("DUC", "Before the date of birth")
        elif ceased_on > date_of_age(date_of_birth, 18):
            e.add("DUC", "After the 18th birthday (UASC status ends at 18)")
    if e.count:
        return None
    return UascRow(line, child, sex, date_of_birth, ceased_on)


def check_oc2(record: dict, line: int, errors: list[RowError], today: date) -> Oc2Row | None:
    e = _Errors(errors, codes.OC2, line, record["CHILD"])
    child = _child(e, record)
    date_of_birth = _date(e, record, "DOB", required=True, today=today)
    score_text = record["SDQ_SCORE"]
    sdq_score = None
    if score_text:
        if not score_text.isdigit() or int(score_text) > 40:
            e.add("SDQ_SCORE", f"'{score_text}' is not a score from 0 to 40")
        else:
            sdq_score = int(score_text)
    sdq_reason = _code(e, record, "SDQ_REASON", codes.SDQ_REASON_CODES, required=False)
    if score_text and record["SDQ_REASON"]:
        e.add("SDQ_REASON", "Given with SDQ_SCORE: give the score or the reason, not both")
    flags = {
        column: _flag(e, record, column)
        for column in (
            "CONVICTED",
            "HEALTH_CHECK",
            "IMMUNISATIONS",
            "TEETH_CHECK",
            "HEALTH_ASSESSMENT",
            "SUBSTANCE_MISUSE",
            "INTERVENTION_RECEIVED",
            "INTERVENTION_OFFERED",
        )
    }
    if e.count:
        return None
    return Oc2Row(
        line,
        child,
        date_of_birth,
        sdq_score,
        sdq_reason,
        flags["CONVICTED"],
        flags["HEALTH_CHECK"],
        flags["IMMUNISATIONS"],
        flags["TEETH_CHECK"],
        flags["HEALTH_ASSESSMENT"],
        flags["SUBSTANCE_MISUSE"],
        flags["INTERVENTION_RECEIVED"],
        flags["INTERVENTION_OFFERED"],
    )


def check_ad1(record: dict, line: int, errors: list[RowError], today: date) -> Ad1Row | None:
    from apps.adoption.rules import LEGAL_STATUSES_FOR_SEX, number_of_adopters

    e = _Errors(errors, codes.AD1, line, record["CHILD"])
    child = _child(e, record)
    date_of_birth = _date_of_birth(e, record, "DOB", today=today)
    decision_on = _date(e, record, "DATE_INT", required=True, today=today)
    matched_on = _date(e, record, "DATE_MATCH", required=True, today=today)
    foster_carers = _flag(e, record, "FOSTER_CARE")
    if record["FOSTER_CARE"] == "":
        e.add("FOSTER_CARE", "Required")
    number = record["NB_ADOPTR"]
    if number not in {"1", "2"}:
        e.add("NB_ADOPTR", "Required: 1 or 2" if not number else f"'{number}' is not 1 or 2")
    sex = _code(e, record, "SEX_ADOPTR", codes.ADOPTER_SEX_CODES, required=True)
    legal_status = _code(e, record, "LS_ADOPTR", codes.ADOPTER_LEGAL_STATUS_CODES, required=True)
    if sex and number in {"1", "2"} and number_of_adopters(sex) != int(number):
        e.add("NB_ADOPTR", f"{number}, but SEX_ADOPTR {sex} is {number_of_adopters(sex)}")
    if sex and legal_status and legal_status not in LEGAL_STATUSES_FOR_SEX[sex]:
        e.add("LS_ADOPTR", f"{legal_status} does not fit SEX_ADOPTR {sex}")
    if decision_on and matched_on and matched_on < decision_on:
        e.add("DATE_MATCH", f"Before DATE_INT ({codes.format_date(decision_on)})")
    if date_of_birth and decision_on and decision_on < date_of_birth:
        e.add("DATE_INT", "Before the date of birth")
    if e.count:
        return None
    return Ad1Row(
        line, child, date_of_birth, decision_on, matched_on, foster_carers, sex, legal_status
    )


def check_placed_adoption(
    record: dict, line: int, errors: list[RowError], today: date
) -> PlacedAdoptionRow | None:
    e = _Errors(errors, codes.PLACED_ADOPTION, line, record["CHILD"])
    child = _child(e, record)
    date_of_birth = _date_of_birth(e, record, "DOB", today=today)
    decision_on = _date(e, record, "DATE_PLACED", required=True, today=today)
    ceased_on = _date(e, record, "DATE_PLACED_CEASED", required=False, today=today)
    reason = _code(
        e, record, "REASON_PLACED_CEASED", codes.PLACED_CEASED_REASON_CODES, required=False
    )
    if bool(record["DATE_PLACED_CEASED"]) != bool(record["REASON_PLACED_CEASED"]):
        e.add(
            "REASON_PLACED_CEASED" if record["DATE_PLACED_CEASED"] else "DATE_PLACED_CEASED",
            "DATE_PLACED_CEASED and REASON_PLACED_CEASED are both given or both blank",
        )
    if decision_on and ceased_on and ceased_on < decision_on:
        e.add("DATE_PLACED_CEASED", f"Before DATE_PLACED ({codes.format_date(decision_on)})")
    if date_of_birth and decision_on and decision_on < date_of_birth:
        e.add("DATE_PLACED", "Before the date of birth")
    if e.count:
        return None
    return PlacedAdoptionRow(line, child, date_of_birth, decision_on, ceased_on, reason)
