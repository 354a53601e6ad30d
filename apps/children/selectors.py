"""Reads of children. ``children_visible_to`` is THE access rule (DOMAIN.md 9): every view,
API, export and admin page that shows a child starts from it, so a change here changes
access everywhere at once."""

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from apps.access import Capability, may
from apps.accounts.models import HEALTH_PROVIDER_ROLES, OrganisationKind, Role, User
from apps.children.models import Child, PeriodOfCare


def _relationships_kept() -> bool:
    """PostgreSQL keeps the child relationships table by triggers (children migration
    0011); the embedded SQLite default has none and keeps the EXISTS rule."""
    return connection.vendor == "postgresql"


def commissioner_scope_by_rule(organisation) -> Q:
    from apps.placements.models import Placement

    area_ids = organisation.areas.values("pk")
    placed_in_area = Placement.objects.filter(
        child=OuterRef("pk"), end_date__isnull=True, area__in=area_ids
    )
    return Q(responsible_la__in=area_ids) | Q(Exists(placed_in_area))


def _placed_away(area_ids) -> Q:
    """Relationship rows of other LAs' children placed in one of ``area_ids``: placements
    in the areas whose copy of the child's LA (children migration 0014) is not among them.
    The partial index ``relationship_placed_away`` holds just the placements outside the
    child's own LA, so this is a few rows of each area, never a join of every child placed
    in the area with the children table."""
    from apps.children.models import RelationshipReason

    return (
        Q(organisation__in=area_ids, reason=RelationshipReason.PLACED_IN_AREA)
        & ~Q(organisation=F("child_la_id"))
        & ~Q(child_la_id__in=area_ids)
    )


def placed_here_by_another_la(area_ids) -> QuerySet:
    from apps.children.models import ChildRelationship

    return ChildRelationship.objects.filter(_placed_away(area_ids), ended_on__isnull=True).values(
        "child_id"
    )


def commissioner_scope_by_table(organisation) -> Q:
    area_ids = organisation.areas.values("pk")
    # The areas' own children placed in the areas are in the first part already.
    return Q(responsible_la__in=area_ids) | Q(pk__in=placed_here_by_another_la(area_ids))


def commissioner_scope_for(organisation) -> Q:
    """Our LA's children and other LAs' children living in the commissioner's areas."""
    if _relationships_kept():
        return commissioner_scope_by_table(organisation)
    return commissioner_scope_by_rule(organisation)


def provider_scope_by_rule(organisation) -> Q:
    from apps.assessments.models import Assessment
    from apps.placements.models import Placement

    area_ids = organisation.areas.values("pk")
    placed_here_by_another_la = Placement.objects.filter(
        child=OuterRef("pk"), end_date__isnull=True, area__in=area_ids
    ).exclude(child__responsible_la__in=area_ids)
    return Q(Exists(Assessment.objects.filter(child=OuterRef("pk"), provider=organisation))) | Q(
        Exists(placed_here_by_another_la)
    )


def provider_child_ids(organisation) -> QuerySet:
    """The ids of the children a provider's staff may see, from the relationships table
    alone: a current request to the provider, or another LA's child placed in one of its
    areas. One uncorrelated subquery over one table, which PostgreSQL reads as a hashed
    set: a count over a provider's children (often every child of its areas) is then a
    hash join, where an OR of two conditions per child row was evaluated row by row."""
    from apps.children.models import ChildRelationship, RelationshipReason

    area_ids = organisation.areas.values("pk")
    return ChildRelationship.objects.filter(
        Q(organisation=organisation.pk, reason=RelationshipReason.PROVIDER_REQUEST)
        | _placed_away(area_ids),
        ended_on__isnull=True,
    ).values("child_id")


def provider_scope_by_table(organisation) -> Q:
    return Q(pk__in=provider_child_ids(organisation))


def provider_scope_for(organisation) -> Q:
    """Children with a request (an assessment) to the provider, and other LAs' children
    placed in the provider's areas: our health admin may request their assessments on the
    originating LA's behalf (DOMAIN.md 6)."""
    if _relationships_kept():
        return provider_scope_by_table(organisation)
    return provider_scope_by_rule(organisation)


def _commissioner_scope(user: User) -> Q:
    return commissioner_scope_for(user.organisation)


def _provider_scope(user: User) -> Q:
    return provider_scope_for(user.organisation)


