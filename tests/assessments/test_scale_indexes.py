"""Issue 18 in the database: the sweep's and worklists' partial indexes serve their queries,
and the date-of-birth trigger fires only when a date (or the child) changes."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from apps.assessments.models import Assessment
from apps.assessments.rules.status import ClockStatus
from apps.assessments.sweep import sweep_clocks
from tests.factories import PeriodOfCareFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans and triggers"),
]


def _assessment(cast, **fields) -> Assessment:
    period = PeriodOfCareFactory(
        child__responsible_la=cast.our_la,
        child__date_of_birth=date(2020, 5, 1),
        start_date=date(2024, 1, 8),
    )
    values = {
        "child": period.child,
        "period_of_care": period,
        "kind": "IHA",
        "clock_start": date(2024, 1, 8),
        "request_due": date(2024, 1, 15),
        "due_date": date(2024, 2, 5),
    } | fields
    return Assessment.objects.create(**values)


def _plan(queryset, index: str) -> str:
    """The plan of ``queryset`` with ``index`` the only index of its kind left: whether the
    planner CAN serve the query from it (on a handful of rows it might pick any)."""
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text FROM pg_index i "
            "WHERE indrelid = 'assessments_assessment'::regclass AND NOT indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
            "AND indexrelid::regclass::text <> %s",
            [index],
        )
        for (other,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{other}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return plan


def test_the_date_trigger_lists_only_the_date_columns_and_the_child():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE tgname = 'assessments_assessment_not_before_birth'"
        )
        (definition,) = cursor.fetchone()
    assert "BEFORE INSERT OR UPDATE OF request_sent_on, request_complete_on, held_on" in definition
    assert "child_id ON public.assessments_assessment" in definition


def test_a_date_before_birth_is_still_refused_on_update(cast):
    assessment = _assessment(cast)
    with pytest.raises(IntegrityError, match="date_not_before_birth"), transaction.atomic():
        Assessment.objects.filter(pk=assessment.pk).update(request_sent_on=date(2019, 1, 1))


def test_a_status_update_does_not_run_the_date_check(cast):
    """A row that would fail the check (written while the trigger was bypassed) still takes
    a status-only UPDATE: the trigger did not fire."""
    assessment = _assessment(cast)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE assessments_assessment SET declined_on = %s WHERE id = %s",
            [date(2019, 1, 1), assessment.pk],
        )
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    Assessment.objects.filter(pk=assessment.pk).update(status=ClockStatus.OVERDUE)
    assert Assessment.objects.get(pk=assessment.pk).status == ClockStatus.OVERDUE


def test_the_sweep_finds_its_candidates_through_the_partial_indexes(cast):
    _assessment(cast)
    today = date(2024, 3, 1)
    overdue = Assessment.objects.filter(
        held_on__isnull=True,
        declined_on__isnull=True,
        not_required_reason="",
        status__in=[ClockStatus.PENDING, ClockStatus.AT_RISK],
        due_date__lt=today,
    )
    assert "assessment_sweep_open" in _plan(overdue, "assessment_sweep_open")
    late = Assessment.objects.filter(
        status=ClockStatus.MET,
        not_required_reason="",
        report_returned_on__isnull=True,
        report_breached=False,
        due_date__lt=today,
    )
    assert "assessment_sweep_report_late" in _plan(late, "assessment_sweep_report_late")
    result = sweep_clocks(today=today)
    assert result.newly_overdue == 1


def test_a_providers_overdue_list_reads_its_own_index(cast):
    _assessment(cast, provider=cast.provider_a, request_sent_on=date(2024, 1, 9))
    overdue = Assessment.objects.filter(
        provider=cast.provider_a, status=ClockStatus.OVERDUE
    ).order_by("due_date", "id")[:25]
    assert "assessment_provider_status" in _plan(overdue, "assessment_provider_status")
    requested = Assessment.objects.filter(
        provider=cast.provider_a,
        held_on__isnull=True,
        declined_on__isnull=True,
        not_required_reason="",
        request_sent_on__isnull=False,
    ).order_by("due_date", "id")[:25]
    assert "assessment_open_requested" in _plan(requested, "assessment_open_requested")
    breaches = Assessment.objects.filter(
        Q(status__in=[ClockStatus.OVERDUE, ClockStatus.BREACHED]) | Q(report_breached=True)
    )
    assert "assessment_breach_by_due" in _plan(
        breaches.order_by("-due_date", "-id")[:25], "assessment_breach_by_due"
    )
