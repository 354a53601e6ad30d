"""Issue 18: the worklists read the assessment rows' own worklist columns, kept by
PostgreSQL triggers (assessments migration 0012), with a guard matching a partial index,
counts in one grouped query and keyset pagination. Each is compared here with what it
replaces: the columns with the facts, the column scope with the access rule, each list with
the same list read from the facts without its guard (the SQLite path)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.assessments import worklist_columns, worklists
from apps.assessments.models import Appointment, Assessment
from apps.assessments.selectors import assessments_visible_to
from apps.children.models import Child
from tests.assessments.worklist_world import populate
from tests.helpers import signed_in_client
from tests.performance import builders as b

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the worklist columns are PostgreSQL's"
    ),
]
USERS = [
    "social_worker",
    "social_worker_team_b",
    "social_worker_other_la",
    "manager",
    "performance_manager",
    "health_admin_a",
    "nurse_a",
    "nurse_b",
    "designated",
    "auditor",
    "admin",
    "outsider",
]


def _columns(assessment):
    row = Assessment.objects.filter(pk=assessment.pk).values(
        "wl_la_id", "wl_team_id", "wl_in_care", "wl_booked_for", "wl_attended_on"
    )
    return tuple(row.get().values())


def test_the_triggers_keep_the_columns_through_every_fact(cast):
    today = timezone.localdate()
    kid = b.child(cast.our_la, team=cast.team_a)
    care = b.period(kid, today - timedelta(days=30))
    iha = b.iha(kid, care, complete=today - timedelta(days=20), provider=cast.provider_a)
    assert _columns(iha) == (cast.our_la.pk, cast.team_a.pk, True, None, None)
    booked = Appointment.objects.create(
        assessment=iha, appointment_date=today + timedelta(days=3), booked_on=today
    )
    assert _columns(iha)[3:] == (today + timedelta(days=3), None)
    # A save() of an instance loaded before the booking sends the old copies: kept anyway.
    iha.outcome_summary = "Seen"
    iha.save()
    assert _columns(iha)[3:] == (today + timedelta(days=3), None)
    booked.outcome = "ATTENDED"
    booked.save()
    assert _columns(iha)[3:] == (None, today + timedelta(days=3))
    Child.objects.filter(pk=kid.pk).update(team=cast.team_b)
    assert _columns(iha)[:2] == (cast.our_la.pk, cast.team_b.pk)
    care.end_date, care.reason_end = today, "E8"
    care.save()
    assert _columns(iha)[2] is False
    b.period(kid, today)
    assert _columns(iha)[2] is True
    Appointment.objects.filter(pk=booked.pk).delete()
    assert _columns(iha)[3:] == (None, None)
    assert worklist_columns.differences() == []


def test_the_check_finds_and_the_rebuild_mends_a_difference(cast, capsys):
    populate(cast, 8)
    call_command("check_worklist_columns")
    assert "0 differences" in capsys.readouterr().out
    wrong = Assessment.objects.order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL lac.worklist_rebuild = 'on'")
        cursor.execute(
            "UPDATE assessments_assessment SET wl_in_care = NOT wl_in_care WHERE id = %s",
            [wrong.pk],
        )
        cursor.execute("SET LOCAL lac.worklist_rebuild = 'off'")
    assert worklist_columns.differences() == [wrong.pk]
    with pytest.raises(SystemExit):
        call_command("check_worklist_columns")
    assert worklist_columns.rebuild() == 1
    assert worklist_columns.differences() == []


@pytest.mark.parametrize("name", USERS)
def test_the_column_scope_is_the_access_rule(cast, name):
    populate(cast, 24)
    user = getattr(cast, name)
    by_columns = set(worklists._visible(user).values_list("pk", flat=True))
    by_rule = set(assessments_visible_to(user).values_list("pk", flat=True))
    if user.role in {"HEALTH_ADMIN", "LAC_NURSE"}:
        # A provider's lists are its own rows (the row is the request that lets it see).
        by_rule = set(
            assessments_visible_to(user)
            .filter(provider_id=user.organisation_id)
            .values_list("pk", flat=True)
        )
        by_columns &= set(
            Assessment.objects.filter(provider_id=user.organisation_id).values_list("pk", flat=True)
        )
    assert by_columns == by_rule


def _from_the_facts(monkeypatch, user, name):
    with monkeypatch.context() as patched:
        patched.setattr(worklists, "_denormalised", lambda: False)
        return {a.pk: worklists.action_for(user, a) for a in worklists.worklist(user, name)}


@pytest.mark.parametrize("name", USERS)
def test_each_list_is_the_list_read_from_the_facts(cast, name, monkeypatch):
    populate(cast, 48)
    user = getattr(cast, name)
    seen = 0
    for list_name in worklists.LISTS:
        expected = _from_the_facts(monkeypatch, user, list_name)
        got = {a.pk: worklists.action_for(user, a) for a in worklists.worklist(user, list_name)}
        assert got == expected, list_name
        seen += len(got)
    if name not in {"admin", "outsider", "social_worker_other_la", "nurse_b"}:
        assert seen, "the world puts rows on this user's lists"


@pytest.mark.parametrize("name", USERS)
def test_every_row_of_a_whole_guard_is_on_the_list(cast, name):
    """The counts count a whole guard's rows from its index without the list's condition
    (worklists._whole_guards): each of those rows must be on the list."""
    populate(cast, 48)
    user = getattr(cast, name)
    checked = 0
    for list_name in worklists.LISTS:
        listed = set(worklists.worklist(user, list_name).values_list("pk", flat=True))
        for guard in worklists._whole_guards(user.role, list_name):
            rows = set(
                worklists._in_care_rows(user, None).filter(guard).values_list("pk", flat=True)
            )
            assert rows <= listed, list_name
            checked += len(rows)
    if name in {"health_admin_a", "social_worker", "designated"}:
        assert checked, "the world has rows in this user's whole guards"


@pytest.mark.parametrize(
    "name",
    ["social_worker", "manager", "performance_manager", "health_admin_a", "nurse_a", "designated"],
)
def test_the_counts_are_one_query_and_the_lists_lengths(cast, name):
    populate(cast, 48)
    user = getattr(cast, name)
    with CaptureQueriesContext(connection) as captured:
        counts = worklists.worklist_counts(user)
    # One over the assessments; the others are the calendar and the policies (the
    # write-up-late window) and, for a commissioner, its areas.
    reads = [q["sql"] for q in captured.captured_queries if "assessments_assessment" in q["sql"]]
    assert len(reads) == 1
    assert len(captured.captured_queries) <= (4 if name == "designated" else 3)
    assert counts == {n: worklists.worklist(user, n).count() for n in worklists.LISTS}
    assert worklists.worklist_counts(user, kind="RHA") == {
        n: worklists.worklist(user, n).filter(kind="RHA").count() for n in worklists.LISTS
    }


@pytest.mark.parametrize("sort", list(worklists.SORTS))
@pytest.mark.parametrize(
    ("name", "list_name"),
    [("health_admin_a", "action"), ("social_worker", "at_risk"), ("manager", "action")],
)
def test_keyset_pages_walk_the_whole_list_both_ways(cast, sort, name, list_name):
    populate(cast, 80)
    user = getattr(cast, name)
    everything_q = worklists.worklist(user, list_name)
    items = worklists.list_parts(user, list_name)
    order = worklists.SORTS[sort]
    everything = list(everything_q.order_by(*order).values_list("pk", flat=True))
    assert len(everything) > 4
    # Each list is several parts, merged by key: the health admin's its three guards (held
    # with the report not back, open and booked, open and to book), one scope part.
    assert len(items) == 3 if name == "health_admin_a" else len(items) >= 2
    pages, page = [], worklists.keyset_page(items, order, size=2)
    assert not page.has_previous
    while True:
        pages.append([a.pk for a in page.object_list])
        if not page.has_next:
            break
        page = worklists.keyset_page(items, order, after=str(page.next_cursor), size=2)
    assert [pk for chunk in pages for pk in chunk] == everything
    assert all(len(chunk) == 2 for chunk in pages[:-1])
    # And back from the last page by the previous links, page for page.
    back = [[a.pk for a in page.object_list]]
    while page.has_previous:
        page = worklists.keyset_page(items, order, before=str(page.previous_cursor), size=2)
        back.append([a.pk for a in page.object_list])
    assert back[::-1] == pages


@pytest.mark.parametrize("cursor", ["", "abc", "-4", "0", "99999999"])
def test_a_cursor_that_names_no_row_gives_the_first_page(cast, cursor):
    populate(cast, 16)
    items = worklists.worklist(cast.health_admin_a, "action")
    first = worklists.keyset_page(items, worklists.SORTS["due"], size=3)
    page = worklists.keyset_page(items, worklists.SORTS["due"], after=cursor, size=3)
    assert [a.pk for a in page.object_list] == [a.pk for a in first.object_list]
    page = worklists.keyset_page(items, worklists.SORTS["due"], before=cursor, size=3)
    assert [a.pk for a in page.object_list] == [a.pk for a in first.object_list]


def test_the_home_page_links_the_next_and_previous_pages(cast, monkeypatch):
    monkeypatch.setattr(worklists, "PAGE_SIZE", 4)
    populate(cast, 60)
    client = signed_in_client(cast.health_admin_a)
    first = client.get("/?list=action&sort=due")
    assert first.status_code == 200
    assert first.context["previous_url"] == ""
    assert "after=" in first.context["next_url"]
    shown = [a.pk for a in first.context["page"].object_list]
    assert len(shown) == worklists.PAGE_SIZE
    second = client.get("/" + first.context["next_url"])
    assert second.status_code == 200
    assert not set(shown) & {a.pk for a in second.context["page"].object_list}
    assert "list=action" in second.context["previous_url"]
    assert "sort=due" in second.context["previous_url"]
    back = client.get("/" + second.context["previous_url"])
    assert [a.pk for a in back.context["page"].object_list] == shown
    html = second.content.decode()
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert f"({first.context['count']})" in html
    # An old page-number link, or a cursor that is not a number, shows the first page.
    for url in ("/?list=action&page=3", "/?list=action&after=x", "/?list=action&before=-1"):
        response = client.get(url)
        assert response.status_code == 200
        assert [a.pk for a in response.context["page"].object_list] == shown
