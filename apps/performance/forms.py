"""The report filters as GOV.UK forms over GET parameters. A bad value is a 400 page with a
GOV.UK error summary naming the field, never a 500."""

from __future__ import annotations

import re
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

MONTH_LABEL = "Reporting month"
_LEGACY_MONTH = re.compile(r"\s*(\d{1,4})-(\d{1,2})\s*")


class MonthProblem(ValueError):
    """A month-year input's error: the GOV.UK message and which of its parts are wrong."""

    def __init__(self, message: str, parts: tuple[str, ...]) -> None:
        super().__init__(message)
        self.parts = parts


def month_from_parts(month: str, year: str, today: date, label: str = MONTH_LABEL) -> date | None:
    """The GOV.UK month-year input (a month field and a year field) as the month's first day;
    None when both are blank (the report's default month). A month after ``today``'s is an
    error, as is a month before 2000 (the earliest data a report holds)."""
    month, year = (month or "").strip(), (year or "").strip()
    if not month and not year:
        return None
    if not month:
        raise MonthProblem(f"{label} must include a month", ("month",))
    if not year:
        raise MonthProblem(f"{label} must include a year", ("year",))
    if not month.isdigit() or not 1 <= int(month) <= 12:
        raise MonthProblem(f"{label} must be a real month", ("month",))
    if not (year.isdigit() and len(year) == 4):
        raise MonthProblem(f"The year of the {label.lower()} must include 4 numbers", ("year",))
    if int(year) < 2000:
        raise MonthProblem(f"{label} must be in 2000 or later", ("year",))
    value = date(int(year), int(month), 1)
    if value > today.replace(day=1):
        raise MonthProblem(f"{label} must be this month or in the past", ("month", "year"))
    return value


def month_parts(value) -> tuple[str, str]:
    """What the month and year fields show: the parts as typed, or an old ``?month=YYYY-MM``
    (links and bookmarks from before the two-field input, and the pages' own links) split."""
    if isinstance(value, tuple):
        return value
    if isinstance(value, date):
        return str(value.month), str(value.year)
    match = _LEGACY_MONTH.fullmatch(value or "")
    if match:
        return str(int(match.group(2))), match.group(1)
    return "", ""


class MonthYearInput(forms.MultiWidget):
    """The GOV.UK date input with a month and a year (templates/performance/_month_field.html
    renders it): NAME_month and NAME_year. A single NAME=YYYY-MM still works."""

    def __init__(self) -> None:
        numeric = {"inputmode": "numeric"}
        super().__init__(
            widgets={
                "month": forms.TextInput(attrs=numeric),
                "year": forms.TextInput(attrs=numeric),
            }
        )

    def decompress(self, value):
        return list(month_parts(value))

    def value_from_datadict(self, data, files, name):
        if name in data:
            return data.get(name) or ""
        month, year = (data.get(f"{name}_{part}") or "" for part in ("month", "year"))
        return (month.strip(), year.strip()) if (month.strip() or year.strip()) else ""

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)


class MonthYearField(forms.Field):
    """Cleans to the month's first day (None when blank); its widget's parts are kept on
    ``problem_parts`` so that only the wrong field is marked in error."""

    widget = MonthYearInput

    def __init__(self, *, today_from, **kwargs) -> None:
        super().__init__(required=False, **kwargs)
        self.today_from = today_from
        self.problem_parts: tuple[str, ...] = ()

    def clean(self, value):
        if isinstance(value, str) and value.strip() and not _LEGACY_MONTH.fullmatch(value):
            self.problem_parts = ("month", "year")
            raise ValidationError(f"{MONTH_LABEL} must be a real month")
        try:
            return month_from_parts(*month_parts(value), self.today_from())
        except MonthProblem as problem:
            self.problem_parts = problem.parts
            raise ValidationError(str(problem)) from problem


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
    uasc = forms.CharField(label="Unaccompanied asylum-seeking children", required=False)
    breakdown = forms.CharField(label="Break down by", required=False)
    show_uasc_effect = forms.BooleanField(label="Show the effect of excluding UASC", required=False)

    def __init__(self, data, *, authorities: list[Organisation], today: date) -> None:
        super().__init__(data, authorities=authorities, today=today)
        # Declared here, not on the class: each form's field keeps its own problem_parts.
        self.fields["month"] = MonthYearField(
            label=MONTH_LABEL,
            help_text="For example, 7 2019. Leave blank for the last complete month.",
            today_from=lambda: self.today,
        )
        self.order_fields(["la", "month"])

    def clean_month(self) -> date:
        return self.cleaned_data.get("month") or checks.default_month(self.today)

    def month_inputs(self) -> list[dict]:
        """The month-year input's two fields, as the template draws them."""
        month, year = month_parts(self["month"].value())
        field = self.fields["month"]
        parts = field.problem_parts if isinstance(field, MonthYearField) else ()
        in_error = set(parts) if self.errors.get("month") else set()
        return [
            {
                "part": "month",
                "label": "Month",
                "id": "id_month",
                "value": month,
                "width": 2,
                "error": "month" in in_error,
            },
            {
                "part": "year",
                "label": "Year",
                "id": "id_month_year",
                "value": year,
                "width": 4,
                "error": "year" in in_error,
            },
        ]

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
