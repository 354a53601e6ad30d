"""Temporary placements (SSDA903 T0-T4) have no placement provider (the DfE's rule 213);
every other placement has one. Service, database, API, import and export agree."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.children.models import Child
from apps.interop import codes
from apps.interop.selectors import CollectionYear, build_export
from apps.placements.models import Placement
from apps.placements.services import placement_start, placement_update
from tests.factories import ChildFactory, PeriodOfCareFactory
from tests.helpers import signed_in_client
from tests.interop.helpers import import_texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(cast):
    child = ChildFactory(
        responsible_la=cast.our_la,
        team=cast.team_a,
        la_child_id="T1",
        date_of_birth=date(2015, 1, 1),
        upn="UN1",
    )
    PeriodOfCareFactory(child=child, start_date=date(2025, 5, 1), legal_status="C2")
    placement_start(
        child=child,
        start_date=date(2025, 5, 1),
        place="U6",
        place_provider="PR1",
        area=cast.our_la,
        started_by=cast.social_worker,
    )
    return child


def _start(cast, child, place, provider, day=date(2025, 7, 1)):
    return placement_start(
        child=child,
        start_date=day,
        place=place,
        place_provider=provider,
        area=cast.our_la,
        started_by=cast.social_worker,
        previous_reason_place_change="CARPL",
    )


@pytest.mark.parametrize("place", sorted(codes.TEMPORARY_PLACEMENTS))
def test_a_temporary_placement_is_recorded_without_a_provider(cast, child, place):
    assert _start(cast, child, place, "").place_provider == ""


def test_a_temporary_placement_with_a_provider_is_refused_naming_the_field(cast, child):
    with pytest.raises(ValidationError) as error:
        _start(cast, child, "T3", "PR1")
    assert list(error.value.message_dict) == ["place_provider"]
    assert child.placements.count() == 1


def test_any_other_placement_needs_its_provider(cast, child):
    with pytest.raises(ValidationError) as error:
        _start(cast, child, "U4", "")
    assert list(error.value.message_dict) == ["place_provider"]


def test_changing_the_type_checks_the_provider_again(cast, child):
    placement = child.placements.get()
    with pytest.raises(ValidationError) as error:
        placement_update(placement=placement, updated_by=cast.social_worker, data={"place": "T1"})
    assert list(error.value.message_dict) == ["place_provider"]
    updated = placement_update(
        placement=placement,
        updated_by=cast.social_worker,
        data={"place": "T1", "place_provider": ""},
    )
    assert (updated.place, updated.place_provider) == ("T1", "")


@pytest.mark.parametrize(("place", "provider"), [("T2", "PR1"), ("U6", "")])
def test_the_database_refuses_a_provider_that_does_not_fit_the_type(child, place, provider):
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Placement.objects.filter(child=child).update(place=place, place_provider=provider)
    assert "placement_provider_fits_type" in str(error.value)


def test_the_api_takes_a_blank_provider_for_a_temporary_placement_only(cast, child):
    client = signed_in_client(cast.social_worker)
    body = {"child": child.pk, "start_date": "2025-07-01", "place": "T4", "area": cast.our_la.code}
    refused = client.post(
        "/api/v1/placements/", {**body, "place": "U4", "place_provider": ""}, "application/json"
    )
    assert refused.status_code == 400 and "place_provider" in refused.json()
    made = client.post("/api/v1/placements/", {**body, "place_provider": ""}, "application/json")
    assert made.status_code == 201, made.content
    assert made.json()["place_provider"] == ""


HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nK1,F,01/01/2015,WBRI,UN1,,\n"
EPISODES_COLUMNS = ",".join(codes.COLUMNS[codes.EPISODES]) + "\n"


def test_import_and_export_leave_the_provider_of_a_temporary_placement_blank(cast):
    episodes = EPISODES_COLUMNS + (
        "K1,01/05/2025,S,C2,N1,U6,PR1,10/08/2025,X1,,,ME15 6AA,SC048213\n"
        "K1,10/08/2025,P,C2,N1,T3,,24/08/2025,X1,,,ME14 1XQ,\n"
        "K1,24/08/2025,P,C2,N1,U6,PR1,,,,,ME15 6AA,SC048213\n"
    )
    report = import_texts(cast.our_la, header=HEADER, episodes=episodes)
    assert report.ok, report.errors
    assert list(
        Placement.objects.order_by("start_date").values_list("place", "place_provider")
    ) == [
        ("U6", "PR1"),
        ("T3", ""),
        ("U6", "PR1"),
    ]
    export = build_export(
        Child.objects.filter(responsible_la=cast.our_la), CollectionYear.parse("2025/26")
    )
    assert export.csv_text(codes.EPISODES) == episodes


def test_import_refuses_a_provider_on_a_temporary_placement_and_a_missing_one_elsewhere(cast):
    episodes = EPISODES_COLUMNS + (
        "K1,01/05/2025,S,C2,N1,U6,,10/08/2025,X1,,,ME15 6AA,SC048213\n"
        "K1,10/08/2025,P,C2,N1,T3,PR1,,,,,ME14 1XQ,\n"
    )
    report = import_texts(cast.our_la, header=HEADER, episodes=episodes)
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "PLACE_PROVIDER"),
        (3, "PLACE_PROVIDER"),
    ]
    assert "temporary placement" in report.errors[1].reason
    assert not Child.objects.exists()
