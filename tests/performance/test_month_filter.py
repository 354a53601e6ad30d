"""The scorecard's month filter is the GOV.UK date input with a month and a year (issue 16):
each problem is a GOV.UK message naming the field, on the part that is wrong; the old
``?month=YYYY-MM`` of links and bookmarks still works."""

from datetime import date

import pytest
import time_machine

from apps.performance.forms import MonthProblem, month_from_parts, month_parts
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db
TODAY = date(2019, 9, 2)


@pytest.mark.parametrize(
    ("month", "year", "expected"),
    [
        ("7", "2019", date(2019, 7, 1)),
        ("07", "2019", date(2019, 7, 1)),
        (" 9 ", " 2019 ", date(2019, 9, 1)),  # this month (in progress) is allowed
        ("1", "2000", date(2000, 1, 1)),  # the earliest
        ("12", "2018", date(2018, 12, 1)),
        ("", "", None),  # blank: the report's default month
        ("  ", "", None),
    ],
)
def test_a_month_and_year_make_the_first_of_the_month(month, year, expected):
    assert month_from_parts(month, year, TODAY) == expected


@pytest.mark.parametrize(
    ("month", "year", "message", "parts"),
    [
        ("", "2019", "Reporting month must include a month", ("month",)),
        ("7", "", "Reporting month must include a year", ("year",)),
        ("13", "2019", "Reporting month must be a real month", ("month",)),
        ("0", "2019", "Reporting month must be a real month", ("month",)),
        ("July", "2019", "Reporting month must be a real month", ("month",)),
        ("-1", "2019", "Reporting month must be a real month", ("month",)),
        ("7", "19", "The year of the reporting month must include 4 numbers", ("year",)),
        ("7", "20190", "The year of the reporting month must include 4 numbers", ("year",)),
        ("7", "twenty", "The year of the reporting month must include 4 numbers", ("year",)),
        ("12", "1999", "Reporting month must be in 2000 or later", ("year",)),
        ("10", "2019", "Reporting month must be this month or in the past", ("month", "year")),
        ("1", "2020", "Reporting month must be this month or in the past", ("month", "year")),
    ],
)
def test_each_problem_names_the_field_and_the_part_that_is_wrong(month, year, message, parts):
    with pytest.raises(MonthProblem) as raised:
        month_from_parts(month, year, TODAY)
    assert str(raised.value) == message
    assert raised.value.parts == parts


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-07", ("7", "2019")),
        (" 2019-7 ", ("7", "2019")),
        (("3", "2018"), ("3", "2018")),
        (date(2018, 3, 1), ("3", "2018")),
        ("abc", ("", "")),
        ("", ("", "")),
        (None, ("", "")),
    ],
)
def test_the_old_single_value_is_split_into_the_two_fields(value, expected):
    assert month_parts(value) == expected


@pytest.fixture
def manager_client(cast):
    with time_machine.travel(TODAY, tick=False):
        yield signed_in_client(cast.performance_manager)


def _page(client, query: str):
    response = client.get(f"/performance/scorecard/?{query}")
    return response, response.content.decode()


def test_the_two_fields_choose_the_month(manager_client):
    response, text = _page(manager_client, "month_month=7&month_year=2019")
    assert response.status_code == 200
    assert "Health scorecard: July 2019" in text
    assert 'id="id_month" name="month_month" type="text" inputmode="numeric" value="7"' in text
    assert (
        'id="id_month_year" name="month_year" type="text" inputmode="numeric" value="2019"' in text
    )


def test_an_old_link_or_bookmark_with_month_yyyy_mm_still_works_and_fills_the_fields(
    manager_client,
):
    response, text = _page(manager_client, "month=2019-07")
    assert response.status_code == 200
    assert "Health scorecard: July 2019" in text
    assert 'name="month_month" type="text" inputmode="numeric" value="7"' in text
    # The page's own links keep the short form, which the pages read.
    kpi = manager_client.get("/performance/scorecard/IHA_REQUEST_5WD/?month=2019-07")
    assert kpi.status_code == 200 and "July 2019" in kpi.content.decode()


def test_blank_fields_give_the_last_complete_month(manager_client):
    response, text = _page(manager_client, "month_month=&month_year=")
    assert response.status_code == 200
    assert "Health scorecard: August 2019" in text


def test_a_missing_year_is_a_400_naming_the_field_with_only_the_year_marked(manager_client):
    response, text = _page(manager_client, "month_month=7&month_year=")
    assert response.status_code == 400
    assert '<a href="#id_month">Reporting month must include a year</a>' in text
    assert 'id="month-error"' in text and 'aria-describedby="month-hint month-error"' in text
    assert 'govuk-input--error" id="id_month_year"' in text
    assert 'govuk-input--error" id="id_month"' not in text
    # What was typed stays in the fields.
    assert 'name="month_month" type="text" inputmode="numeric" value="7"' in text


def test_a_future_month_marks_both_fields(manager_client):
    response, text = _page(manager_client, "month_month=10&month_year=2019")
    assert response.status_code == 400
    assert "Reporting month must be this month or in the past" in text
    assert text.count("govuk-input--error") == 2
