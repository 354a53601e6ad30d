"""factory_boy factories. They write rows directly: the services have their own tests."""

from datetime import date

import factory

from apps.accounts.models import Organisation, OrganisationKind, Team, User
from apps.children.models import Child, PeriodOfCare
from apps.placements.models import Placement


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["code"]

    kind = OrganisationKind.LOCAL_AUTHORITY
    name = factory.Sequence(lambda n: f"Organisation {n}")
    code = factory.Sequence(lambda n: f"{900 + n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def _valid_nhs(n: int) -> str:
    stem = f"999{n:06d}"
    while True:
        total = sum(int(d) * w for d, w in zip(stem, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        if check != 10:
            return stem + str(check)
        stem = f"{int(stem) + 1:09d}"


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    responsible_la = factory.SubFactory(OrganisationFactory)
    la_child_id = factory.Sequence(lambda n: f"T{n:06d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = date(2015, 6, 1)
    sex = "1"
    nhs_number = factory.Sequence(lambda n: _valid_nhs(n * 7 + 1))
    ethnicity = "WBRI"


class PeriodOfCareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeriodOfCare

    child = factory.SubFactory(ChildFactory)
    start_date = date(2025, 1, 6)
    legal_status = "C2"


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    period_of_care = factory.SubFactory(PeriodOfCareFactory)
    child = factory.SelfAttribute("period_of_care.child")
    start_date = factory.SelfAttribute("period_of_care.start_date")
    place = "U6"
    place_provider = "PR1"
    area = factory.SelfAttribute("child.responsible_la")
    postcode_district = "ME14"
    carer_name = "Mr and Mrs Hill"
