"""Every page of every demo role's journey through axe-core at WCAG 2.2 A/AA (issue 16),
forms included both as first shown and as submitted empty (showing their errors).

The demo data (seed_demo) gives every role something on each of its pages. Counts per page
are written to artifacts/axe-report.json; the test fails on any WCAG A/AA violation and
prints best-practice ones.
"""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import F
from django.test import Client

from apps.accounts.models import User
from apps.adoption.models import AdoptionCase, AdoptionWorkItem
from apps.assessments.models import (
    Appointment,
    Assessment,
    DentalCheck,
    ImmunisationRecord,
    OutOfAreaReferral,
    SdqRecord,
)
from apps.children.models import PeriodOfCare
from apps.children.selectors import children_visible_to
from apps.clinics import selectors as clinic_selectors
from apps.clinics.models import Booking
from apps.placements.models import Placement
from tests.browser.axe import axe_run, write_report
from tests.helpers import signed_in_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
REPORT = Path(__file__).resolve().parents[2] / "artifacts" / "axe-report.json"

# Each role's journey: the pages it uses (URL names from apps/core/urls.py and the apps'
# urls.py). "{child}", "{adoption_child}", "{assessment}", "{appointment}", "{referral}",
# "{session}", "{booked}" (an assessment booked into a clinic slot), "{to_book}", "{held}" (a
# held assessment), "{work_item}", "{period}", "{placement}" and the health records are filled
# from the demo data with the first object for which the role gets the page (200). Forms in
# FORMS are also submitted empty, to show their errors. tests/browser/test_page_coverage.py
# fails on an HTML page that is neither walked here nor excluded there with its reason.
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
    "healthadmin": [
        "/workload/?start_0=31&start_1=2&start_2=2026&end_0=&end_1=3&end_2=2026",
        "/clinics/day/?date_0=31&date_1=2&date_2=2026",  # not a real date
        "/clinics/day/?date_0=3&date_1=&date_2=",  # a partial date
    ],
    "auditor": ["/audit/?child=abc&since_0=31&since_1=2&since_2=2026"],
}
# The health admin's clinic diary (issue 15).
CLINIC_PAGES = [
    "/clinics/",  # clinic-diary
    "/clinics/new/",  # clinic-new
    "/clinics/to-book/",  # clinic-to-book
    "/clinics/day/",  # clinic-day-list
    "/clinics/day/?date=YYYY-MM-DD",  # the old one-value link, filled with a clinic's day
    "/clinics/missed/",  # clinic-missed
    "/clinics/capacity/",  # clinic-capacity
    "/clinics/policy/",  # clinic-policy
    "/clinics/policy/new/",  # clinic-policy-new
    "/clinics/sessions/{session}/",  # clinic-session
    "/clinics/sessions/{session}/cancel/",  # clinic-session-cancel
    "/clinics/assessments/{to_book}/book/",  # clinic-book
    "/clinics/assessments/{booked}/reschedule/",  # clinic-reschedule (move to another slot)
    "/clinics/assessments/{booked}/cancel/",  # clinic-cancel-booking
    "/clinics/assessments/{booked}/invite/",  # clinic-invite
    "/breach-proposals/",  # breach-proposals (health's side)
]
# Pages anyone may see, signed in or not.
ANONYMOUS = ["/login/", "/accessibility/", "/privacy/", "/cookies/"]
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
        "/children/{child}/correct/",  # child-correct
        "/children/{child}/periods-of-care/{period}/correct/",  # period-correct
        "/children/{child}/placements/{placement}/correct/",  # placement-correct
        "/breach-proposals/",  # breach-proposals (a social worker's side)
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
        "/performance/scorecard/IHA_ON_TIME/children/",  # performance-drilldown
        "/performance/breaches/",  # performance-breaches
        "/performance/breaches/children/",  # performance-breach-drilldown
        "/data-quality/dates/",  # data-quality-dates
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
        *CLINIC_PAGES,
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
        "/assessments/write-ups/",  # writeup-my-items
        "/assessments/{held}/write-up/",  # writeup-edit
        "/assessments/{held}/write-up/sections/growth/",  # writeup-section
        "/assessments/{held}/write-up/actions/new/",  # writeup-action-new
        "/assessments/{held}/report/upload/",  # writeup-report-upload
        "/clinics/day/",  # a clinician's own day list
    ],
    "adviser": [
        "/",
        "/adoption/worklist/",  # adoption-worklist
        "/adoption/children/{adoption_child}/",
        "/adoption/work-items/{work_item}/complete/",  # adoption-work-item-complete
    ],
    "designated": [
        "/",
        "/breaches/",
        "/performance/scorecard/",
        "/children/{child}/",
        "/assessments/plan-actions/overdue/",  # writeup-overdue-actions
        "/clinics/capacity/",  # a designated nurse's capacity forecast
        "/clinics/policy/",
    ],
    "auditor": [
        "/",
        "/audit/",  # access-log
        *BAD_FILTERS["auditor"],
        "/breaches/",
        "/children/{child}/",
        "/children/{child}/deleted-records/",  # child-deleted-records (issue 13)
        "/children/{child}/subject-access/",  # child-subject-access
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
    "/clinics/new/",
    "/clinics/policy/new/",
    "/clinics/sessions/{session}/cancel/",
    "/clinics/assessments/{to_book}/book/",
    "/clinics/assessments/{booked}/reschedule/",
    "/clinics/assessments/{booked}/cancel/",
    "/children/{child}/correct/",
    "/assessments/{held}/write-up/actions/new/",
}


