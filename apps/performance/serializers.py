"""API input (query parameters) and output shapes of the scorecard and the breach report.
The checks are those of the pages (apps.performance.params): one rule, two front doors."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.performance import params as checks
from apps.performance.params import BreachParams, ScorecardParams
from apps.performance.rules import Direction, PeriodType, Polarity, Rag, Unit
from apps.performance.selectors import BREAKDOWNS, UASC_OPTIONS


def _check(field: str, check, *args):
    try:
        return check(*args)
    except ValueError as error:
        raise serializers.ValidationError({field: [str(error)]}) from error


class _ReportQuery(serializers.Serializer):
    la = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Code of the local authority to report on; default: the first you may see.",
    )

    def _authority(self, attrs):
        return _check("la", checks.check_authority, attrs.get("la"), self.context["authorities"])


class ScorecardQuery(_ReportQuery):
    month = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="YYYY-MM; default: the last complete month. Not in the future.",
    )
    uasc = serializers.ChoiceField(
        choices=list(UASC_OPTIONS.items()),
        required=False,
        help_text="Unaccompanied asylum-seeking children: include (default), exclude or only.",
    )
    breakdown = serializers.ChoiceField(
        choices=list(BREAKDOWNS.items()),
        required=False,
        allow_blank=True,
        help_text="Figures per team, provider, age band or legal status, for the month.",
    )

    def validate(self, attrs) -> dict:
        month = _check("month", checks.check_month, attrs.get("month"), self.context["today"])
        return {
            "params": ScorecardParams(
                local_authority=self._authority(attrs),
                month=month,
                uasc=attrs.get("uasc") or "include",
                breakdown=attrs.get("breakdown") or None,
            )
        }


class BreachQuery(_ReportQuery):
    year = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The year the financial year starts in (2018 = April 2018 to March 2019); "
        "default: the current one.",
    )
    provider = serializers.CharField(
        required=False, allow_blank=True, help_text="A health provider's code: its figures only."
    )

    def validate(self, attrs) -> dict:
        year = _check("year", checks.check_year, attrs.get("year"), self.context["today"])
        provider = _check("provider", checks.check_provider, attrs.get("provider"))
        return {"params": BreachParams(self._authority(attrs), year, provider)}


# ---------------------------------------------------------------------------------------
# Output


class OrganisationOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class WindowOut(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


def _result_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=12, decimal_places=1, coerce_to_string=False, allow_null=True, **kwargs
    )


def _threshold_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=8, decimal_places=2, coerce_to_string=False, allow_null=True, **kwargs
    )


RAG_CHOICES = [(r.value, r.name.capitalize()) for r in Rag]


class FigureOut(serializers.Serializer):
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    result = _result_field()


class UascEffectOut(serializers.Serializer):
    including = FigureOut()
    excluding = FigureOut()
    uasc_only = FigureOut()
    difference = _result_field(
        help_text=(
            "Effect of excluding UASC: the result excluding UASC minus the result including "
            "UASC, as in the published Kent scorecard's 'Impact of UASC' table (including "
            "50.0, excluding 62.8 gives +12.8)."
        )
    )


class BreakdownRowOut(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    numerator = serializers.IntegerField(source="figure.numerator", allow_null=True)
    denominator = serializers.IntegerField(source="figure.denominator", allow_null=True)
    result = _result_field(source="figure.result")
    rag = serializers.ChoiceField(choices=RAG_CHOICES, allow_null=True)


class ScorecardRowOut(serializers.Serializer):
    code = serializers.CharField(source="kpi.code")
    name = serializers.CharField(source="kpi.name")
    definition = serializers.CharField(source="kpi.definition")
    polarity = serializers.ChoiceField(
        source="kpi.polarity", choices=[(p.value, p.name.capitalize()) for p in Polarity]
    )
    period_type = serializers.ChoiceField(
        source="kpi.period_type", choices=[(p.value, p.name.capitalize()) for p in PeriodType]
    )
    unit = serializers.ChoiceField(
        source="kpi.unit", choices=[(u.value, u.name.capitalize()) for u in Unit]
    )
    activity_only = serializers.BooleanField(source="kpi.activity_only")
    window = WindowOut()
    has_data = serializers.BooleanField(
        help_text="False for a KPI whose data is not recorded yet (adoption)."
    )
    numerator = serializers.IntegerField(source="current.numerator", allow_null=True)
    denominator = serializers.IntegerField(source="current.denominator", allow_null=True)
    result = _result_field(source="current.result")
    rag = serializers.ChoiceField(choices=RAG_CHOICES, allow_null=True)
    target = _threshold_field()
    floor = _threshold_field()
    previous_month = FigureOut(source="previous")
    same_month_last_year = FigureOut(source="year_ago")
    direction = serializers.ChoiceField(
        choices=[(d.value, d.value.capitalize()) for d in Direction], allow_null=True
    )
    uasc = UascEffectOut(allow_null=True)
    breakdown = BreakdownRowOut(many=True)


class ScorecardOut(serializers.Serializer):
    local_authority = OrganisationOut()
    month = serializers.DateField(format="%Y-%m")
    as_at = serializers.DateField(help_text="The date the figures are taken on.")
    provisional = serializers.BooleanField(
        source="is_provisional", help_text="True while the month is in progress."
    )
    uasc = serializers.ChoiceField(choices=list(UASC_OPTIONS.items()))
    breakdown = serializers.ChoiceField(choices=list(BREAKDOWNS.items()), allow_null=True)
    computed_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the figures were computed (the month's stored snapshot), or null "
        "when they were computed for this request (no snapshot of the month for today).",
    )
    kpis = ScorecardRowOut(source="rows", many=True)


class BreachRowOut(serializers.Serializer):
    period = serializers.CharField(help_text="Q1 to Q4, or Year")
    requiring = serializers.IntegerField()
    within = serializers.IntegerField(help_text="Held on or before the due date")
    compliance_pct = serializers.IntegerField(allow_null=True)
    breaches_la = serializers.IntegerField()
    breaches_health = serializers.IntegerField()
    no_reason = serializers.IntegerField(help_text="Of the health breaches: no reason given")
    not_attributed = serializers.IntegerField()
    disputed = serializers.IntegerField(
        help_text="Breaches one agency has proposed to charge to the other, not yet agreed"
    )


class RhaBandOut(serializers.Serializer):
    age_band = serializers.CharField()
    rows = BreachRowOut(many=True)


class BreachReportOut(serializers.Serializer):
    local_authority = OrganisationOut()
    year = serializers.IntegerField()
    label = serializers.CharField()
    provider = OrganisationOut(allow_null=True)
    as_at = serializers.DateField()
    iha = BreachRowOut(many=True)
    rha = serializers.SerializerMethodField(help_text="RHAs split by age on the due date")

    @extend_schema_field(RhaBandOut(many=True))
    def get_rha(self, report) -> list[dict]:
        return RhaBandOut(
            [{"age_band": band, "rows": rows} for band, rows in report.rha.items()], many=True
        ).data
