"""Corrections of the child's details, a period of care and a placement (issue 13): a
reason is required and kept in history with the author, the temporal rules are checked
again, the clocks are recomputed in the same transaction, the timeline says "corrected",
and a stale version is a 409 that says what changed."""

from datetime import date

import pytest
import time_machine

from apps.assessments import services
from apps.assessments.models import Assessment
from apps.children import services as children_services
from apps.children.models import PeriodOfCare
from apps.placements import services as placement_services
from tests.factories import ChildFactory
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db

TODAY = date(2026, 2, 2)
ENTRY = date(2025, 12, 19)  # request due 30 December (WD5), IHA due 21 January (WD20)


@pytest.fixture(autouse=True)
def frozen_today():
    # The clock ticks: the history orders corrections by when they were made.
    with time_machine.travel(TODAY, tick=True):
        yield


def late_iha(cast) -> Assessment:
    """Requested on 31 December (working day 6: late) and held on 22 January (one working
    day after its deadline): breached, charged to the LA for the late request."""
    child = ChildFactory(
        responsible_la=cast.our_la, team=cast.team_a, date_of_birth=date(2015, 6, 10)
    )
    period = children_services.period_of_care_start(
        child=child, start_date=ENTRY, legal_status="C2", started_by=cast.social_worker
    )
    iha = Assessment.objects.get(period_of_care=period, kind="IHA")
    services.assessment_request(
        assessment=iha,
        sent_on=date(2025, 12, 31),
        provider=cast.provider_a,
        requested_by=cast.social_worker,
        request_complete_on=date(2025, 12, 31),
    )
    services.assessment_complete(
        assessment=iha,
        held_on=date(2026, 1, 22),
        clinician_role="PAEDIATRICIAN",
        completed_by=cast.nurse_a,
    )
    children_services.recompute_now(child.pk)
    iha.refresh_from_db()
    assert (iha.status, iha.breach_party, iha.breach_reason) == ("BREACHED", "LA", "LATE_REQUEST")
    return iha


def test_correcting_the_entry_date_recomputes_the_clocks_in_the_same_transaction(cast):
    iha = late_iha(cast)
    period = iha.period_of_care
    # Entry was on 22 December, not 19: the request on 31 December was on working day 5
    # and the assessment on 22 January on working day 20.
    children_services.period_of_care_update(
        period=period,
        updated_by=cast.social_worker,
        data={"start_date": date(2025, 12, 22)},
        expected_version=period.version,
        reason="Entry date mistyped",
    )
    iha.refresh_from_db()
    assert iha.request_due == date(2025, 12, 31)
    assert iha.due_date == date(2026, 1, 22)
    # Met: the LA's late request is gone (the report, still not returned, is health's).
    assert iha.status == "MET"
    assert (iha.breach_party, iha.breach_reason) != ("LA", "LATE_REQUEST")
    history = PeriodOfCare.history.filter(id=period.pk).order_by("-history_date").first()
    assert history.history_change_reason == "Entry date mistyped"
    assert history.history_user == cast.social_worker


def test_a_correction_the_other_way_makes_an_on_time_request_late(cast):
    iha = late_iha(cast)
    period = iha.period_of_care
    children_services.period_of_care_update(
        period=period,
        updated_by=cast.social_worker,
        data={"start_date": date(2025, 12, 22)},
        reason="Entry date mistyped",
    )
    period.refresh_from_db()
    children_services.period_of_care_update(
        period=period,
        updated_by=cast.social_worker,
        data={"start_date": ENTRY},
        expected_version=period.version,
        reason="It was the 19th after all",
    )
    iha.refresh_from_db()
    assert (iha.status, iha.breach_party, iha.breach_reason) == ("BREACHED", "LA", "LATE_REQUEST")


def test_a_correction_without_a_reason_is_refused_naming_reason(api, cast):
    iha = late_iha(cast)
    response = api(cast.social_worker).patch(
        f"/api/v1/periods-of-care/{iha.period_of_care_id}/",
        {"start_date": "2025-12-22", "reason": "  "},
        format="json",
    )
    assert response.status_code == 400
    assert "reason" in response.json()
    assert PeriodOfCare.objects.get(pk=iha.period_of_care_id).start_date == ENTRY


def test_the_api_patch_corrects_and_a_stale_version_is_a_409(api, cast):
    iha = late_iha(cast)
    client = api(cast.social_worker)
    url = f"/api/v1/periods-of-care/{iha.period_of_care_id}/"
    version = client.get(url).json()["version"]
    ok = client.patch(
        url,
        {"start_date": "2025-12-22", "reason": "Entry date mistyped", "version": version},
        format="json",
    )
    assert ok.status_code == 200, ok.json()
    stale = client.patch(
        url, {"legal_status": "C1", "reason": "Wrong status", "version": version}, format="json"
    )
    assert stale.status_code == 409
    iha.refresh_from_db()
    assert iha.status == "MET"


