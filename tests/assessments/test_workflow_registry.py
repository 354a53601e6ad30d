"""The workflow registry (issue 12): every step declared once, and the pages, API actions,
next steps and worklists generated from it agree with each other and keep their old URLs.
Also the state after attendance (issue 14): held, awaiting write-up."""

from datetime import date

import pytest
import time_machine
from django.urls import resolve, reverse

from apps.assessments import services, workflow, worklists
from apps.assessments.api import AssessmentViewSet
from apps.assessments.models import Assessment
from apps.assessments.views import step_page
from tests.assessments.test_workflow_api import held, new_iha, requested

pytestmark = pytest.mark.django_db

TODAY = date(2026, 2, 2)

# The page paths and names from before the registry, which must keep working.
PAGES = {
    "assessment-request": "/assessments/7/request/",
    "assessment-request-complete": "/assessments/7/request-complete/",
    "assessment-book": "/assessments/7/book/",
    "assessment-return-report": "/assessments/7/return-report/",
    "assessment-decline": "/assessments/7/decline/",
    "assessment-health-reason": "/assessments/7/health-reason/",
    "assessment-override": "/assessments/7/override/",
}
API_ACTIONS = {
    "request": "send_request",
    "request-complete": "request_complete",
    "book": "book",
    "record-outcome": "record_outcome",
    "return-report": "return_report",
    "decline": "decline",
    "health-reason": "health_reason",
    "override-breach": "override_breach",
}


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_eight_steps_each_declared_once():
    # Issue 14: the free-text "complete" step is gone (attendance, then the write-up's
    # sign-off); its old page address leads to the next step (apps.writeups).
    names = [s.name for s in workflow.STEPS]
    assert names == list(API_ACTIONS)
    assert len(set(names)) == len({s.url_name for s in workflow.STEPS}) == 8


@pytest.mark.parametrize("name,path", PAGES.items())
def test_each_step_page_keeps_its_name_and_path(name, path):
    assert reverse(name, args=[7]) == path
    assert resolve(path).func is step_page


def test_the_outcome_page_keeps_its_name_and_path():
    path = reverse("appointment-outcome", args=[7, 3])
    assert path == "/assessments/7/appointments/3/outcome/"
    match = resolve(path)
    assert match.kwargs == {"pk": 7, "appointment_pk": 3, "step_name": "record-outcome"}


@pytest.mark.parametrize("segment,method", API_ACTIONS.items())
def test_each_step_is_a_post_action_of_the_assessment_api(segment, method):
    match = resolve(f"/api/v1/assessments/7/{segment}/")
    assert match.func.cls is AssessmentViewSet
    assert match.func.actions == {"post": method}
    # Its OpenAPI request body is the step's serializer.
    step = workflow.step(segment)
    schema = getattr(AssessmentViewSet, method).kwargs["schema"]
    assert schema is not None and step.serializer.__name__.endswith("Input")


def booked(cast, assessment, day=date(2026, 1, 20)):
    services.appointment_book(
        assessment=assessment,
        appointment_date=day,
        booked_on=date(2026, 1, 5),
        booked_by=cast.health_admin_a,
    )
    return Assessment.objects.get(pk=assessment.pk)


def attended(cast, assessment, day=date(2026, 1, 20)):
    assessment = booked(cast, assessment, day)
    services.appointment_record_outcome(
        appointment=assessment.appointments.get(outcome="BOOKED"),
        outcome="ATTENDED",
        recorded_by=cast.health_admin_a,
        recorded_on=day,
    )
    return Assessment.objects.get(pk=assessment.pk)


@pytest.fixture
def states(cast):
    """One IHA in each state of the workflow."""
    return {
        "new": new_iha(cast),
        "requested": requested(cast, new_iha(cast)),
        "booked-later": booked(cast, requested(cast, new_iha(cast)), date(2026, 2, 20)),
        "booked-due": booked(cast, requested(cast, new_iha(cast))),
        "attended": attended(cast, requested(cast, new_iha(cast))),
        "held": held(cast, requested(cast, new_iha(cast)), date(2026, 1, 12)),
    }


