"""Every page of every demo role's journey through axe-core at WCAG 2.2 A/AA (issue 16),
forms included both as first shown and as submitted empty (showing their errors).

The demo data (seed_demo) gives every role something on each of its pages. Counts per page
are written to artifacts/axe-report.json; the test fails on any WCAG A/AA violation and
prints best-practice ones.
"""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from apps.accounts.models import User
from apps.adoption.models import AdoptionCase
from apps.assessments.models import (
    Appointment,
    Assessment,
    DentalCheck,
    ImmunisationRecord,
    OutOfAreaReferral,
    SdqRecord,
)
from apps.children.selectors import children_visible_to
from tests.browser.axe import axe_run, write_report
from tests.helpers import signed_in_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
REPORT = Path(__file__).resolve().parents[2] / "artifacts" / "axe-report.json"

# Each role's journey: the pages it uses (URL names from apps/core/urls.py and the apps'
# urls.py). "{child}", "{adoption_child}", "{assessment}", "{appointment}", "{referral}" are
# filled from the demo data with the first object for which the role gets the page (200).
# Forms in FORMS are also submitted empty, to show their errors.
# A social worker's adoption pages, for whichever team holds a demo adoption case.
ADOPTION_PAGES = [
    "/adoption/children/{adoption_child}/",  # adoption-case
    "/adoption/children/{adoption_child}/milestones/",  # adoption-milestones
    "/adoption/children/{adoption_child}/work-items/new/",  # adoption-work-item-new
]
# The GET filter forms showing their errors (GOV.UK month-year and date inputs).
BAD_FILTERS = {
    "manager": [
        "/performance/scorecard/?month_month=7&month_year=",
        "/performance/scorecard/?month_month=13&month_year=2019",
    ],
    "healthadmin": ["/workload/?start_0=31&start_1=2&start_2=2026&end_0=&end_1=3&end_2=2026"],
    "auditor": ["/audit/?child=abc&since_0=31&since_1=2&since_2=2026"],
}
JOURNEYS: dict[str, list[str]] = {
    "sw.east": [
        "/",  # home (the worklist)
        "/children/",  # child-list
        "/children/new/",  # child-new
        "/children/{child}/",  # child-detail
        "/children/{child}/placements/new/",  # placement-new
        "/children/{child}/entry/new/",  # entry-new
        "/children/{child}/leave-care/",  # leave-care
        "/children/{child}/annual-outcomes/new/",  # annual-outcome-new
        "/children/{child}/legal-status/",  # legal-status-change
        "/children/{child}/assessment-before-records/",  # child-assessment-before-records
        "/children/{child}/sdq/new/",  # sdq-new
        "/assessments/{assessment}/",  # assessment-detail
        "/assessments/{assessment}/request/",  # assessment-request
        "/assessments/{assessment}/request-complete/",  # assessment-request-complete
        "/assessments/{assessment}/decline/",  # assessment-decline
        "/assessments/{assessment}/request/correct/",  # request-correct (issue 13)
        "/assessments/{assessment}/request/delete/",  # request-delete
        "/children/{child}/sdq/{sdq}/correct/",  # sdq-correct
        "/children/{child}/sdq/{sdq}/delete/",  # sdq-delete
        "/account/api-tokens/",  # api-tokens
        "/children/{adoption_child}/",
        *ADOPTION_PAGES,
    ],
    # The other team's social worker: the demo's adoption cases are split between the teams.
    # The child page of a child with an adoption case (its link to the case; the MOJ timeline).
    "sw": ["/", "/children/{adoption_child}/", *ADOPTION_PAGES],
    "manager": [
        "/",
        "/children/",
        "/children/allocate/",  # children-allocate
        "/breaches/",  # breach-list
        "/performance/scorecard/",  # performance-scorecard
        *BAD_FILTERS["manager"],
        "/performance/scorecard/IHA_ON_TIME/",  # performance-kpi
        "/performance/breaches/",  # performance-breaches
        "/performance/ssda903-readiness/",  # performance-ssda903-readiness
        "/children/{child}/",
        "/assessments/{assessment}/override/",  # assessment-override
        "/assessments/plan-actions/overdue/",  # writeup-overdue-actions
    ],
    "performance": [
        "/",
        "/performance/scorecard/",
        "/performance/breaches/",
        "/interop/903/export/",  # interop-903-export
        "/interop/903/import/",  # interop-903-import
    ],
    "healthadmin": [
        "/",
        "/workload/",  # provider-workload
        *BAD_FILTERS["healthadmin"],
        "/children/{child}/",
        "/assessments/{assessment}/",
        "/assessments/{assessment}/book/",  # assessment-book
        "/assessments/{assessment}/appointments/{appointment}/outcome/",  # appointment-outcome
        "/assessments/{assessment}/return-report/",  # assessment-return-report
        "/assessments/{assessment}/health-reason/",  # assessment-health-reason
        "/assessments/{assessment}/appointments/{appointment}/correct/",  # appointment-correct
        "/assessments/{assessment}/appointments/{appointment}/delete/",  # appointment-delete
    ],
    "nurse": [
        "/",
        "/workload/",
        "/children/{child}/",
        "/children/{child}/dental/new/",  # dental-new
        "/children/{child}/health-history/new/",  # health-history-new
        "/referrals/{referral}/record/",  # referral-record
        "/assessments/{assessment}/correct/",  # assessment-correct (issue 13)
        "/children/{child}/dental/{dental}/correct/",  # dental-correct
        "/children/{child}/dental/{dental}/delete/",  # dental-delete
        "/children/{child}/immunisation/{immunisation}/correct/",  # immunisation-correct
        "/children/{child}/immunisation/{immunisation}/delete/",  # immunisation-delete
    ],
    "adviser": [
        "/",
        "/adoption/worklist/",  # adoption-worklist
        "/adoption/children/{adoption_child}/",
    ],
    "designated": [
        "/",
        "/breaches/",
        "/performance/scorecard/",
        "/children/{child}/",
        "/assessments/plan-actions/overdue/",  # writeup-overdue-actions
    ],
    "auditor": [
        "/",
        "/audit/",  # access-log
        *BAD_FILTERS["auditor"],
        "/breaches/",
        "/children/{child}/",
        "/children/{child}/deleted-records/",  # child-deleted-records (issue 13)
    ],
}
FORMS = {
    "/children/new/",
    "/children/{child}/placements/new/",
    "/children/{child}/entry/new/",
    "/children/{child}/leave-care/",
    "/children/{child}/annual-outcomes/new/",
    "/children/{child}/legal-status/",
    "/children/{child}/sdq/new/",
    "/children/{child}/dental/new/",
    "/children/{child}/health-history/new/",
    "/assessments/{assessment}/request/",
    "/assessments/{assessment}/decline/",
    "/assessments/{assessment}/override/",
    "/assessments/{assessment}/book/",
    "/assessments/{assessment}/appointments/{appointment}/outcome/",
    "/assessments/{assessment}/return-report/",
    "/assessments/{assessment}/health-reason/",
    "/referrals/{referral}/record/",
    "/assessments/{assessment}/request/correct/",
    "/assessments/{assessment}/request/delete/",
    "/assessments/{assessment}/correct/",
    "/assessments/{assessment}/appointments/{appointment}/correct/",
    "/assessments/{assessment}/appointments/{appointment}/delete/",
    "/children/{child}/sdq/{sdq}/correct/",
    "/children/{child}/dental/{dental}/delete/",
    "/children/{child}/immunisation/{immunisation}/correct/",
    "/adoption/children/{adoption_child}/milestones/",
    "/adoption/children/{adoption_child}/work-items/new/",
}


