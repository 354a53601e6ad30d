"""The report filters as GOV.UK forms over GET parameters. A bad value is a 400 page with a
GOV.UK error summary naming the field, never a 500."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from apps.accounts.models import Organisation
from apps.core.forms import GovukForm
from apps.performance import params as checks
from apps.performance.params import BreachParams, ScorecardParams
from apps.performance.selectors import (
    BREACH_COLUMNS,
    BREAKDOWNS,
    DRILLDOWN_SETS,
    RHA_BANDS,
    UASC_OPTIONS,
)
from apps.performance.selectors.breaches import QUARTERS, YEAR


def _checked(check, *args):
    try:
        return check(*args)
    except ValueError as error:
        raise ValidationError(str(error)) from error


class _ReportForm(GovukForm):
    la = forms.CharField(label="Local authority", required=False)

    def __init__(self, data, *, authorities: list[Organisation], today: date) -> None:
        super().__init__(data)
        self.authorities = authorities
        self.today = today
        # With one LA to choose from there is nothing to choose.
        if len(authorities) > 1:
            self.fields["la"].widget = forms.Select(
                choices=[(a.code, a.name) for a in authorities], attrs={"class": "govuk-select"}
            )
        else:
            self.fields["la"].widget = forms.HiddenInput(attrs={"class": ""})

    def clean_la(self) -> Organisation:
        return _checked(checks.check_authority, self.cleaned_data.get("la"), self.authorities)


class ScorecardForm(_ReportForm):
    month = forms.CharField(
        label="Month",
        required=False,
        help_text="As YYYY-MM, for example 2019-07. Leave blank for the last complete month.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
    )
    uasc = forms.CharField(label="Unaccompanied asylum-seeking children", required=False)
    breakdown = forms.CharField(label="Break down by", required=False)
    show_uasc_effect = forms.BooleanField(label="Show the effect of excluding UASC", required=False)

    def clean_month(self) -> date:
        return _checked(checks.check_month, self.cleaned_data.get("month"), self.today)

    def clean_uasc(self) -> str:
        return _checked(checks.check_choice, self.cleaned_data.get("uasc"), UASC_OPTIONS, "include")

    def clean_breakdown(self) -> str | None:
        return _checked(checks.check_choice, self.cleaned_data.get("breakdown"), BREAKDOWNS, None)

    def params(self) -> ScorecardParams:
        data = self.cleaned_data
        return ScorecardParams(data["la"], data["month"], data["uasc"], data["breakdown"])


class DrilldownForm(ScorecardForm):
    set = forms.CharField(label="Which children", required=False)
    group = forms.CharField(label="Group", required=False)

    def clean_set(self) -> str:
        return _checked(
            checks.check_choice, self.cleaned_data.get("set"), DRILLDOWN_SETS, "denominator"
        )

    def clean(self):
        data = super().clean()
        if data.get("group") and not data.get("breakdown"):
            self.add_error("group", "A group needs a breakdown.")
        return data


class BreachForm(_ReportForm):
    year = forms.CharField(
        label="Financial year",
        required=False,
        help_text="The year it starts in: 2018 is April 2018 to March 2019.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
    )
    provider = forms.CharField(label="Health provider", required=False)

    def __init__(self, data, *, authorities, today, providers=()) -> None:
        super().__init__(data, authorities=authorities, today=today)
        self.fields["provider"].widget = forms.Select(
            choices=[("", "All providers"), *((p.code, p.name) for p in providers)],
            attrs={"class": "govuk-select"},
        )

    def clean_year(self) -> int:
        return _checked(checks.check_year, self.cleaned_data.get("year"), self.today)

    def clean_provider(self) -> Organisation | None:
        return _checked(checks.check_provider, self.cleaned_data.get("provider"))

    def params(self) -> BreachParams:
        data = self.cleaned_data
        return BreachParams(data["la"], data["year"], data["provider"])


class BreachDrilldownForm(BreachForm):
    kind = forms.CharField(label="Assessment", required=False)
    band = forms.CharField(label="Age band", required=False)
    quarter = forms.CharField(label="Quarter", required=False)
    column = forms.CharField(label="Figure", required=False)

    def clean_kind(self) -> str:
        return _checked(
            checks.check_choice, self.cleaned_data.get("kind"), {"IHA": "", "RHA": ""}, "IHA"
        )

    def clean_quarter(self) -> str:
        choices = dict.fromkeys([*QUARTERS, YEAR], "")
        return _checked(checks.check_choice, self.cleaned_data.get("quarter"), choices, YEAR)

    def clean_column(self) -> str:
        return _checked(
            checks.check_choice, self.cleaned_data.get("column"), BREACH_COLUMNS, "requiring"
        )

    def clean(self):
        data = super().clean()
        band = data.get("band") or ""
        if data.get("kind") == "RHA" and band not in RHA_BANDS:
            self.add_error("band", f"Choose one of: {', '.join(RHA_BANDS)}.")
        if data.get("kind") == "IHA":
            data["band"] = ""
        return data
