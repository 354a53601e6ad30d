"""The child's timeline is the MOJ Frontend timeline component (issue 16), with the same
events as before, newest first, each dated with a machine-readable <time>."""

import re
from datetime import date

import pytest
from django.contrib.staticfiles import finders

from tests.factories import ChildFactory, PeriodOfCareFactory, PlacementFactory
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db


def test_the_moj_frontend_stylesheet_is_served_from_our_own_static_files():
    assert finders.find("moj/moj-frontend.min.css")


def test_the_timeline_is_the_moj_timeline_with_its_events_titled_and_dated(cast):
    child = ChildFactory(responsible_la=cast.our_la, team=cast.team_a)
    care = PeriodOfCareFactory(child=child, start_date=date(2025, 1, 6))
    PlacementFactory(period_of_care=care, start_date=date(2025, 2, 3))
    text = signed_in_client(cast.social_worker).get(f"/children/{child.pk}/").content.decode()
    assert "/static/moj/moj-frontend.min.css" in text
    timeline = text[text.index('class="moj-timeline"') :]
    timeline = timeline[: timeline.index("History of changes")]
    items = re.findall(
        r'<h3 class="moj-timeline__title">(.*?)</h3>.*?<time datetime="([\d-]+)">([^<]+)</time>',
        timeline,
        re.S,
    )
    titles = [title.strip() for title, _, _ in items]
    assert "Became looked after" in titles
    assert any(title.startswith("Placement started: ") for title in titles)
    dated = {title.strip(): (iso, shown) for title, iso, shown in items}
    assert dated["Became looked after"] == ("2025-01-06", "6 January 2025")
    # Newest first, as before.
    isos = [iso for _, iso, _ in items]
    assert isos == sorted(isos, reverse=True)
    # The period's legal status stays as the event's description.
    assert "moj-timeline__description" in timeline


def test_a_child_with_nothing_recorded_says_so(cast):
    child = ChildFactory(responsible_la=cast.our_la, team=cast.team_a)
    text = signed_in_client(cast.social_worker).get(f"/children/{child.pk}/").content.decode()
    assert "Nothing recorded yet." in text
