"""SSDA903 code lists (DfE children looked after return) used across the app.

Kept as Django choices so that forms, the API schema and database check constraints all use
one list. Labels are abridged from the DfE guidance.
"""

from django.db import models


class Sex(models.TextChoices):
    MALE = "1", "Male"
    FEMALE = "2", "Female"


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WOTH = "WOTH", "Any other White background"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WROM = "WROM", "Gypsy/Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Caribbean"
    BAFR = "BAFR", "African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class LegalStatus(models.TextChoices):
    C1 = "C1", "Interim care order"
    C2 = "C2", "Full care order"
    D1 = "D1", "Freeing order granted"
    E1 = "E1", "Placement order granted"
    J1 = "J1", "Remanded to local authority accommodation or youth detention"
    J2 = "J2", "Placed in local authority accommodation under PACE"
    J3 = "J3", "Sentenced to supervision order with residence requirement"
    L1 = "L1", "Under police protection and in local authority accommodation"
    L2 = "L2", "Emergency protection order"
    L3 = "L3", "Under child assessment order and in local authority accommodation"
    V2 = "V2", "Single period of accommodation under section 20"
    V3 = "V3", "Short-term breaks, individual episodes recorded"
    V4 = "V4", "Short-term breaks, agreements recorded"


# Section 20 accommodation versus care orders, for the KPI breakdown by legal status.
ACCOMMODATED_LEGAL_STATUSES = {LegalStatus.V2, LegalStatus.V3, LegalStatus.V4}


class ReasonEpisodeCeased(models.TextChoices):
    E11 = "E11", "Adopted: application unopposed"
    E12 = "E12", "Adopted: consent dispensed with"
    E2 = "E2", "Died"
    E3 = "E3", "Care taken over by another local authority"
    E41 = "E41", "Child arrangements (residence) order granted"
    E45 = "E45", "Special guardianship order to former foster carers"
    E46 = "E46", "Special guardianship order to other carers"
    E47 = "E47", "Special guardianship order to relatives or friends (not foster carers)"
    E48 = "E48", "Special guardianship order to other person(s)"
    E4A = "E4A", "Returned home to parents (part of care planning)"
    E4B = "E4B", "Returned home to parents (not part of care planning)"
    E5 = "E5", "Moved into independent living (supportive accommodation)"
    E6 = "E6", "Moved into independent living (no formalised support)"
    E7 = "E7", "Transferred to residential care funded by adult social care"
    E8 = "E8", "Period of being looked after ended for any other reason"
    E9 = "E9", "Sentenced to custody"
    E13 = "E13", "Left care to live with former foster carers (staying put)"
    E14 = "E14", "Accommodation on remand ended"
    E15 = "E15", "Age assessment determined child is 18 or over"
    E16 = "E16", "Child moved abroad"
    E17 = "E17", "Aged 18 or over and remained with current carers"


ADOPTED_REASONS = {ReasonEpisodeCeased.E11, ReasonEpisodeCeased.E12}


class Placement(models.TextChoices):
    """SSDA903 PLACE. H5, P2 and Z1 stay for earlier years' records: the DfE's 2025/26 rules
    (validation rule 146) no longer accept them. K3 replaces H5. The 2025/26 codes Z11-Z14
    that replace Z1 are not held yet: they are three characters long (``Placement.place``
    holds two) and take no placement provider, which every placement here records."""

    A3 = "A3", "Placed for adoption (consent) with current foster carers"
    A4 = "A4", "Placed for adoption (consent) not with current foster carers"
    A5 = "A5", "Placed for adoption (placement order) with current foster carers"
    A6 = "A6", "Placed for adoption (placement order) not with current foster carers"
    H5 = "H5", "Semi-independent living accommodation (not valid from 2025/26: use K3)"
    K1 = "K1", "Secure children's home"
    K2 = "K2", "Children's home"
    K3 = "K3", "Supported accommodation not subject to children's homes regulations"
    P1 = "P1", "Placed with own parent(s) or person with parental responsibility"
    P2 = "P2", "Independent living (not valid from 2025/26)"
    P3 = "P3", "Residential employment"
    R1 = "R1", "Residential care home"
    R2 = "R2", "NHS or health trust establishment"
    R3 = "R3", "Family centre or mother and baby unit"
    R5 = "R5", "Young offender institution or prison"
    S1 = "S1", "Residential school"
    T0 = "T0", "Temporary move of any type"
    T1 = "T1", "Temporary period in hospital"
    T2 = "T2", "Temporary absence on holiday"
    T3 = "T3", "Temporary accommodation while normal foster carer is away"
    T4 = "T4", "Temporary accommodation of seven days or less"
    U1 = "U1", "Foster placement with relative or friend: long-term"
    U2 = "U2", "Foster placement with relative or friend: fostering for adoption"
    U3 = "U3", "Foster placement with relative or friend: other"
    U4 = "U4", "Foster placement with other carer: long-term"
    U5 = "U5", "Foster placement with other carer: fostering for adoption"
    U6 = "U6", "Foster placement with other carer: other"
    Z1 = "Z1", "Other placement (not valid from 2025/26)"


# Temporary placements (SSDA903 T0-T4) record no placement provider (DfE rule 213).
TEMPORARY_PLACEMENTS = frozenset({"T0", "T1", "T2", "T3", "T4"})
ADOPTION_PLACEMENTS = {Placement.A3, Placement.A4, Placement.A5, Placement.A6}


class PlacementProvider(models.TextChoices):
    PR0 = "PR0", "Parent(s) or other person with parental responsibility"
    PR1 = "PR1", "Own provision (by the local authority)"
    PR2 = "PR2", "Other local authority provision"
    PR3 = "PR3", "Other public provision"
    PR4 = "PR4", "Private provision"
    PR5 = "PR5", "Voluntary or third sector provision"


class ReasonPlaceChange(models.TextChoices):
    """SSDA903 REASON_PLACE_CHANGE: why a placement ended in a change of placement."""

    CARPL = "CARPL", "Change to/implementation of care plan"
    CLOSE = "CLOSE", "Resignation or closure of provision"
    ALLEG = "ALLEG", "Allegation (section 47)"
    STAND = "STAND", "Standards of care concern"
    APPRR = "APPRR", "Approval removed"
    CREQB = "CREQB", "Carer requests placement end (behaviour)"
    CREQO = "CREQO", "Carer requests placement end (other)"
    CHILD = "CHILD", "Child requests placement end"
    LAREQ = "LAREQ", "Responsible or area authority requests placement end"
    PLACE = "PLACE", "Change in the status of the placement only"
    CUSTOD = "CUSTOD", "Custody arrangement"
    OTHER = "OTHER", "Other"
