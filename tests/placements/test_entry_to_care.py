"""A child enters care in one step (issue 12): the child, the period of care with its
category of need and the first placement, in one transaction, one recompute of the clocks;
the page and ``POST /api/v1/entries-to-care/`` share the service."""

from datetime import date

import pytest
import time_machine

from apps.assessments import recompute
from apps.assessments.models import Assessment
from apps.children.models import Child, PeriodOfCare
from apps.core.models import OutboxMessage
from apps.placements.models import Placement
from apps.placements.services import child_enter_care
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db
TODAY = date(2026, 1, 23)
URL = "/api/v1/entries-to-care/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def recomputes(monkeypatch):
    """The children each recompute of the clocks was asked for (the real recompute runs)."""
    calls: list[list[int]] = []
    real = recompute.recompute_children

    def counting(child_ids, **kwargs):
        ids = sorted(set(child_ids))
        calls.append(ids)
        return real(ids, **kwargs)

    monkeypatch.setattr(recompute, "recompute_children", counting)
    return calls


def _body(cast, **overrides):
    body = {
        "first_name": "Cara",
        "last_name": "New",
        "date_of_birth": "2020-01-01",
        "sex": "2",
        "ethnicity": "WBRI",
        "entry_date": "2025-12-19",
        "legal_status": "C1",
        "category_of_need": "N1",
        "place": "U6",
        "place_provider": "PR1",
        "area": cast.our_la.code,
    }
    body.update(overrides)
    return body


def test_one_call_records_the_child_the_period_and_the_first_placement(api, cast):
    response = api(cast.social_worker).post(URL, _body(cast), format="json")
    assert response.status_code == 201, response.json()
    result = response.json()
    child = Child.objects.get(pk=result["child"]["id"])
    period = PeriodOfCare.objects.get(child=child)
    placement = Placement.objects.get(child=child)
    assert (result["period_of_care"]["id"], result["placement"]["id"]) == (period.pk, placement.pk)
    assert (period.start_date, period.legal_status, period.category_of_need) == (
        date(2025, 12, 19),
        "C1",
        "N1",
    )
    assert (placement.start_date, placement.period_of_care_id) == (date(2025, 12, 19), period.pk)
    assert child.team == cast.social_worker.team
    # DOMAIN.md 1: entry on Friday 2025-12-19, request by working day 5, IHA by day 20.
    iha = Assessment.objects.get(child=child, kind="IHA")
    assert (iha.request_due, iha.due_date) == (date(2025, 12, 30), date(2026, 1, 21))


def test_an_entry_to_care_recomputes_the_clocks_once_and_queues_no_second_recompute(
    api, cast, recomputes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(cast.social_worker).post(URL, _body(cast), format="json")
    assert response.status_code == 201
    child_id = response.json()["child"]["id"]
    assert recomputes == [[child_id]]
    assert not OutboxMessage.objects.filter(task_name__endswith="recompute_child_clocks").exists()
    assert Child.objects.get(pk=child_id).clocks_stale_since is None


def test_the_page_enters_care_through_the_same_service_with_one_recompute(
    cast, recomputes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in_client(cast.social_worker).post(
            "/children/new/", {**_body(cast), "area": cast.our_la.pk}
        )
    assert response.status_code == 302
    child = Child.objects.get(first_name="Cara")
    assert recomputes == [[child.pk]]
    assert PeriodOfCare.objects.get(child=child).category_of_need == "N1"
    assert Placement.objects.filter(child=child).count() == 1


def test_a_re_entry_to_care_recomputes_once(api, cast, recomputes):
    child = Child.objects.get(
        pk=api(cast.social_worker).post(URL, _body(cast), format="json").json()["child"]["id"]
    )
    period = PeriodOfCare.objects.get(child=child)
    ended = api(cast.social_worker).post(
        f"/api/v1/periods-of-care/{period.pk}/end/",
        {"end_date": "2026-01-05", "reason_end": "E4A"},
        format="json",
    )
    assert ended.status_code == 200, ended.json()
    recomputes.clear()
    again = api(cast.social_worker).post(
        "/api/v1/periods-of-care/",
        {"child": child.pk, "start_date": "2026-01-12", "legal_status": "V2"},
        format="json",
    )
    assert again.status_code == 201, again.json()
    assert recomputes == [[child.pk]]
    assert Assessment.objects.filter(child=child, kind="IHA").count() == 2


@pytest.mark.parametrize(
    "field,value",
    [
        ("first_name", ""),
        ("date_of_birth", "not a date"),
        ("sex", "9"),
        ("nhs_number", "9434765918"),
        ("entry_date", ""),
        ("legal_status", "ZZ"),
        ("category_of_need", "N9"),
        ("place", "??"),
        ("area", "999"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_records_nothing(api, cast, field, value):
    response = api(cast.social_worker).post(URL, _body(cast, **{field: value}), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Child.objects.filter(first_name="Cara").exists()


def test_an_entry_before_birth_names_the_entry_date_and_rolls_back_the_child(api, cast):
    response = api(cast.social_worker).post(
        URL, _body(cast, entry_date="2019-06-01"), format="json"
    )
    assert response.status_code == 400
    assert "entry_date" in response.json()
    assert not Child.objects.filter(first_name="Cara").exists()


def test_a_bad_placement_rolls_back_the_child_and_its_period(api, cast):
    # A placement type that needs a provider, sent without one: refused by the placement's
    # own check, after the child and the period were saved in the same transaction.
    response = api(cast.social_worker).post(URL, _body(cast, place_provider=""), format="json")
    assert response.status_code == 400
    assert "place_provider" in response.json()
    assert not Child.objects.filter(first_name="Cara").exists()
    assert not PeriodOfCare.objects.filter(child__first_name="Cara").exists()


@pytest.mark.parametrize("role", ["nurse_a", "auditor", "designated", "health_admin_a"])
def test_roles_that_do_not_record_children_are_refused(api, cast, role):
    response = api(getattr(cast, role)).post(URL, _body(cast), format="json")
    assert response.status_code in (403, 404)
    assert not Child.objects.filter(first_name="Cara").exists()


def test_the_endpoint_is_in_the_openapi_schema(api, cast):
    schema = api(cast.social_worker).get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"][URL]["post"]
    assert "201" in operation["responses"]
    request_schema = operation["requestBody"]["content"]["application/json"]["schema"]
    name = request_schema["$ref"].rsplit("/", 1)[1]
    assert name.startswith("EntryToCare")
    fields = schema["components"]["schemas"][name]["properties"]
    assert {"entry_date", "legal_status", "category_of_need", "place", "first_name"} <= set(fields)
    assert "date_of_death" not in fields


def test_the_service_refuses_an_unknown_child_field(cast):
    with pytest.raises(TypeError):
        child_enter_care(
            created_by=cast.social_worker,
            child={"first_name": "A", "last_name": "B", "favourite_colour": "blue"},
            entry_date=date(2025, 12, 19),
            legal_status="C1",
            placement={"place": "U6", "place_provider": "PR1", "area": cast.our_la},
        )
