"""The access log's filters (issue 16): "Date from" is the GOV.UK date input, a bad filter
is a 400 with a GOV.UK error naming the field, and the old ``?since=YYYY-MM-DD`` works."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ChildFactory
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(cast):
    child = ChildFactory(responsible_la=cast.our_la, team=cast.team_a)
    signed_in_client(cast.social_worker).get(f"/children/{child.pk}/")
    return child


def _log(cast, query: str):
    response = signed_in_client(cast.auditor).get(f"/audit/?{query}")
    return response, response.content.decode()


def test_date_from_as_three_fields_keeps_todays_events_and_drops_older(cast, logged):
    today = timezone.localdate()
    response, text = _log(cast, f"since_0={today.day}&since_1={today.month}&since_2={today.year}")
    assert response.status_code == 200 and f"/children/{logged.pk}/" in text
    tomorrow = today + timedelta(days=1)
    parts = f"since_0={tomorrow.day}&since_1={tomorrow.month}&since_2={tomorrow.year}"
    response, text = _log(cast, parts)
    assert response.status_code == 200 and f"/children/{logged.pk}/" not in text


def test_the_old_since_parameter_still_filters_and_fills_the_date_input(cast, logged):
    today = timezone.localdate()
    response, text = _log(cast, f"since={today.isoformat()}")
    assert response.status_code == 200 and f"/children/{logged.pk}/" in text
    assert f'name="since_2" value="{today.year}"' in text
    response, text = _log(cast, f"since={(today + timedelta(days=1)).isoformat()}")
    assert f"/children/{logged.pk}/" not in text


def test_the_date_input_is_a_fieldset_with_a_legend_and_three_fields(cast, logged):
    _, text = _log(cast, "")
    assert '<legend class="govuk-fieldset__legend' in text and "Date from" in text
    for name in ("since_0", "since_1", "since_2"):
        assert f'name="{name}"' in text


@pytest.mark.parametrize(
    ("query", "target", "message"),
    [
        ("since_0=31&since_1=2&since_2=2026", "id_since", "Date from must be a real date"),
        ("since_0=3&since_1=&since_2=2026", "id_since", "Date from must include a month"),
        ("since=yesterday", "id_since", "Date from must be a real date"),
        ("child=abc", "id_child", "Child id must be a number, like 42"),
        ("outcome=MAYBE", "id_outcome", "Select an outcome from the list"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_field(cast, logged, query, target, message):
    response, text = _log(cast, query)
    assert response.status_code == 400
    assert f'<a href="#{target}">{message}</a>' in text
    assert "govuk-error-message" in text
    assert 'data-testid="access-log"' not in text


def test_the_next_page_link_keeps_the_filters(cast, logged):
    for _ in range(55):
        signed_in_client(cast.social_worker).get(f"/children/{logged.pk}/")
    today = timezone.localdate()
    _, text = _log(
        cast, f"child={logged.pk}&since_0={today.day}&since_1={today.month}&since_2={today.year}"
    )
    assert f"child={logged.pk}&amp;since={today.isoformat()}&amp;page=2" in text or (
        f"since={today.isoformat()}" in text and "page=2" in text
    )