def test_a_correction_that_would_contradict_a_record_is_refused(api, cast):
    iha = late_iha(cast)
    response = api(cast.social_worker).patch(
        f"/api/v1/periods-of-care/{iha.period_of_care_id}/",
        {"start_date": "2026-01-02", "reason": "Wrong date"},
        format="json",
    )
    assert response.status_code == 400
    messages = response.json()["start_date"]
    assert any("2 January 2026" in m and "request was sent" in m for m in messages)


def test_the_change_link_form_corrects_and_the_timeline_says_corrected(cast):
    iha = late_iha(cast)
    client = signed_in_client(cast.social_worker)
    child_page = client.get(f"/children/{iha.child_id}/").content.decode()
    url = f"/children/{iha.child_id}/periods-of-care/{iha.period_of_care_id}/correct/"
    assert f'href="{url}#id_start_date"' in child_page
    form = client.get(url)
    assert form.status_code == 200
    assert 'id="id_reason"' in form.content.decode()
    response = client.post(
        url,
        {
            "start_date": "2025-12-22",
            "legal_status": "C2",
            "category_of_need": "",
            "reason": "Entry date mistyped",
            "version": iha.period_of_care.version,
        },
    )
    assert response.status_code == 302
    page = client.get(f"/children/{iha.child_id}/").content.decode()
    assert "Corrected" in page and "Period of care corrected" in page
    assert "Entry date mistyped" in page
    assert "Date became looked after from 19 December 2025 to 22 December 2025" in page


def test_the_form_without_a_reason_shows_a_govuk_error_on_reason(cast):
    iha = late_iha(cast)
    client = signed_in_client(cast.social_worker)
    response = client.post(
        f"/children/{iha.child_id}/periods-of-care/{iha.period_of_care_id}/correct/",
        {"start_date": "2025-12-22", "legal_status": "C2", "version": 1},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and 'href="#id_reason"' in body


def test_a_stale_form_is_a_409_that_says_what_changed(cast):
    iha = late_iha(cast)
    child = iha.child
    loaded_version = child.version
    children_services.child_update(
        child=child,
        updated_by=cast.manager,
        data={"date_of_birth": date(2015, 6, 11)},
        reason="Birth certificate seen",
    )
    response = signed_in_client(cast.social_worker).post(
        f"/children/{child.pk}/correct/",
        {
            "first_name": "Changed",
            "last_name": child.last_name,
            "date_of_birth": "2015-06-10",
            "sex": child.sex,
            "nhs_number": child.nhs_number or "",
            "ethnicity": child.ethnicity,
            "reason": "Name mistyped",
            "version": loaded_version,
        },
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this record" in body
    assert "from 10 June 2015 to 11 June 2015" in body
    child.refresh_from_db()
    assert child.first_name != "Changed"


def test_a_placement_correction_checks_the_period_and_keeps_the_reason(cast):
    iha = late_iha(cast)
    placement = placement_services.placement_start(
        child=iha.child,
        start_date=date(2025, 12, 20),
        place="U1",
        place_provider="PR1",
        area=cast.our_la,
        started_by=cast.social_worker,
    )
    client = signed_in_client(cast.social_worker)
    url = f"/children/{iha.child_id}/placements/{placement.pk}/correct/"
    base = {
        "place": "U1",
        "place_provider": "PR1",
        "area": cast.our_la.pk,
        "reason": "Start date mistyped",
        "version": placement.version,
    }
    refused = client.post(url, {**base, "start_date": "2025-12-18"})
    assert refused.status_code == 400
    assert "must be on or after the date the child entered care, 19 December 2025" in (
        refused.content.decode()
    )
    assert client.post(url, {**base, "start_date": "2025-12-19"}).status_code == 302
    placement.refresh_from_db()
    assert placement.start_date == date(2025, 12, 19)
    latest = placement.history.order_by("-history_date").first()
    assert (latest.history_change_reason, latest.history_user) == (
        "Start date mistyped",
        cast.social_worker,
    )


def test_other_teams_cannot_open_the_correction_forms(cast):
    iha = late_iha(cast)
    for user in (cast.social_worker_team_b, cast.nurse_a):
        response = signed_in_client(user).get(f"/children/{iha.child_id}/correct/")
        assert response.status_code == 404


def test_the_readiness_list_links_each_item_to_its_field_on_the_edit_forms(cast):
    # Issue 19: a girl with no UPN and no answer to "is she a mother?" in the return.
    iha = late_iha(cast)
    child = iha.child
    child.upn, child.sex, child.is_mother = "", "2", None
    child.save()
    page = signed_in_client(cast.social_worker).get(f"/children/{child.pk}/").content.decode()
    assert 'data-testid="ssda903-readiness"' in page
    assert f'href="/children/{child.pk}/correct/#id_upn"' in page
    assert f'href="/children/{child.pk}/correct/#id_is_mother"' in page
    form = signed_in_client(cast.social_worker).get(f"/children/{child.pk}/correct/")
    body = form.content.decode()
    assert 'id="id_upn"' in body and 'id="id_is_mother"' in body
