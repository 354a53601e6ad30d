"""Reads for assessments and the other clocks, always starting from the one access rule."""

from django.db.models import Prefetch, QuerySet

from apps.accounts.models import User
from apps.assessments import access_relations
from apps.assessments.models import Appointment, Assessment, HealthClock
from apps.children.models import Child
from apps.children.selectors import children_visible_to


def assessments_visible_to(user: User) -> QuerySet[Assessment]:
    return Assessment.objects.filter(child__in=children_visible_to(user).values("pk"))


def assessments_with_details(queryset: QuerySet[Assessment]) -> QuerySet[Assessment]:
    return queryset.select_related("child", "provider", "overridden_by").prefetch_related(
        Prefetch("appointments", queryset=Appointment.objects.order_by("appointment_date", "id"))
    )


def child_can_receive_health_records(user: User, child: Child) -> bool:
    """Dental checks, immunisations and health histories come from health staff of a
    provider with a request for the child; SDQ scores also from the child's social worker."""
    return access_relations.health_records(user, child)


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
