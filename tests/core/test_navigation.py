"""The service navigation by role (issue 16): each role's menu lists what it uses, no more."""

import pytest

from apps.accounts.models import Role
from apps.core.navigation import MENUS, current_item, menu_for


def labels(role):
    return [item.label for item in menu_for(role)]


def test_every_role_has_a_menu():
    assert set(MENUS) == {role.value for role in Role}


def test_no_role_sees_the_api_in_its_menu():
    assert all("API" not in labels(role) for role in MENUS)


@pytest.mark.parametrize("role", ["TEAM_MANAGER", "PERFORMANCE_MANAGER", "DESIGNATED"])
def test_managers_reach_the_scorecard_and_breach_report_from_the_menu(role):
    assert {"Scorecard", "Breach report", "Breaches"} <= set(labels(role))


def test_the_adoption_medical_adviser_sees_one_adoption_item():
    assert labels("MEDICAL_ADVISER") == ["Adoption"]


def test_a_social_worker_sees_their_worklist_children_and_reports_only():
    assert labels("SOCIAL_WORKER") == ["Worklist", "Children", "Reports and plans"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("HEALTH_ADMIN", ["Worklist", "Children", "Clinics", "Workload"]),
        ("LAC_NURSE", ["Worklist", "Children", "Reports and plans", "Clinics", "Workload"]),
    ],
)
def test_health_teams_see_their_clinics_and_workload_and_no_la_dashboards(role, expected):
    assert labels(role) == expected


def test_only_the_auditor_sees_the_access_log():
    assert [role for role in MENUS if "Access log" in labels(role)] == ["AUDITOR"]


def test_only_the_performance_manager_sees_the_903_return():
    assert [role for role in MENUS if "SSDA903 return" in labels(role)] == ["PERFORMANCE_MANAGER"]


def test_no_role_and_an_unknown_role_have_no_menu():
    assert menu_for(None) == () and menu_for("NOBODY") == ()


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/", "Worklist"),
        ("/children/", "Children"),
        ("/children/12/", "Children"),
        ("/assessments/3/book/", "Children"),
        ("/breaches/", "Breaches"),
        ("/breach-proposals/4/", "Breaches"),
        ("/performance/scorecard/IHA_ON_TIME/", "Scorecard"),
        ("/performance/breaches/children/", "Breach report"),
        ("/interop/903/import/", "SSDA903 return"),
        ("/account/api-tokens/", None),
    ],
)
def test_the_current_page_is_the_longest_matching_item(path, expected):
    item = current_item(menu_for("PERFORMANCE_MANAGER"), path)
    assert (item.label if item else None) == expected


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/clinics/to-book/", "Clinics"),
        ("/assessments/write-ups/", "Reports and plans"),
        ("/assessments/3/write-up/", "Children"),
    ],
)
def test_the_nurses_clinics_and_reports_are_marked_current(path, expected):
    item = current_item(menu_for("LAC_NURSE"), path)
    assert (item.label if item else None) == expected
