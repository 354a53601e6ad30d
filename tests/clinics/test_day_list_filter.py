"""The clinic day list's date (issue 16): a GOV.UK date input of three fields in a fieldset
with a legend and a hint; a bad or partial date is a 400 with the error summary and the
message on the field, never a 500; the old ``?date=YYYY-MM-DD`` links still work."""

import re

import pytest

from apps.clinics import services
from tests.clinics.conftest import TODAY, TUESDAY, make_clinic, new_request
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(cast):
    return signed_in_client(cast.health_admin_a)


@pytest.fixture
def booked_tuesday(cast, paediatrician):
    session = make_clinic(cast, paediatrician).sessions[0]
    services.slot_book(
        slot=session.slots.first(),
        assessment=new_request(cast, first_name="Amira", last_name="Khan"),
        booked_by=cast.health_admin_a,
    )
    return session


def _page(client, query: str = ""):
    response = client.get(f"/clinics/day/?{query}")
    return response, response.content.decode()


def test_with_no_date_it_shows_today_in_the_three_fields(admin_client):
    response, text = _page(admin_client)
    assert response.status_code == 200
    assert f"on {TODAY:%A} {TODAY.day} {TODAY:%B %Y}" in text
    assert f'name="date_0" value="{TODAY.day:02d}"' in text
    assert f'name="date_1" value="{TODAY.month:02d}"' in text
    assert f'name="date_2" value="{TODAY.year}"' in text
    # The GOV.UK date input: a fieldset with its legend and hint, no browser date picker.
    fieldset = re.search(r"<fieldset.*?</fieldset>", text, re.S).group(0)
    assert re.search(r"<legend[^>]*>\s*Date\s*</legend>", fieldset)
    assert "For example, 3 3 2026" in fieldset
    assert 'type="date"' not in text


def test_the_three_fields_choose_the_day(admin_client, booked_tuesday, paediatrician):
    response, text = _page(
        admin_client, f"clinician={paediatrician.pk}&date_0=3&date_1=3&date_2=2026"
    )
    assert response.status_code == 200
    assert "on Tuesday 3 March 2026" in text and "Amira Khan" in text
    assert 'name="date_0" value="3"' in text


def test_the_old_iso_date_link_still_works(admin_client, booked_tuesday, paediatrician):
    response, text = _page(admin_client, f"clinician={paediatrician.pk}&date={TUESDAY}")
    assert response.status_code == 200
    assert "on Tuesday 3 March 2026" in text and "Amira Khan" in text
    # The fields show the day the link asked for.
    assert 'name="date_0" value="03"' in text and 'name="date_2" value="2026"' in text


def test_the_three_fields_left_blank_mean_today(admin_client):
    response, text = _page(admin_client, "date_0=&date_1=&date_2=")
    assert response.status_code == 200
    assert f"on {TODAY:%A} {TODAY.day} {TODAY:%B %Y}" in text


@pytest.mark.parametrize(
    ("query", "message", "parts_in_error"),
    [
        ("date_0=31&date_1=2&date_2=2026", "Date must be a real date", {"0", "1", "2"}),
        ("date_0=3&date_1=3&date_2=", "Date must include a year", {"2"}),
        ("date_0=&date_1=3&date_2=2026", "Date must include a day", {"0"}),
        ("date_0=3&date_1=&date_2=", "Date must include a month and a year", {"1", "2"}),
        ("date_0=3&date_1=3&date_2=26", "Date must be a real date", None),
        ("date_0=x&date_1=3&date_2=2026", "Date must be a real date", None),
        ("date=soon", "Date must be a real date", None),
        ("date=2026-02-30", "Date must be a real date", None),
    ],
)
def test_a_bad_or_partial_date_is_a_400_naming_the_field(
    admin_client, booked_tuesday, query, message, parts_in_error
):
    response, text = _page(admin_client, query)
    assert response.status_code == 400
    assert "<title>Error: Clinic list" in text
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', text, re.S).group(0)
    assert f'<a href="#id_date">{message}</a>' in summary
    fieldset = re.search(r"<fieldset.*?</fieldset>", text, re.S).group(0)
    error = re.search(
        r'<span id="(id_date_\d_error)" class="govuk-error-message">\s*'
        r'<span class="govuk-visually-hidden">Error:</span>\s*(.*?)\s*</span>',
        fieldset,
    )
    assert error and error.group(2) == message, "the message is on the field"
    # The fieldset points at its hint and its error message.
    assert f'aria-describedby="id_date_hint {error.group(1)}"' in fieldset
    if parts_in_error is not None:
        marked = set(re.findall(r'name="date_(\d)"[^>]*govuk-input--error', fieldset))
        assert marked == parts_in_error
    # No list for a day we could not read.
    assert 'data-testid="day-list"' not in text