FACTS = {name: value for name, value in vars(workflow).items() if isinstance(value, workflow.Fact)}


@pytest.mark.parametrize("fact", sorted(FACTS))
def test_each_state_means_the_same_in_a_queryset_and_on_a_loaded_assessment(states, fact):
    pks = [a.pk for a in states.values()]
    queryset = workflow.annotate_facts(Assessment.objects.filter(pk__in=pks))
    by_query = set(queryset.filter(FACTS[fact].q()).values_list("pk", flat=True))
    # As the worklist rows (annotated) and as the assessment page (appointments prefetched).
    annotated = {a.pk for a in queryset if FACTS[fact].test(a)}
    loaded = {
        a.pk
        for a in Assessment.objects.filter(pk__in=pks).prefetch_related("appointments")
        if FACTS[fact].test(a)
    }
    assert by_query == annotated == loaded


def next_steps(user, assessment):
    assessment = Assessment.objects.prefetch_related("appointments").get(pk=assessment.pk)
    return [s.name for s in workflow.available_steps(user, assessment)]


def test_next_steps_follow_the_state_and_the_actor(cast, states):
    assert next_steps(cast.social_worker, states["new"]) == ["request", "decline"]
    # These IHAs were due on 21 January: open ones are overdue, so health may give a reason.
    assert next_steps(cast.health_admin_a, states["requested"]) == ["book", "health-reason"]
    assert next_steps(cast.nurse_a, states["requested"]) == ["book", "health-reason"]
    assert next_steps(cast.health_admin_a, states["booked-due"]) == [
        "record-outcome",
        "health-reason",
    ]
    held_steps = next_steps(cast.health_admin_a, states["held"])
    # Held, no report yet: nothing to book, nothing to return until the write-up is signed.
    assert not {"book", "record-outcome", "return-report"} & set(held_steps)
    assert next_steps(cast.social_worker, states["held"]) == []


def test_the_worklist_lists_exactly_the_rows_whose_words_are_a_listed_item(cast, states):
    for user in (cast.social_worker, cast.health_admin_a, cast.nurse_a):
        listed = {a.pk for a in worklists.worklist(user, "action")}
        for assessment in worklists._base(user):
            item = workflow.work_item_for(user.role, assessment)
            if assessment.pk in listed:
                assert item is not None and item.listed, (user.role, assessment)


# Issue 14: after "Attended", held and awaiting write-up ---------------------------------


def actions(user):
    return {a.pk: worklists.action_for(user, a) for a in worklists.worklist(user, "action")}


def test_after_attendance_the_nurse_is_asked_to_write_it_up(cast, states):
    assessment = states["attended"]
    assert assessment.held_on == date(2026, 1, 20)  # the attendance date
    assert actions(cast.nurse_a)[assessment.pk] == "Write up the assessment"
    item = workflow.work_item_for(
        cast.nurse_a.role, worklists._base(cast.nurse_a).get(pk=assessment.pk)
    )
    assert reverse(item.url_name, args=[assessment.pk]) == f"/assessments/{assessment.pk}/write-up/"


def test_after_attendance_health_admin_sees_it_awaiting_report_not_to_book(cast, states):
    assessment = states["attended"]
    admin = actions(cast.health_admin_a)
    assert admin[assessment.pk] == "Awaiting report"
    assert "Book an appointment" not in {
        worklists.action_for(cast.health_admin_a, a)
        for a in worklists._base(cast.health_admin_a).filter(pk=assessment.pk)
    }
    # The "book" step is not offered on the assessment page either.
    assert "book" not in next_steps(cast.health_admin_a, assessment)
    assert "book" not in next_steps(cast.nurse_a, assessment)
    # A requested one with no appointment still is.
    assert admin[states["requested"].pk] == "Book an appointment"
