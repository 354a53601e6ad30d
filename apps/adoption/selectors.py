"""Reads for adoption: who sees which adoption records, the medical adviser's worklist, and
the timeliness measures as set-based queries.

Access (DOMAIN.md 9, adoption): adoption records are more sensitive than the rest of the
child's record, so they are NOT open to everyone who sees the child:

- social workers and team managers of the child's team (read and write);
- adoption medical advisers: every child of the LAs their provider serves
  (Organisation.areas holds the child's responsible LA), and any child with a work item
  assigned to them;
- LA performance managers, designated professionals and auditors: read-only, where the one
  access rule (apps.children.selectors.child_scope) lets them see the child.

Everyone else (health admins, LAC nurses, admins, other teams) gets 404.
"""

from datetime import date

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Expression

from apps.access import Capability, may, roles_with
from apps.accounts.models import OrganisationKind, User
from apps.adoption.models import AdoptionCase, AdoptionWorkItem
from apps.adoption.rules import (
    ENTRY_TO_CARE,
    MEASURES,
    MEASURES_BY_CODE,
    STAGE_ORDER,
    AdoptionMeasure,
    MeasureResult,
    Stage,
    measure_result,
)
from apps.assessments.rules.status import ClockStatus
from apps.children.models import Child, PeriodOfCare
from apps.children.selectors import child_scope
from apps.core.services import today as local_today

# Who reads adoption records is the access table's (Capability.ADOPTION_RECORDS_VIEW): the
# read-only roles read them wherever the general access rule lets them see the child.

# ---------------------------------------------------------------------------------------
# Access


def _medical_adviser_scope(user: User) -> Q | None:
    if user.organisation is None or user.organisation.kind != OrganisationKind.PROVIDER:
        return None
    assigned = AdoptionWorkItem.objects.filter(case__child=OuterRef("pk"), assigned_to=user)
    return Q(responsible_la__in=user.organisation.areas.values("pk")) | Q(Exists(assigned))


def adoption_child_scope(user: User | None) -> Q | None:
    """The filter of the children whose adoption records ``user`` may see, or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Q()
    if not may(user, Capability.ADOPTION_RECORDS_VIEW):
        return None
    if may(user, Capability.ADOPTION_ADVISER_WORK):
        return _medical_adviser_scope(user)
    return child_scope(user)


def adoption_children_visible_to(user: User | None) -> QuerySet[Child]:
    scope = adoption_child_scope(user)
    if scope is None:
        return Child.objects.none()
    return Child.objects.filter(scope)


def adoption_cases_visible_to(user: User | None) -> QuerySet[AdoptionCase]:
    return AdoptionCase.objects.filter(
        child__in=adoption_children_visible_to(user).values("pk")
    ).select_related("child", "child__responsible_la", "child__team")


def work_items_visible_to(user: User | None, *, today: date | None = None) -> QuerySet:
    queryset = AdoptionWorkItem.objects.filter(
        case__child__in=adoption_children_visible_to(user).values("pk")
    )
    return with_status(queryset, today=today).select_related(
        "case__child", "assigned_to", "requested_by", "completed_by"
    )


def user_can_record_milestones(user: User, child: Child) -> bool:
    """Milestones are the child's team's (social worker or team manager)."""
    return may(user, Capability.ADOPTION_CASE_WRITE, child)


def user_can_request_work_item(user: User, child: Child) -> bool:
    return may(user, Capability.ADOPTION_CASE_WRITE, child)


def user_can_complete_work_item(user: User, work_item: AdoptionWorkItem) -> bool:
    """Any medical adviser who may see the child: the assigned one, or a colleague covering.
    The caller has already checked that the user may see the child (else 404); completing
    twice is the service's 400, not a permission question."""
    return may(user, Capability.ADOPTION_ADVISER_WORK, work_item)


# case_stage (apps.adoption.rules) in SQL, in the same order.
def with_stage(queryset: QuerySet[AdoptionCase]) -> QuerySet[AdoptionCase]:
    return queryset.annotate(
        stage_code=Case(
            *(
                When(**{f"{field}__isnull": False}, then=Value(stage))
                for field, stage in STAGE_ORDER
            ),
            default=Value(Stage.NO_PLAN),
        )
    )


def medical_advisers_for(child: Child) -> QuerySet[User]:
    """Advisers a team may assign: those of providers serving the child's LA first."""
    serving = Q(organisation__areas=child.responsible_la_id)
    return (
        User.objects.filter(role__in=roles_with(Capability.ADOPTION_ADVISER_WORK), is_active=True)
        .annotate(serves=Exists(User.objects.filter(serving, pk=OuterRef("pk"))))
        .order_by("-serves", "last_name", "first_name", "pk")
    )


# ---------------------------------------------------------------------------------------
# Work item status and the worklist


