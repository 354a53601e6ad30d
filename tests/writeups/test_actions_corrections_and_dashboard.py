"""Issue 14: correcting a health plan action (the care record's correction pattern: a
reason, kept in history, "corrected" on the timeline, 409 on a stale version), and the
overdue actions counted on the manager's and designated nurse's home page."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.exceptions import StaleEdit
from apps.writeups import selectors, services
from apps.writeups.models import PlanAction
from tests.factories import ChildFactory
from tests.helpers import signed_in_client
from tests.writeups.test_loop import attend, booked_iha

pytestmark = pytest.mark.django_db

TODAY = date(2026, 2, 2)


@pytest.fixture(autouse=True)
def frozen_today():
    # Ticking: the history's records are ordered by their time.
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture
def held(cast):
    iha, appointment = booked_iha(cast)
    attend(appointment, cast.health_admin_a)
    iha.refresh_from_db()
    return iha


def add(cast, iha, due=date(2026, 3, 1), **owner):
    owner = owner or {"owner_kind": "CARER", "owner_name": "Ms Carer"}
    return services.plan_action_add(
        assessment=iha,
        need="Dental registration",
        action="Register with a dentist",
        due_date=due,
        created_by=cast.nurse_a,
        **owner,
    )


# Corrections -----------------------------------------------------------------------------


def correct(cast, item, data, reason="Due date mistyped", version=None, by=None):
    return services.plan_action_correct(
        action=item,
        corrected_by=by or cast.nurse_a,
        data=data,
        reason=reason,
        expected_version=item.version if version is None else version,
    )


def test_a_correction_changes_the_action_and_keeps_the_reason_and_author_in_history(cast, held):
    item = add(cast, held)
    corrected = correct(cast, item, {"due_date": date(2026, 4, 1), "owner_name": "Mr Carer"})
    assert (corrected.due_date, corrected.owner_name, corrected.version) == (
        date(2026, 4, 1),
        "Mr Carer",
        item.version + 1,
    )
    record = corrected.history.order_by("-history_id").first()
    assert (record.history_change_reason, record.history_user) == (
        "Due date mistyped",
        cast.nurse_a,
    )


def test_the_correction_is_on_the_childs_timeline_as_corrected(cast, held):
    item = add(cast, held)
    correct(cast, item, {"due_date": date(2026, 4, 1)})
    page = signed_in_client(cast.social_worker).get(f"/children/{held.child_id}/")
    text = page.content.decode()
    assert "Health plan action corrected" in text
    assert "due date from 1 March 2026 to 1 April 2026" in text
    assert "Reason: Due date mistyped" in text


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_correction_without_a_reason_is_refused_naming_reason(cast, held, reason):
    item = add(cast, held)
    with pytest.raises(ValidationError) as error:
        correct(cast, item, {"due_date": date(2026, 4, 1)}, reason=reason)
    assert "reason" in error.value.message_dict
    item.refresh_from_db()
    assert item.due_date == date(2026, 3, 1)


@pytest.mark.parametrize(
    "data,field",
    [
        ({"need": " "}, "need"),
        ({"action": ""}, "action"),
        ({"due_date": date(2026, 1, 13)}, "due_date"),  # before the assessment (14/01)
        ({"owner_kind": "NOBODY"}, "owner_kind"),
        ({"owner_name": ""}, "owner_name"),  # no user and no name: no owner
    ],
)
def test_a_correction_is_checked_as_an_action_is_when_added(cast, held, data, field):
    item = add(cast, held)
    with pytest.raises(ValidationError) as error:
        correct(cast, item, data)
    assert field in error.value.message_dict
    item.refresh_from_db()
    assert item.version == 1 and item.history.count() == 1


def test_an_owner_who_does_not_work_with_the_child_is_refused(cast, held):
    item = add(cast, held)
    with pytest.raises(ValidationError) as error:
        correct(
            cast, item, {"owner_kind": "SOCIAL_WORKER", "owner_user": cast.social_worker_team_b}
        )
    assert "owner_user" in error.value.message_dict


def test_a_stale_version_is_refused(cast, held):
    item = add(cast, held)
    correct(cast, item, {"due_date": date(2026, 4, 1)})
    with pytest.raises(StaleEdit):
        correct(cast, item, {"due_date": date(2026, 5, 1)}, version=1)
    item.refresh_from_db()
    assert item.due_date == date(2026, 4, 1)


def test_only_the_providers_clinician_corrects(cast, held):
    item = add(cast, held)
    for user in (cast.social_worker, cast.health_admin_a, cast.nurse_b):
        with pytest.raises(PermissionDenied):
            correct(cast, item, {"due_date": date(2026, 4, 1)}, by=user)


def test_the_api_patch_corrects_and_answers_409_on_a_stale_version(cast, held, api):
    item = add(cast, held)
    url = f"/api/v1/plan-actions/{item.pk}/"
    nurse = api(cast.nurse_a)
    response = nurse.patch(
        url, {"due_date": "2026-04-01", "reason": "Typo", "version": 1}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["due_date"], response.json()["version"]) == ("2026-04-01", 2)
    stale = nurse.patch(
        url, {"due_date": "2026-05-01", "reason": "Typo", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    no_reason = nurse.patch(
        url, {"due_date": "2026-05-01", "reason": "", "version": 2}, format="json"
    )
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    bad = nurse.patch(url, {"due_date": "2026-01-01", "reason": "x", "version": 2}, format="json")
    assert bad.status_code == 400 and "due_date" in bad.json()
    # Who may see the child but not correct: 404, as for one who may not see it.
    assert (
        api(cast.social_worker)
        .patch(url, {"due_date": "2026-05-01", "reason": "x", "version": 2}, format="json")
        .status_code
        == 404
    )
    assert api(cast.nurse_b).get(url).status_code == 404
    assert api(cast.social_worker).get(url).json()["due_date"] == "2026-04-01"


def test_the_correction_page_saves_with_a_reason_and_says_what_changed_when_stale(cast, held):
    item = add(cast, held)
    page = signed_in_client(cast.nurse_a)
    url = f"/assessments/plan-actions/{item.pk}/correct/"
    assert page.get(url).status_code == 200
    body = {
        "need": "Dental registration",
        "action": "Register with a dentist",
        "owner_kind": "CARER",
        "owner_user": "",
        "owner_name": "Ms Carer",
        "due_date_0": "1",
        "due_date_1": "4",
        "due_date_2": "2026",
        "reason": "Agreed a later date",
        "version": "1",
    }
    assert page.post(url, body).status_code == 302
    item.refresh_from_db()
    assert item.due_date == date(2026, 4, 1)
    stale = page.post(url, {**body, "due_date_1": "5"})
    assert stale.status_code == 409
    assert "Someone else changed this record" in stale.content.decode()
    missing = page.post(url, {**body, "reason": "", "version": "2"})
    assert missing.status_code == 400
    assert signed_in_client(cast.social_worker).get(url).status_code == 404


# The manager's and designated nurse's home -----------------------------------------------


def test_overdue_actions_are_counted_for_those_who_see_the_children_in_one_query(cast, held):
    add(cast, held, due=date(2026, 1, 20))  # overdue
    add(cast, held, due=date(2026, 2, 2))  # due today: not overdue
    done = add(cast, held, due=date(2026, 1, 15))
    services.plan_action_close(action=done, status="DONE", closed_on=TODAY, closed_by=cast.nurse_a)
    # Another team's child, overdue too: counted for the designated nurse and the
    # performance manager (the whole LA), not for team A's manager.
    other = ChildFactory(responsible_la=cast.our_la, team=cast.team_b)
    other_iha, appointment = booked_iha(cast, child=other)
    attend(appointment, cast.health_admin_a)
    other_iha.refresh_from_db()
    add(cast, other_iha, due=date(2026, 1, 25))
    with CaptureQueriesContext(connection) as queries:
        count = selectors.overdue_actions_visible_to(cast.manager, TODAY).count()
    assert count == 1
    assert len(queries) == 1
    assert selectors.overdue_actions_visible_to(cast.performance_manager, TODAY).count() == 2
    assert selectors.overdue_actions_visible_to(cast.designated, TODAY).count() == 2
    # Not a dashboard role: nothing.
    assert not selectors.overdue_actions_visible_to(cast.social_worker, TODAY).exists()


def test_the_home_page_links_the_count_to_the_list(cast, held):
    item = add(cast, held, due=date(2026, 1, 20))
    manager = signed_in_client(cast.manager)
    home = manager.get("/").content.decode()
    assert "1</strong> health plan action overdue" in home
    assert "/assessments/plan-actions/overdue/" in home
    listing = manager.get("/assessments/plan-actions/overdue/")
    assert listing.status_code == 200
    assert item.action in listing.content.decode()
    assert (
        "health plan action" not in signed_in_client(cast.social_worker).get("/").content.decode()
    )
    assert (
        signed_in_client(cast.social_worker).get("/assessments/plan-actions/overdue/").status_code
        == 404
    )
    assert PlanAction.objects.count() == 1
