"""Role worklists for the home page (selectors): what is overdue, what is due within the
at-risk window, and what awaits this user's action. Each list is one queryset, annotated so
that a page of rows costs a constant number of queries.

Issue 18: on PostgreSQL a list reads the assessment rows' own worklist columns (the child's
LA and team, in care, the booked and attended appointments: apps/assessments/
worklist_columns.py, kept by triggers) instead of joining everything the user may see, and
each list adds a *guard*: a condition that every row of the list meets anyway (implied by
the workflow registry's Facts) and that matches a partial index of the Assessment model, so
PostgreSQL reads only that index's rows. The tiles' three counts are one grouped query, and a
page is found by its key (keyset pagination), never by an OFFSET over the list. SQLite (the
embedded default, no triggers) reads the facts themselves, as before."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone

from apps.accounts.models import HEALTH_PROVIDER_ROLES, TEAM_ROLES, OrganisationKind, Role, User
from apps.assessments import workflow, worklist_columns
from apps.assessments.models import Assessment
from apps.assessments.models.assessment import (
    WORKLIST_BOOKED,
    WORKLIST_HELD,
    WORKLIST_REQUEST_TO_DO,
    WORKLIST_REVIEW_DESIGNATED,
    WORKLIST_REVIEW_UNDETERMINED,
    WORKLIST_TO_BOOK,
)
from apps.assessments.rules.status import ClockStatus, write_up_late_before
from apps.assessments.selectors import assessments_visible_to
from apps.children.models import PeriodOfCare
from apps.core.pagination import sort_key
from apps.core.selectors import working_day_calendar
from apps.policy.selectors import policy_windows

LISTS = {
    "overdue": "Overdue",
    "at_risk": "Due within 5 working days",
    "action": "Awaiting your action",
}
# Each order ends with the primary key, so that a row's key is unique (keyset pagination).
SORTS = {
    "due": ("due_date", "id"),
    "-due": ("-due_date", "-id"),
    "child": ("child__last_name", "child__first_name", "due_date", "id"),
    "kind": ("kind", "due_date", "id"),
}
PAGE_SIZE = 25


def _denormalised() -> bool:
    return worklist_columns.kept()


# --- Who may see a row, on its own columns ------------------------------------------------


def _scope_arms(user: User) -> list[Q] | None:
    """The access rule (apps/children/selectors.py ``child_scope``) on the assessment row's
    worklist columns, for the roles whose rule reads only the child's LA and team, or whose
    list is their provider's rows (a provider's staff see every child with an assessment
    at their provider: the row itself is that request), as a list of conditions each
    matching an index (their union is the scope). None: filter by the rule itself.
    tests/assessments/test_worklist_columns.py compares the two for every role."""
    if user.is_superuser:
        return [Q()]
    if not user.is_active or not user.role or user.organisation_id is None:
        return None
    org = user.organisation_id
    kind = user.organisation.kind if user.organisation is not None else ""
    unallocated = Q(wl_team_id__isnull=True, wl_la_id=org)
    if user.role == Role.SOCIAL_WORKER:
        return [Q(wl_team_id=user.team_id)] if user.team_id else [Q(pk__in=[])]
    if user.role == Role.TEAM_MANAGER:
        return [Q(wl_team_id=user.team_id), unallocated] if user.team_id else [Q(pk__in=[])]
    if user.role == Role.PERFORMANCE_MANAGER:
        return [Q(wl_la_id=org)]
    if user.role in HEALTH_PROVIDER_ROLES:
        return [Q(provider_id=org)]
    if user.role == Role.AUDITOR and kind == OrganisationKind.LOCAL_AUTHORITY:
        return [Q(wl_la_id=org)]
    if user.role == Role.DESIGNATED or (
        user.role == Role.AUDITOR and kind == OrganisationKind.COMMISSIONER
    ):
        # The commissioner's areas' children, and other LAs' children placed there (the
        # relationships table, as commissioner_scope_by_table reads it: a few rows of each
        # area, read by their own partial index, not every child placed in the area).
        from apps.children.selectors import placed_here_by_another_la

        organisation = user.organisation
        areas = list(organisation.areas.values_list("pk", flat=True)) if organisation else []
        others = placed_here_by_another_la(areas)
        return [Q(wl_la_id__in=areas), Q(child_id__in=others) & ~Q(wl_la_id__in=areas)]
    if user.role == Role.ADMIN and kind == OrganisationKind.LOCAL_AUTHORITY:
        return [unallocated]
    return None


def _column_scope(user: User) -> Q | None:
    arms = _scope_arms(user)
    return None if arms is None else _union(arms)


def _visible(user: User, scope: Q | None = None) -> QuerySet[Assessment]:
    scope = _column_scope(user) if scope is None else scope
    if scope is None:
        return assessments_visible_to(user)
    return Assessment.objects.filter(scope)


def _annotate_from_columns(queryset: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """The annotations the Facts read (workflow.annotate_facts), from the worklist columns."""
    return queryset.annotate(
        has_booking=ExpressionWrapper(Q(wl_booked_for__isnull=False), output_field=BooleanField()),
        booked_for=F("wl_booked_for"),
        attended_on=F("wl_attended_on"),
        **workflow.write_up_annotations(),
    )


def _in_care_rows(user: User, scope: Q | None) -> QuerySet[Assessment]:
    """On the worklist columns: the rows of children in care the user may see (or the
    part ``scope`` of them) and, for health staff, their provider's; no annotations."""
    queryset = _visible(user, scope).filter(wl_in_care=True)
    if user.role in HEALTH_PROVIDER_ROLES:
        queryset = queryset.filter(provider_id=user.organisation_id)
    return queryset


