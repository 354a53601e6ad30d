"""Adoption fixtures: the medical advisers the fixed cast lacks, and a case builder. The
browser fixtures are the shared ones in tests/conftest.py."""

from dataclasses import dataclass
from datetime import date

import pytest

from apps.accounts.models import Role, User
from apps.adoption.models import AdoptionCase
from apps.adoption.services import adoption_case_create
from tests.factories import ChildFactory, PeriodOfCareFactory, UserFactory


@dataclass
class Advisers:
    # A paediatrician of provider A, which serves our LA (the cast's Kent).
    adviser_a: User
    # One of provider B, which serves another area: sees our children only when assigned.
    adviser_b: User


@pytest.fixture
def advisers(cast) -> Advisers:
    return Advisers(
        adviser_a=UserFactory(
            username="adviser.a",
            first_name="Asha",
            last_name="Patel",
            role=Role.MEDICAL_ADVISER,
            organisation=cast.provider_a,
        ),
        adviser_b=UserFactory(
            username="adviser.b",
            first_name="Ben",
            last_name="Okafor",
            role=Role.MEDICAL_ADVISER,
            organisation=cast.provider_b,
        ),
    )


def make_case(
    cast,
    *,
    team=None,
    la=None,
    entry: date = date(2019, 1, 7),
    date_of_birth: date = date(2018, 6, 1),
    milestones: dict | None = None,
    **child_fields,
) -> AdoptionCase:
    """A child in care with an adoption case, built through the service."""
    la = la or cast.our_la
    child = ChildFactory(
        responsible_la=la,
        team=team if team is not None else (cast.team_a if la == cast.our_la else None),
        date_of_birth=date_of_birth,
        **child_fields,
    )
    PeriodOfCareFactory(child=child, start_date=entry)
    author = cast.social_worker if la == cast.our_la else cast.social_worker_other_la
    data = dict(milestones or {})
    # What the service needs with the milestones and that a test does not set itself: the
    # adopters with an adoption order, the reason with a change of plan.
    if data.get("adoption_order_on"):
        for field, value in TYPICAL_ADOPTERS.items():
            data.setdefault(field, value)
    if data.get("plan_changed_on"):
        data.setdefault("plan_changed_reason", "RD4")
    return adoption_case_create(child=child, created_by=author, data=data)


TYPICAL_ADOPTERS = {
    "adopters_sex": "MF",
    "adopters_legal_status": "L11",
    "adopted_by_foster_carers": False,
}
