"""The per-local-authority settings behind every "Default" in DOMAIN.md, with the shipped
defaults. The database keeps them effective-dated per LA; rule code sees this dataclass."""

from dataclasses import dataclass, field
from enum import StrEnum


class Party(StrEnum):
    LA = "LA"
    HEALTH = "HEALTH"
    UNDETERMINED = "UNDETERMINED"


class BreachReason(StrEnum):
    LATE_REQUEST = "LATE_REQUEST"
    INCOMPLETE_REQUEST = "INCOMPLETE_REQUEST"
    CARER_OR_YP_CANCELLED = "CARER_OR_YP_CANCELLED"
    WAS_NOT_BROUGHT = "WAS_NOT_BROUGHT"
    PLACEMENT_MOVE = "PLACEMENT_MOVE"
    CLINICAL_CAPACITY = "CLINICAL_CAPACITY"
    HEALTH_CANCELLED = "HEALTH_CANCELLED"
    REPORT_DELAYED = "REPORT_DELAYED"
    OTHER = "OTHER"


BREACH_REASON_LABELS = {
    BreachReason.LATE_REQUEST: "LA request sent after its deadline",
    BreachReason.INCOMPLETE_REQUEST: "Request or consent incomplete until after its deadline",
    BreachReason.CARER_OR_YP_CANCELLED: "Carer or young person cancelled the appointment",
    BreachReason.WAS_NOT_BROUGHT: "Child was not brought / did not attend",
    BreachReason.PLACEMENT_MOVE: "Placement move forced re-booking",
    BreachReason.CLINICAL_CAPACITY: "No appointment available in time",
    BreachReason.HEALTH_CANCELLED: "Health cancelled the appointment",
    BreachReason.REPORT_DELAYED: "Assessment held in time, report late",
    BreachReason.OTHER: "Other (see note)",
}

# DOMAIN.md 5: reason -> party. OTHER has no default: the user sets the party.
DEFAULT_REASON_PARTIES: dict[str, str] = {
    BreachReason.LATE_REQUEST: Party.LA,
    BreachReason.INCOMPLETE_REQUEST: Party.LA,
    BreachReason.CARER_OR_YP_CANCELLED: Party.LA,
    BreachReason.WAS_NOT_BROUGHT: Party.LA,
    BreachReason.PLACEMENT_MOVE: Party.LA,
    BreachReason.CLINICAL_CAPACITY: Party.HEALTH,
    BreachReason.HEALTH_CANCELLED: Party.HEALTH,
    BreachReason.REPORT_DELAYED: Party.HEALTH,
}


@dataclass(frozen=True)
class Policy:
    # Statute: IHA held within 20 working days of entry to care.
    iha_completion_working_days: int = 20
    # Default (Kent joint pathway): complete LA request within 5 working days.
    iha_request_working_days: int = 5
    # Default: a statutory assessment in the 3 months before entry makes the IHA not required.
    prior_assessment_exemption_months: int = 3
    # Default: LA request for an RHA due 20 working days before the RHA due date.
    rha_request_lead_working_days: int = 20
    # Default: first dental check 3 months after entry, then every 12 months.
    dental_first_due_months: int = 3
    dental_interval_months: int = 12
    # SDQ: yearly for ages 4-16 (statute); optional extra one at each placement change.
    sdq_interval_months: int = 12
    sdq_on_placement_change: bool = False
    # Default: a declined IHA is excluded from the KPI denominator.
    declined_excluded_from_kpi: bool = True
    # "At risk": due within this many working days.
    at_risk_working_days: int = 5
    # Issue 14 (Default 5): an attended assessment not written up after this many working
    # days is itself at risk.
    write_up_working_days: int = 5
    # Issue 14 (Default 5): a returned report unread by the child's team after this many
    # working days shows on their worklist as late.
    report_read_working_days: int = 5
    # Out-of-area referral to the receiving provider (issue 6 default).
    out_of_area_referral_working_days: int = 5
    # Adoption medical adviser work items (Default 1 calendar month).
    adoption_work_item_months: int = 1
    reason_parties: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_REASON_PARTIES))

    def party_for(self, reason: str) -> str:
        return self.reason_parties.get(
            reason, DEFAULT_REASON_PARTIES.get(reason, Party.UNDETERMINED)
        )


DEFAULT_POLICY = Policy()