def with_status(queryset: QuerySet, *, today: date | None = None) -> QuerySet:
    """Annotate ``status`` as apps.adoption.rules.work_item_status computes it, in SQL, so
    the API can filter on it and the worklist can sort overdue first."""
    today = today or local_today()
    return queryset.annotate(
        status=Case(
            When(
                completed_on__isnull=False,
                completed_on__lte=F("due_date"),
                then=Value(ClockStatus.MET.value),
            ),
            When(completed_on__isnull=False, then=Value(ClockStatus.BREACHED.value)),
            When(due_date__lt=today, then=Value(ClockStatus.OVERDUE.value)),
            default=Value(ClockStatus.PENDING.value),
        ),
        overdue_first=Case(
            When(completed_on__isnull=True, due_date__lt=today, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
    )


def medical_adviser_worklist(user: User, *, today: date | None = None) -> QuerySet:
    """The adviser's open work items: overdue first, then by due date. One query."""
    return (
        work_items_visible_to(user, today=today)
        .filter(assigned_to=user, completed_on__isnull=True)
        .select_related("case__child__responsible_la")
        .order_by("overdue_first", "due_date", "id")
    )


# ---------------------------------------------------------------------------------------
# Timeliness measures


class DaysBetween(Func):
    """Whole days from ``start`` to ``end`` (two dates) as an integer, in SQL. PostgreSQL
    subtracts dates to an integer; SQLite (local runs) goes through Julian day numbers."""

    arity = 2
    output_field = IntegerField()
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(ROUND(julianday(%(expressions)s)) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


def entry_to_care_on(field: str) -> Subquery:
    """The start of the child's period of care that includes the case's ``field`` date
    (the end date, the day the child ceased to be looked after, is included).

    A period imported part-way (reason for new episode other than S) starts at its earliest
    episode on record, not the true entry: such a child still counts, from that date."""
    periods = PeriodOfCare.objects.filter(
        child_id=OuterRef("child_id"), start_date__lte=OuterRef(field)
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=OuterRef(field)))
    return Subquery(
        periods.order_by("-start_date").values("start_date")[:1], output_field=DateField()
    )


def _entry_annotation(measure: AdoptionMeasure) -> str:
    return f"entry_for_{measure.end}"


def measure_query(
    code: str, *, period_start: date, period_end: date
) -> tuple[Q, dict[str, Expression], str]:
    """The query parts of one measure over AdoptionCase rows: the rows (cases whose end
    event falls in the window and whose start is known), the annotations they need, and
    the name of the annotation holding each row's days. The annotations do not depend on
    the window, so several windows can share one aggregate query (apps.performance)."""
    measure = MEASURES_BY_CODE[code]
    days_name = f"days_{code.lower()}"
    annotations: dict[str, Expression] = {}
    if measure.start == ENTRY_TO_CARE:
        start_name = _entry_annotation(measure)
        annotations[start_name] = entry_to_care_on(measure.end)
    else:
        start_name = measure.start
    annotations[days_name] = DaysBetween(F(measure.end), F(start_name))
    rows = Q(
        **{
            f"{measure.end}__gte": period_start,
            f"{measure.end}__lte": period_end,
            f"{start_name}__isnull": False,
        }
    )
    return rows, annotations, days_name


def _cases_of(local_authority_id: int, include_uasc: bool) -> QuerySet[AdoptionCase]:
    # The LA's own children only: other LAs' children placed here are theirs to report
    # (DOMAIN.md 6).
    cases = AdoptionCase.objects.filter(child__responsible_la_id=local_authority_id)
    if not include_uasc:
        cases = cases.exclude(child__is_uasc=True)
    return cases


def adoption_measures(
    *,
    local_authority_id: int,
    period_start: date,
    period_end: date,
    include_uasc: bool = True,
) -> dict[str, MeasureResult]:
    """Every timeliness measure (apps.adoption.rules.MEASURES) for the LA's children whose
    end event falls in [period_start, period_end] (R12M: the caller's window), keyed by
    measure code: numerator (sum of days), denominator (children), average and threshold.
    One query, whatever the number of children."""
    annotations: dict[str, Expression] = {}
    aggregates = {}
    for measure in MEASURES:
        rows, parts, days_name = measure_query(
            measure.code, period_start=period_start, period_end=period_end
        )
        annotations.update(parts)
        aggregates[f"{measure.code}__sum"] = Sum(days_name, filter=rows)
        aggregates[f"{measure.code}__count"] = Count("pk", filter=rows)
    totals = (
        _cases_of(local_authority_id, include_uasc).annotate(**annotations).aggregate(**aggregates)
    )
    return {
        measure.code: measure_result(
            measure, totals[f"{measure.code}__sum"], totals[f"{measure.code}__count"]
        )
        for measure in MEASURES
    }


def adoption_measure_rows(
    code: str,
    *,
    local_authority_id: int,
    period_start: date,
    period_end: date,
    include_uasc: bool = True,
) -> QuerySet[AdoptionCase]:
    """The cases behind one measure's figure (drill-down), each annotated with ``days``."""
    rows, annotations, days_name = measure_query(
        code, period_start=period_start, period_end=period_end
    )
    return (
        _cases_of(local_authority_id, include_uasc)
        .annotate(**annotations)
        .filter(rows)
        .annotate(days=F(days_name))
        .select_related("child")
        .order_by(MEASURES_BY_CODE[code].end, "pk")
    )
