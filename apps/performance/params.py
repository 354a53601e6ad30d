"""The query parameters of the reports, validated once for the pages, the API and the export
jobs. Each checker raises ``ValueError`` with a message that a person can act on; the
page forms and the API serializers put it on the field it belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from apps.accounts.models import Organisation, OrganisationKind
from apps.performance.rules import (
    financial_year_of,
    month_start,
    parse_financial_year,
    parse_month,
    shift_month,
)


def default_month(today: date) -> date:
    """The last complete month: what a monthly scorecard reports."""
    return shift_month(today, -1)


def check_month(text: str | None, today: date) -> date:
    if not text:
        return default_month(today)
    month = parse_month(text)
    if month > month_start(today):
        raise ValueError("The month cannot be in the future.")
    return month


def check_year(text: str | None, today: date) -> int:
    if not text:
        return financial_year_of(today)
    year = parse_financial_year(text)
    if year > financial_year_of(today):
        raise ValueError("The financial year cannot be in the future.")
    return year


def check_authority(code: str | None, authorities: list[Organisation]) -> Organisation:
    if not code:
        return authorities[0]
    for authority in authorities:
        if authority.code == code:
            return authority
    raise ValueError("Choose a local authority you can report on.")


def check_provider(code: str | None) -> Organisation | None:
    if not code:
        return None
    provider = Organisation.objects.filter(code=code, kind=OrganisationKind.PROVIDER).first()
    if provider is None:
        raise ValueError("There is no health provider with this code.")
    return provider


def check_choice(value: str | None, choices: dict[str, str], default: str | None) -> str | None:
    if not value:
        return default
    if value not in choices:
        raise ValueError(f"Choose one of: {', '.join(choices)}.")
    return value


@dataclass(frozen=True)
class ScorecardParams:
    local_authority: Organisation
    month: date
    uasc: str
    breakdown: str | None

    def as_query(self) -> dict[str, str]:
        query = {
            "la": self.local_authority.code,
            "month": f"{self.month:%Y-%m}",
            "uasc": self.uasc,
        }
        if self.breakdown:
            query["breakdown"] = self.breakdown
        return query


@dataclass(frozen=True)
class BreachParams:
    local_authority: Organisation
    year: int
    provider: Organisation | None

    def as_query(self) -> dict[str, str]:
        query = {"la": self.local_authority.code, "year": str(self.year)}
        if self.provider is not None:
            query["provider"] = self.provider.code
        return query