def child_scope(user: User | None) -> Q | None:
    """The filter of the children ``user`` may see, or None for none at all."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Q()
    if not user.role or user.organisation_id is None:
        return None
    organisation = user.organisation
    awaiting_allocation = Q(team__isnull=True, responsible_la_id=user.organisation_id)
    if user.role == Role.TEAM_MANAGER:
        # Their team's children, and the LA's children with no team yet (an SSDA903 import
        # brings children with none): someone must be able to take them into a team.
        return Q(team_id=user.team_id) | awaiting_allocation if user.team_id else None
    if user.role == Role.SOCIAL_WORKER:
        return Q(team_id=user.team_id) if user.team_id else None
    if user.role == Role.PERFORMANCE_MANAGER:
        return Q(responsible_la_id=user.organisation_id)
    if user.role in HEALTH_PROVIDER_ROLES:
        return _provider_scope(user)
    if user.role == Role.DESIGNATED:
        return _commissioner_scope(user)
    if user.role == Role.AUDITOR:
        return {
            OrganisationKind.LOCAL_AUTHORITY: Q(responsible_la_id=user.organisation_id),
            OrganisationKind.PROVIDER: _provider_scope(user),
            OrganisationKind.COMMISSIONER: _commissioner_scope(user),
        }[organisation.kind]
    if user.role == Role.ADMIN and organisation.kind == OrganisationKind.LOCAL_AUTHORITY:
        # An LA's admins manage users, teams and policies, and allocate the children that
        # have no team; the case records of allocated children are the teams'.
        return awaiting_allocation
    # Other admins manage users, organisations and policies, not children's records.
    return None


def children_visible_to(user: User | None) -> QuerySet[Child]:
    scope = child_scope(user)
    if scope is None:
        return Child.objects.none()
    return Child.objects.filter(scope)


def visible_child_ids(user: User | None) -> QuerySet:
    """The ids of ``children_visible_to(user)``, as a subquery to filter another table by
    its child (assessments, periods of care). For a provider's staff on PostgreSQL they
    come from the relationships table alone (``provider_child_ids``): through the children
    table they cost a join with every child the provider may see, for nothing."""
    if user is not None and _relationships_kept() and _provider_scoped(user):
        return provider_child_ids(user.organisation)
    return children_visible_to(user).values("pk")


def _provider_scoped(user: User | None) -> bool:
    """The user's scope is a provider's (``child_scope``: its health staff and auditors)."""
    if user is None or not user.is_authenticated or not user.is_active or user.is_superuser:
        return False
    if not user.role or user.organisation_id is None:
        return False
    return user.role in HEALTH_PROVIDER_ROLES or (
        user.role == Role.AUDITOR and user.organisation.kind == OrganisationKind.PROVIDER
    )


def user_can_edit_case(user: User, child: Child) -> bool:
    """Case records (the child, care and placements) are written by the child's team."""
    return may(user, Capability.CASE_RECORD_WRITE, child)


def user_can_allocate_team(user: User, child: Child) -> bool:
    """Who may move a child into a team (DOMAIN.md 9): an LA admin or a team manager of the
    child's responsible LA. The caller has already checked that the user sees the child."""
    return may(user, Capability.CHILDREN_ALLOCATE, child)


def children_to_allocate(user: User) -> QuerySet[Child]:
    """The children the user may move between teams: those they see, of their own LA."""
    if user.is_superuser:
        return children_visible_to(user)
    if not may(user, Capability.CHILDREN_ALLOCATE):
        return Child.objects.none()
    return children_visible_to(user).filter(responsible_la_id=user.organisation_id)


def teams_for_allocation(user: User, la_id: int | None = None):
    """The teams a child of the user's LA may be moved into."""
    from apps.accounts.models import Team

    la_id = la_id or user.organisation_id
    return Team.objects.filter(organisation_id=la_id).order_by("name")


def user_can_create_children(user: User) -> bool:
    return may(user, Capability.CHILDREN_CREATE)


def periods_of_care_visible_to(user: User) -> QuerySet[PeriodOfCare]:
    return PeriodOfCare.objects.filter(child__in=visible_child_ids(user))


def open_period_of_care(child: Child) -> PeriodOfCare | None:
    return child.periods_of_care.filter(end_date__isnull=True).first()
