"""Reads for assessments and the other clocks, always starting from the one access rule."""

from django.db.models import Prefetch, QuerySet

from apps.accounts.models import HEALTH_PROVIDER_ROLES, Role, User
from apps.assessments.models import Appointment, Assessment, HealthClock
from apps.assessments.rules.policy import Party
from apps.children.models import Child
from apps.children.selectors import children_visible_to, user_can_edit_case


def assessments_visible_to(user: User) -> QuerySet[Assessment]:
    return Assessment.objects.filter(child__in=children_visible_to(user).values("pk"))


def assessments_with_details(queryset: QuerySet[Assessment]) -> QuerySet[Assessment]:
    return queryset.select_related("child", "provider", "overridden_by").prefetch_related(
        Prefetch("appointments", queryset=Appointment.objects.order_by("appointment_date", "id"))
    )


def user_is_provider_staff(user: User, assessment: Assessment) -> bool:
    return (
        user.role in HEALTH_PROVIDER_ROLES
        and assessment.provider_id is not None
        and assessment.provider_id == user.organisation_id
    )


def _requests_on_behalf_of_other_la(user: User, assessment: Assessment) -> bool:
    """Our health admin may send the request for a child another LA placed in our area."""
    if user.role != Role.HEALTH_ADMIN or user.organisation_id is None:
        return False
    areas = set(user.organisation.areas.values_list("pk", flat=True))
    child = assessment.child
    return (
        child.responsible_la_id not in areas
        and child.placements.filter(end_date__isnull=True, area_id__in=areas).exists()
    )


def user_can(user: User, action: str, assessment: Assessment) -> bool:
    """Who may take each workflow step (DOMAIN.md 9). The caller has already checked that
    the user may see the child (else 404)."""
    la_team = user_can_edit_case(user, assessment.child)
    health = user_is_provider_staff(user, assessment)
    if action == "request":
        return la_team or _requests_on_behalf_of_other_la(user, assessment)
    if action == "decline":
        return la_team
    if action == "request-complete":
        return la_team or health
    if action in {"book", "record-outcome", "return-report", "health-reason"}:
        return health
    if action == "complete":
        return health and user.role == Role.LAC_NURSE
    if action == "override-breach":
        party = assessment.effective_party
        if user.role == Role.TEAM_MANAGER and la_team:
            return party in {Party.LA, Party.UNDETERMINED}
        if user.role == Role.DESIGNATED:
            return party in {Party.HEALTH, Party.UNDETERMINED}
        return False
    return False


def child_can_receive_health_records(user: User, child: Child) -> bool:
    """Dental checks, immunisations and health histories come from health staff of a
    provider with a request for the child; SDQ scores also from the child's social worker."""
    if user.role in HEALTH_PROVIDER_ROLES:
        return Assessment.objects.filter(child=child, provider_id=user.organisation_id).exists()
    return False


def health_clocks_for(child: Child) -> list[HealthClock]:
    return list(HealthClock.objects.filter(child=child).order_by("kind"))


def provider_workload(*, provider_id: int, start, end) -> dict:
    """A provider's assessment workload over a period, split into the children of LAs it
    serves and children other LAs placed in its area (they count here, not in our KPIs).
    One aggregate query."""
    from django.db.models import Count, Q

    from apps.accounts.models import Organisation

    areas = list(Organisation.objects.get(pk=provider_id).areas.values_list("pk", flat=True))
    ours = Q(child__responsible_la_id__in=areas)
    rows = Assessment.objects.filter(provider_id=provider_id)
    open_ = Q(held_on__isnull=True, declined_on__isnull=True, not_required_reason="")

    def split(condition: Q) -> dict:
        return {
            f"{name}_{side}": Count("pk", filter=condition & side_q)
            for side, side_q in (("ours", ours), ("other_la", ~ours))
            for name in ("n",)
        }

    figures = rows.aggregate(
        **{f"received_{k}": v for k, v in split(Q(request_sent_on__range=(start, end))).items()},
        **{f"held_{k}": v for k, v in split(Q(held_on__range=(start, end))).items()},
        **{f"open_{k}": v for k, v in split(open_).items()},
        **{f"overdue_{k}": v for k, v in split(Q(status="OVERDUE")).items()},
    )
    return {key.replace("_n_", "_"): value for key, value in figures.items()}
