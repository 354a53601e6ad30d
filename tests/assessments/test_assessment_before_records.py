"""The last statutory health assessment before our records, for a child whose period of
care was imported part-way: it starts the review clock (DOMAIN.md 3) in the same
transaction, and counts in no timeliness measure."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from apps.assessments.models import Assessment
from apps.assessments.recompute import recompute_children
from apps.assessments.services import assessment_before_records_record
from tests.factories import ChildFactory, PeriodOfCareFactory
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 15)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _imported_child(cast, born=date(2015, 3, 3), rne="P"):
    child = ChildFactory(responsible_la=cast.our_la, team=cast.team_a, date_of_birth=born)
    PeriodOfCareFactory(child=child, start_date=date(2025, 6, 2), reason_new_episode=rne)
    recompute_children([child.pk])
    return child


def _record(child, cast, kind="RHA", held_on=date(2025, 9, 10), **extra):
    return assessment_before_records_record(
        child=child, kind=kind, held_on=held_on, recorded_by=cast.social_worker, **extra
    )


def _review(child):
    return Assessment.objects.get(child=child, kind="RHA", before_records=False)


def test_a_review_is_due_12_months_after_it_from_age_5(cast):
    child = _imported_child(cast)
    before = _record(child, cast, held_by_provider="Kent Community Health")
    review = _review(child)  # created in the service's own transaction
    assert review.previous == before and review.due_date == date(2026, 9, 10)
    assert before.not_required_reason == "BEFORE_RECORDS" and before.period_of_care is None
    assert before.held_by_provider == "Kent Community Health"
    assert not before.breach_party and not before.report_breached


def test_a_review_is_due_6_months_after_it_under_5(cast):
    child = _imported_child(cast, born=date(2022, 1, 31))
    _record(child, cast, kind="IHA", held_on=date(2025, 8, 31))
    assert _review(child).due_date == date(2026, 2, 28)
    assert _review(child).status == "OVERDUE"


def test_it_is_refused_for_a_period_recorded_from_entry(cast):
    child = _imported_child(cast, rne="S")
    with pytest.raises(ValidationError) as error:
        _record(child, cast)
    assert "held_on" in error.value.message_dict


def test_it_is_recorded_once_and_not_when_an_assessment_is_on_record(cast):
    child = _imported_child(cast)
    _record(child, cast)
    with pytest.raises(ValidationError) as error:
        _record(child, cast, held_on=date(2025, 10, 1))
    assert "already recorded" in error.value.message_dict["held_on"][0]


def test_dates_are_checked(cast):
    child = _imported_child(cast)
    with pytest.raises(ValidationError) as error:
        _record(child, cast, held_on=date(2026, 5, 1))
    assert "held_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _record(child, cast, held_on=date(2014, 1, 1))
    assert "held_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _record(child, cast, kind="SDQ")
    assert "kind" in error.value.message_dict


def test_it_counts_in_no_timeliness_measure(cast):
    from apps.performance.selectors import scorecard

    child = _imported_child(cast)
    _record(child, cast, held_on=date(2025, 9, 10))
    rows = scorecard(local_authority=cast.our_la, month=date(2026, 3, 1), today=TODAY).rows
    figures = {r.kpi.code: r.current for r in rows}
    for code in ("IHA_HELD_20WD", "RHA_BY_DUE_5_18", "IHA_REQUEST_5WD"):
        assert not figures[code].denominator, code
    assert (figures["HA_IN_DATE"].numerator, figures["HA_IN_DATE"].denominator) == (1, 1)


ROLES = [
    "social_worker",
    "social_worker_team_b",
    "manager",
    "performance_manager",
    "nurse_a",
    "designated",
    "auditor",
    "admin",
    "outsider",
]


@pytest.mark.parametrize("role", ROLES)
def test_the_api_is_for_the_childs_team(api, cast, role):
    child = _imported_child(cast)
    response = api(getattr(cast, role)).post(
        f"/api/v1/children/{child.pk}/assessment-before-records/",
        {"kind": "RHA", "held_on": "2025-09-10"},
        format="json",
    )
    sees = {"social_worker", "manager", "performance_manager", "designated", "auditor"}
    expected = 201 if role in {"social_worker", "manager"} else 403 if role in sees else 404
    assert response.status_code == expected, response.content
    if expected == 201:
        assert response.json()["before_records"] is True
        assert _review(child).due_date == date(2026, 9, 10)


def test_the_api_names_the_field(api, cast):
    child = _imported_child(cast, rne="S")
    response = api(cast.social_worker).post(
        f"/api/v1/children/{child.pk}/assessment-before-records/",
        {"kind": "RHA", "held_on": "2025-09-10"},
        format="json",
    )
    assert response.status_code == 400 and "held_on" in response.json()


def test_the_child_page_links_to_the_form_which_records_it(cast):
    child = _imported_child(cast)
    client = signed_in_client(cast.social_worker)
    url = f"/children/{child.pk}/assessment-before-records/"
    assert url in client.get(f"/children/{child.pk}/").content.decode()
    invalid = client.post(url, {"kind": "", "held_on": ""})
    assert invalid.status_code == 400
    assert 'href="#id_held_on"' in invalid.content.decode()
    response = client.post(url, {"kind": "RHA", "held_on": "2025-09-10", "held_by_provider": ""})
    assert response.status_code == 302
    assert _review(child).due_date == date(2026, 9, 10)
    # Recorded: the link goes.
    assert url not in client.get(f"/children/{child.pk}/").content.decode()


def test_the_assessment_api_shows_it_as_before_our_records(api, cast):
    child = _imported_child(cast)
    made = api(cast.social_worker).post(
        f"/api/v1/children/{child.pk}/assessment-before-records/",
        {"kind": "RHA", "held_on": "2025-09-10", "held_by_provider": "Elsewhere NHS Trust"},
        format="json",
    )
    assert made.status_code == 201, made.content
    rows = api(cast.social_worker).get(f"/api/v1/assessments/?child={child.pk}").json()["results"]
    before = [row for row in rows if row["before_records"]]
    assert len(before) == 1
    assert (before[0]["held_on"], before[0]["held_by_provider"]) == (
        "2025-09-10",
        "Elsewhere NHS Trust",
    )
    assert all(row["held_by_provider"] == "" for row in rows if not row["before_records"])


def test_the_timeline_says_who_held_it_and_that_it_was_before_our_records(cast):
    from apps.children.timeline import child_timeline

    child = _imported_child(cast)
    _record(child, cast, held_by_provider="Kent Community Health")
    events = [e for e in child_timeline(child) if e.on == date(2025, 9, 10)]
    texts = [(e.title, e.detail) for e in events]
    assert any(
        title.endswith("held") and detail.startswith("By Kent Community Health, before our records")
        for title, detail in texts
    ), texts
    assert not any("not required" in title for title, _ in texts), texts