def _base(user: User, scope: Q | None = None) -> QuerySet[Assessment]:
    """The rows of children in care the user may see (or the part ``scope`` of them) and,
    for health staff, their provider's, with the Facts' annotations."""
    if _denormalised():
        queryset = _annotate_from_columns(_in_care_rows(user, scope))
    else:
        in_care = PeriodOfCare.objects.filter(child=OuterRef("child"), end_date__isnull=True)
        queryset = workflow.annotate_facts(assessments_visible_to(user).filter(Exists(in_care)))
    if user.role in HEALTH_PROVIDER_ROLES:
        queryset = queryset.filter(provider_id=user.organisation_id)
    return queryset.select_related("child", "child__team", "provider")


# --- The lists --------------------------------------------------------------------------


def write_up_late(today: date | None = None) -> Q:
    """Issue 14: held (attended), not written up after the policy's working days (the
    policy in force on the clock's day 0, as for every other window) - an at-risk item."""
    today = today or timezone.localdate()
    calendar = working_day_calendar()
    la_field = "wl_la_id" if _denormalised() else "child__responsible_la_id"
    condition = Q(pk__in=[])
    windows = policy_windows("write_up_working_days", "clock_start", la_field=la_field)
    for working_days, in_window in windows.items():
        cutoff = write_up_late_before(today, calendar, working_days)
        condition |= in_window & Q(held_on__lt=cutoff)
    return workflow.AWAITING_WRITE_UP.q() & condition


def _action_guards(role: str) -> list[Q]:
    """Conditions whose union holds every row of the role's "awaiting your action" list,
    each matching a partial index (apps/assessments/models/assessment.py). The team's
    items are open with the request to send or complete, or the report came back in the
    recent window; the health items are held with the report not back (write up, awaiting
    the report, return it), open and booked (record the attendance) or, for the health
    admin, open, requested and not booked (book); the reviews are of overdue or breached
    clocks, undetermined or (the designated nurse's) not attributed or health's with no
    reason. tests/assessments/test_worklist_columns.py compares each list with the list
    read from the facts."""
    if role in TEAM_ROLES:
        return [WORKLIST_REQUEST_TO_DO, Q(wl_in_care=True) & workflow.RECENT_REPORT()]
    if role == Role.HEALTH_ADMIN:
        return [WORKLIST_HELD, WORKLIST_BOOKED, WORKLIST_TO_BOOK]
    if role in HEALTH_PROVIDER_ROLES:
        return [WORKLIST_HELD, WORKLIST_BOOKED]
    if role == Role.DESIGNATED:
        return [WORKLIST_REVIEW_DESIGNATED]
    if role in {Role.PERFORMANCE_MANAGER, Role.AUDITOR}:
        return [WORKLIST_REVIEW_UNDETERMINED]
    return [workflow.UNCHARGED_BREACH()]


def _whole_guards(role: str, name: str) -> list[Q]:
    """The guards of a list (``_list_condition``) every row of which, in the user's scope
    and in care, is on the list: a list's count counts their rows from their partial index
    alone (an index-only scan), and applies the list's condition (with its joins to the
    write-ups) only to the rest. The health admin's "to book" rows (open, requested, not
    booked: the "Book an appointment" item, whose step is available on exactly these), the
    at-risk and the overdue rows. tests/assessments/test_worklist_columns.py checks each
    against the list read from the facts."""
    if name == "overdue":
        return [Q(status=ClockStatus.OVERDUE)]
    if name == "at_risk":
        return [Q(status=ClockStatus.AT_RISK)]
    if name == "action" and role == Role.HEALTH_ADMIN:
        return [WORKLIST_TO_BOOK]
    return []