def _candidates(user: User, placeholder: str):
    children = children_visible_to(user)
    if placeholder == "child":
        return children.order_by("pk").values_list("pk", flat=True)
    if placeholder == "adoption_child":
        # The adoption medical adviser reaches cases through the adoption app's own selector.
        return AdoptionCase.objects.order_by("pk").values_list("child_id", flat=True)
    if placeholder == "assessment":
        return (
            Assessment.objects.filter(child__in=children)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    if placeholder == "referral":
        return OutOfAreaReferral.objects.filter(child__in=children).values_list("pk", flat=True)
    raise KeyError(placeholder)


def _resolve(client: Client, user: User, template: str) -> str | None:
    """The URL with its placeholders filled by the first objects the role gets the page for."""
    if "{appointment}" in template:
        for appointment in Appointment.objects.filter(
            assessment__child__in=children_visible_to(user)
        ).order_by("-pk")[:40]:
            url = template.format(assessment=appointment.assessment_id, appointment=appointment.pk)
            if client.get(url).status_code == 200:
                return url
        return None
    # A child's health record (issue 13's correction pages): the record and its child.
    for placeholder, model in (
        ("dental", DentalCheck),
        ("sdq", SdqRecord),
        ("immunisation", ImmunisationRecord),
    ):
        if "{" + placeholder + "}" in template:
            for record in model.objects.filter(child__in=children_visible_to(user)).order_by("-pk")[
                :40
            ]:
                url = template.format(child=record.child_id, **{placeholder: record.pk})
                if client.get(url).status_code == 200:
                    return url
            return None
    for placeholder in ("child", "adoption_child", "assessment", "referral"):
        if "{" + placeholder + "}" in template:
            for pk in list(_candidates(user, placeholder))[:60]:
                url = template.replace("{" + placeholder + "}", str(pk))
                if client.get(url).status_code == 200:
                    return url
            return None
    return template


def _check(page, results, label):
    result = axe_run(page, label)
    results.append(result)
    return result


def test_every_page_of_every_roles_journey_passes_axe(page, live_server, login):
    call_command("seed_demo", children=40, verbosity=0)
    results = []
    reached: dict[str, list[str]] = {}
    page.goto("/login/")
    _check(page, results, "anonymous /login/")
    page.get_by_role("button", name="Sign in").click()
    _check(page, results, "anonymous /login/ (empty)")
    page.goto("/no-such-page/")
    _check(page, results, "anonymous 404")
    for username, journey in JOURNEYS.items():
        user = User.objects.get(username=username)
        client = signed_in_client(user)
        login(page, username, "demo")
        for template in journey:
            url = _resolve(client, user, template)
            reached.setdefault(template, [])
            if url is None:
                continue
            reached[template].append(username)
            page.goto(url)
            page.wait_for_load_state("networkidle")
            _check(page, results, f"{username} {template}")
            if template in FORMS:
                form = page.locator("main form[method=post]").last
                form.locator("button[type=submit], input[type=submit]").first.click()
                page.wait_for_load_state("networkidle")
                _check(page, results, f"{username} {template} (empty)")
    write_report(results, REPORT)
    for result in results:
        print(f"{result.count:4d} {result.axe_wcag_count:4d}  {result.url}")
    failing = [r for r in results if r.violations]
    missing = [template for template, users in reached.items() if not users]
    assert not missing, f"pages no role reached with the demo data: {missing}"
    assert not failing, "\n\n".join(r.describe() for r in failing)
