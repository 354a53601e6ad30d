"""The provider workload's period (issue 16): "Date from" and "Date to" are GOV.UK date
inputs; a bad date is a 400 naming the field; the old ``?from=&to=`` still works."""

from datetime import date, timedelta

import pytest
import time_machine

from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)


@pytest.fixture
def client(cast):
    with time_machine.travel(TODAY, tick=False):
        yield signed_in_client(cast.health_admin_a)


def _page(client, query: str = ""):
    response = client.get(f"/workload/?{query}")
    return response, response.content.decode()


def test_with_no_dates_it_shows_the_last_90_days_in_the_fields(client):
    response, text = _page(client)
    assert response.status_code == 200
    start = TODAY - timedelta(days=90)
    assert f"{start:%-d %b %Y} to {TODAY:%-d %b %Y}" in text
    assert f'name="start_2" value="{start.year}"' in text
    assert f'name="end_1" value="{TODAY.month:02d}"' in text


def test_three_fields_choose_the_period(client):
    response, text = _page(client, "start_0=1&start_1=1&start_2=2026&end_0=31&end_1=1&end_2=2026")
    assert response.status_code == 200
    assert "1 Jan 2026 to 31 Jan 2026" in text


def test_the_old_from_and_to_parameters_still_work(client):
    response, text = _page(client, "from=2026-01-01&to=2026-01-31")
    assert response.status_code == 200
    assert "1 Jan 2026 to 31 Jan 2026" in text


@pytest.mark.parametrize(
    ("query", "target", "message"),
    [
        ("start_0=30&start_1=2&start_2=2026", "id_start", "Date from must be a real date"),
        ("start_0=1&start_1=2&start_2=", "id_start", "Date from must include a year"),
        ("end_0=&end_1=2&end_2=2026", "id_end", "Date to must include a day"),
        (
            "from=2026-02-01&to=2026-01-01",
            "id_end",
            "Date to must be the same as or after date from",
        ),
        ("from=2026-06-01", "id_end", "Date to must be the same as or after date from"),
        ("from=soon", "id_start", "Date from must be a real date"),
    ],
)
def test_a_bad_period_is_a_400_naming_the_field(client, query, target, message):
    response, text = _page(client, query)
    assert response.status_code == 400
    assert f'<a href="#{target}">{message}</a>' in text
    assert 'data-testid="workload"' not in text
