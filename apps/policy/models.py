from django.db import models
from simple_history.models import HistoricalRecords

from apps.policy.rules import DEFAULT_POLICY, DEFAULT_REASON_PARTIES

# The tables keep the names they had in the assessments app (issue 12 moved the model here
# with state-only migrations: no data copied, no table renamed).
TABLE = "assessments_localauthoritypolicy"
HISTORY_TABLE = "assessments_historicallocalauthoritypolicy"


def _default_reason_parties() -> dict[str, str]:
    return {str(k): str(v) for k, v in DEFAULT_REASON_PARTIES.items()}


class LocalAuthorityPolicy(models.Model):
    """The per-LA settings behind every "Default" in DOMAIN.md, effective-dated: the record
    in force on a clock's day 0 decides that clock. An LA without one uses the shipped
    defaults."""

    local_authority = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="policies",
        limit_choices_to={"kind": "LA"},
    )
    effective_from = models.DateField()
    iha_request_working_days = models.PositiveSmallIntegerField(
        default=DEFAULT_POLICY.iha_request_working_days
    )
    iha_completion_working_days = models.PositiveSmallIntegerField(
        default=DEFAULT_POLICY.iha_completion_working_days
    )
    prior_assessment_exemption_months = models.PositiveSmallIntegerField(
        default=DEFAULT_POLICY.prior_assessment_exemption_months
    )
    rha_request_lead_working_days = models.PositiveSmallIntegerField(
        default=DEFAULT_POLICY.rha_request_lead_working_days
    )
    dental_first_due_months = models.PositiveSmallIntegerField(
        default=DEFAULT_POLICY.dental_first_due_months
    )
    dental_interval_months = models.PositiveSmallIntegerField(
        default=DEFAULT_POLICY.dental_interval_months
    )
    sdq_interval_months = models.PositiveSmallIntegerField(
        default=DEFAULT_POLICY.sdq_interval_months
    )
    sdq_on_placement_change = models.BooleanField(default=DEFAULT_POLICY.sdq_on_placement_change)
    declined_excluded_from_kpi = models.BooleanField(
        default=DEFAULT_POLICY.declined_excluded_from_kpi
    )
    at_risk_working_days = models.PositiveSmallIntegerField(
        default=DEFAULT_POLICY.at_risk_working_days
    )
    write_up_working_days = models.PositiveSmallIntegerField(
        default=DEFAULT_POLICY.write_up_working_days,
        help_text="An attended assessment not written up after this many working days is at risk",
    )
    report_read_working_days = models.PositiveSmallIntegerField(
        default=DEFAULT_POLICY.report_read_working_days,
        help_text="A returned report not marked read after this many working days is late",
    )
    out_of_area_referral_working_days = models.PositiveSmallIntegerField(
        default=DEFAULT_POLICY.out_of_area_referral_working_days
    )
    adoption_work_item_months = models.PositiveSmallIntegerField(
        default=DEFAULT_POLICY.adoption_work_item_months
    )
    reason_parties = models.JSONField(
        default=_default_reason_parties, help_text="Breach reason code -> LA or HEALTH"
    )
    history = HistoricalRecords(table_name=HISTORY_TABLE)

    class Meta:
        db_table = TABLE
        ordering = ["local_authority", "-effective_from"]
        verbose_name_plural = "local authority policies"
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "effective_from"], name="one_policy_per_la_per_date"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    iha_request_working_days__lte=models.F("iha_completion_working_days")
                ),
                name="policy_request_within_completion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_authority} from {self.effective_from:%d/%m/%Y}"