def _list_condition(user: User, name: str) -> tuple[Q, list[Q]]:
    """One list's condition over ``_base(user)``, and its guards on PostgreSQL (none on
    SQLite): each row of the list meets one of them."""
    if name == "overdue":
        return Q(status=ClockStatus.OVERDUE), [
            Q(status=ClockStatus.OVERDUE)
        ] if _denormalised() else []
    if name == "at_risk":
        # The write-up late items are held, the report not back (AWAITING_WRITE_UP).
        guards = [Q(status=ClockStatus.AT_RISK), WORKLIST_HELD]
        return Q(status=ClockStatus.AT_RISK) | write_up_late(), guards if _denormalised() else []
    guards = _action_guards(user.role) if _denormalised() else []
    return workflow.worklist_filter(user.role), guards


def _union(conditions: list[Q]) -> Q:
    union = Q(pk__in=[])
    for condition in conditions:
        union |= condition
    return union


def list_filter(user: User, name: str) -> Q:
    """The condition of one list over ``_base(user)`` (and its guards, on PostgreSQL)."""
    condition, guards = _list_condition(user, name)
    return condition & _union(guards) if guards else condition


def list_parts(user: User, name: str, kind: str = "") -> list[QuerySet[Assessment]]:
    """The list as one queryset per part of the scope and guard (one on SQLite): each
    reads its own partial index in the page's order, and a page merges their first rows
    (``keyset_page``)."""
    condition, guards = _list_condition(user, name)
    arms: list[Q | None] = [None]
    scope_arms = _scope_arms(user) if _denormalised() else None
    if scope_arms is not None:
        arms = list(scope_arms)
    parts = []
    for arm in arms:
        base = _base(user, arm).filter(condition)
        if kind:
            base = base.filter(kind=kind)
        parts += [base.filter(guard) for guard in guards] or [base]
    return parts


def worklist(user: User, name: str) -> QuerySet[Assessment]:
    return _base(user).filter(list_filter(user, name))


def worklist_counts(user: User, *, kind: str = "") -> dict[str, int]:
    """The three tiles' counts in one query. On PostgreSQL, one scalar subquery per list
    and part, each reading only its own guards' partial indexes (a list's count reads its
    own rows, not the rows of every list); on SQLite one grouped query, each list's
    condition as a FILTER."""
    lists = {name: _list_condition(user, name) for name in LISTS}
    if _denormalised():
        return _counts_by_list(user, lists, kind)
    conditions = {
        name: condition & _union(guards) if guards else condition
        for name, (condition, guards) in lists.items()
    }
    queryset = _base(user).select_related(None)
    if kind:
        queryset = queryset.filter(kind=kind)
    counts = queryset.filter(_union(list(conditions.values()))).aggregate(
        **{name: Count("pk", filter=condition) for name, condition in conditions.items()}
    )
    return {name: counts[name] or 0 for name in LISTS}


def _counts_by_list(user: User, lists: dict[str, tuple[Q, list[Q]]], kind: str) -> dict[str, int]:
    """Each list's count as the sum of its scope parts' counts (the parts are disjoint:
    ``_scope_arms``). In each part, the rows of the list's whole guards (``_whole_guards``:
    all on the list) are counted from their partial index alone, and the list's condition
    is applied to the rows of its other guards only, less those (so no row counts twice)."""
    scope_arms = _scope_arms(user)
    arms: list[Q | None] = [None] if scope_arms is None else list(scope_arms)
    selects: list[str] = []
    params: list = []

    def count_of(queryset: QuerySet, label: str) -> str | None:
        nonlocal params
        if kind:
            queryset = queryset.filter(kind=kind)
        try:
            sql, part_params = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # a part no row can be in (a role with no work items)
            return None
        params += part_params
        return f"(SELECT COUNT(*) FROM ({sql}) AS {label})"  # noqa: S608

    for name, (condition, guards) in lists.items():
        whole = _whole_guards(user.role, name)
        rest = [guard for guard in guards if guard not in whole]
        terms = []
        for number, arm in enumerate(arms):
            for index, guard in enumerate(whole):
                term = count_of(
                    _in_care_rows(user, arm).filter(guard), f"w_{name}_{number}_{index}"
                )
                terms.append(term)
            if rest:
                others = _base(user, arm).select_related(None).filter(condition & _union(rest))
                if whole:
                    others = others.exclude(_union(whole))
                terms.append(count_of(others, f"r_{name}_{number}"))
        selects.append(" + ".join(term for term in terms if term) or "0")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(selects)}", params)  # noqa: S608 (compiled querysets)
        row = cursor.fetchone()
    return dict(zip(lists, (int(value) for value in row), strict=True))


# --- The breach list ---------------------------------------------------------------------

BREACH_ORDER = ("-due_date", "-id")