def _candidates(user: User, placeholder: str):
    children = children_visible_to(user)
    assessments = Assessment.objects.filter(child__in=children)
    if placeholder == "child":
        return children.order_by("pk").values_list("pk", flat=True)
    if placeholder == "adoption_child":
        # The adoption medical adviser reaches cases through the adoption app's own selector.
        return AdoptionCase.objects.order_by("pk").values_list("child_id", flat=True)
    if placeholder == "assessment":
        return assessments.order_by("pk").values_list("pk", flat=True)
    if placeholder == "held":
        return (
            assessments.filter(held_on__isnull=False).order_by("-pk").values_list("pk", flat=True)
        )
    if placeholder == "referral":
        return OutOfAreaReferral.objects.filter(child__in=children).values_list("pk", flat=True)
    if placeholder == "session":
        return clinic_selectors.sessions_of(user).order_by("pk").values_list("pk", flat=True)
    if placeholder == "booked":
        return (
            Booking.objects.filter(released_at__isnull=True, appointment__outcome="BOOKED")
            .order_by("pk")
            .values_list("appointment__assessment_id", flat=True)
        )
    if placeholder == "to_book":
        # The demo books most requests: after those left to book, the provider's others.
        to_book = [a.pk for a in clinic_selectors.requests_to_book(user)[:30]]
        others = assessments.filter(provider_id=user.organisation_id, held_on__isnull=True)
        return to_book + list(others.order_by("pk").values_list("pk", flat=True)[:30])
    if placeholder == "work_item":
        # Open work first; the demo's adviser may have done them all (the page still shows).
        return AdoptionWorkItem.objects.order_by(
            F("completed_on").asc(nulls_first=True), "pk"
        ).values_list("pk", flat=True)
    raise KeyError(placeholder)


# A child's records reached through the child (its health records, issue 13's correction pages).
CHILD_RECORDS = {
    "dental": DentalCheck,
    "sdq": SdqRecord,
    "immunisation": ImmunisationRecord,
    "period": PeriodOfCare,
    "placement": Placement,
}


def _first_200(client: Client, urls) -> str | None:
    for url in urls:
        if client.get(url).status_code == 200:
            return url
    return None


def _resolve(client: Client, user: User, template: str) -> str | None:
    """The URL with its placeholders filled by the first objects the role gets the page for."""
    visible = children_visible_to(user)
    if "YYYY-MM-DD" in template:  # the day of the role's first clinic
        session = clinic_selectors.sessions_of(user).order_by("date", "pk").first()
        return template.replace("YYYY-MM-DD", session.date.isoformat()) if session else None
    if "{appointment}" in template:
        appointments = Appointment.objects.filter(assessment__child__in=visible).order_by("-pk")
        return _first_200(
            client,
            (
                template.format(assessment=a.assessment_id, appointment=a.pk)
                for a in appointments[:40]
            ),
        )
    for placeholder, model in CHILD_RECORDS.items():
        if "{" + placeholder + "}" in template:
            records = model.objects.filter(child__in=visible).order_by("-pk")[:40]
            return _first_200(
                client,
                (
                    template.format(child=record.child_id, **{placeholder: record.pk})
                    for record in records
                ),
            )
    placeholders = (
        "child",
        "adoption_child",
        "assessment",
        "held",
        "referral",
        "session",
        "booked",
        "to_book",
        "work_item",
    )
    for placeholder in placeholders:
        if "{" + placeholder + "}" in template:
            return _first_200(
                client,
                (
                    template.replace("{" + placeholder + "}", str(pk))
                    for pk in list(_candidates(user, placeholder))[:60]
                ),
            )
    return template


def _check(page, results, label):
    result = axe_run(page, label)
    results.append(result)
    return result


def test_every_page_of_every_roles_journey_passes_axe(page, live_server, login):
    call_command("seed_demo", children=40, verbosity=0)
    results = []
    reached: dict[str, list[str]] = {}
    for url in ANONYMOUS:
        page.goto(url)
        _check(page, results, f"anonymous {url}")
    page.goto("/login/")
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
        practice = sum(len(rule["nodes"]) for rule in result.best_practice)
        print(f"{result.count:4d} {result.axe_wcag_count:4d} {practice:4d}  {result.url}")
    failing = [r for r in results if r.violations]
    missing = [template for template, users in reached.items() if not users]
    assert not missing, f"pages no role reached with the demo data: {missing}"
    assert not failing, "\n\n".join(r.describe() for r in failing)