def breach_parts(user: User, party: str = "") -> list[QuerySet[Assessment]]:
    """Every breach the user may see (the breach list: overdue or breached clocks and late
    reports, of children in care or not), charged to ``party`` if given ("LA", "HEALTH",
    "UNDETERMINED"), as one queryset per part of the user's scope (``_scope_arms``: on
    PostgreSQL each reads the breach partial index of its column in the list's order,
    ``assessment_breach_by_la`` or ``assessment_breach_by_due``); SQLite reads the rule."""
    breached = workflow.BREACHED.q()
    if party in {"LA", "HEALTH", "UNDETERMINED"}:
        breached &= Q(override_party=party) | Q(override_party="", breach_party=party)
    # (A provider's scope arm is its own rows, which is its worklists' scope, not the
    # access rule: its staff have no breach list, but would read the rule.)
    provider = user.role in HEALTH_PROVIDER_ROLES
    arms = _scope_arms(user) if _denormalised() and not provider else None
    if arms is None:
        parts = [assessments_visible_to(user).filter(breached)]
    else:
        parts = [Assessment.objects.filter(arm).filter(breached) for arm in arms]
    return [part.select_related("child", "provider") for part in parts]


# --- Keyset pagination ------------------------------------------------------------------


@dataclass
class KeysetPage:
    """One page of a list found by the key of the row before (``after``) or after
    (``before``) it: the rows, and the cursors of the pages either side (None: none)."""

    object_list: list
    previous_cursor: int | None
    next_cursor: int | None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next


def _cursor(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number > 0 else None


def _beyond(fields: list[str], key: tuple, greater: bool) -> Q:
    """Rows whose key (``fields`` in order) is past ``key``: the lexicographic comparison,
    with the first field's bound as its own condition so the index scan starts there."""
    op = "gt" if greater else "lt"
    condition = Q(pk__in=[])
    for index, name in enumerate(fields):
        equal = {field: value for field, value in zip(fields[:index], key[:index], strict=True)}
        condition |= Q(**equal, **{f"{name}__{op}": key[index]})
    return Q(**{f"{fields[0]}__{op}e": key[0]}) & condition


def _first_rows(parts, order, condition: Q | None, *, fields, descending, size) -> list:
    """The first ``size`` rows of the union of ``parts`` in ``order``: each part's first
    rows in that order (one query each), merged."""
    rows: dict[int, object] = {}
    for part in parts:
        queryset = part if condition is None else part.filter(condition)
        for row in queryset.order_by(*order)[:size]:
            rows[row.pk] = row
    merged = sorted(rows.values(), key=sort_key(fields), reverse=descending)
    return merged[:size]


def keyset_page(
    queryset: QuerySet | list[QuerySet],
    order: tuple[str, ...],
    *,
    after: str | None = None,
    before: str | None = None,
    size: int = PAGE_SIZE,
) -> KeysetPage:
    """The page after the row ``after`` (or before the row ``before``) in ``order``, or the
    first page, of a queryset or of the union of several (each read in order, merged). A
    cursor is a row's id; its key is read from the row (one query by primary key), so a
    cursor whose row has left the list still finds its place. A cursor that is not a
    number, or names no row, gives the first page."""
    parts = queryset if isinstance(queryset, list) else [queryset]
    fields = [name.lstrip("-") for name in order]
    descending = order[0].startswith("-")
    forward, cursor = True, _cursor(after)
    if cursor is None and _cursor(before) is not None:
        forward, cursor = False, _cursor(before)
    key = None
    if cursor is not None:
        key = parts[0].model.objects.filter(pk=cursor).values_list(*fields).first()
    if key is None:
        rows = _first_rows(parts, order, None, fields=fields, descending=descending, size=size + 1)
        return KeysetPage(rows[:size], None, rows[size - 1].pk if len(rows) > size else None)
    if forward:
        beyond = _beyond(fields, key, not descending)
        rows = _first_rows(
            parts, order, beyond, fields=fields, descending=descending, size=size + 1
        )
        more = len(rows) > size
        rows = rows[:size]
        return KeysetPage(rows, rows[0].pk if rows else cursor, rows[-1].pk if more else None)
    reverse = tuple(name[1:] if name.startswith("-") else f"-{name}" for name in order)
    beyond = _beyond(fields, key, descending)
    rows = _first_rows(
        parts, reverse, beyond, fields=fields, descending=not descending, size=size + 1
    )
    more = len(rows) > size
    rows = rows[:size][::-1]
    return KeysetPage(rows, rows[0].pk if more else None, rows[-1].pk if rows else cursor)


def worklist_page(
    user: User,
    name: str,
    *,
    sort: str = "due",
    kind: str = "",
    after: str | None = None,
    before: str | None = None,
) -> KeysetPage:
    parts = list_parts(user, name, kind)
    return keyset_page(parts, SORTS[sort], after=after, before=before, size=PAGE_SIZE)


# What this user should do next about a row, in words: from the workflow registry.
action_for = workflow.action_for
