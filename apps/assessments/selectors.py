"""Reads for assessments and the other clocks, always starting from the one access rule."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from apps.accounts.models import User
from apps.assessments import access_relations
from apps.assessments.models import Appointment, Assessment, HealthClock
from apps.children.models import Child
from apps.children.selectors import visible_child_ids


def assessments_visible_to(user: User) -> QuerySet[Assessment]:
    return Assessment.objects.filter(child__in=visible_child_ids(user))


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


@dataclass(frozen=True)
class DeletedRecord:
    """A record of the child deleted as entered in error (issue 13)."""

    what: str
    when: datetime | None
    who: str
    reason: str
    detail: str


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else "System"


def deleted_records_of(child: Child) -> list[DeletedRecord]:
    """What was deleted as entered in error, newest first: appointments, dental checks,
    SDQs and immunisation checks (the rows stay, flagged) and requests (cleared from the
    assessment; what they held is in its history)."""
    from apps.assessments.models import DentalCheck, ImmunisationRecord, SdqRecord

    rows = []
    for appointment in Appointment.all_objects.filter(
        assessment__child=child, deleted_at__isnull=False
    ).select_related("assessment", "deleted_by"):
        rows.append(
            DeletedRecord(
                f"{appointment.assessment.kind} appointment",
                appointment.deleted_at,
                _name(appointment.deleted_by),
                appointment.deletion_reason,
                f"For {appointment.appointment_date.day} {appointment.appointment_date:%B %Y}, "
                f"booked {appointment.booked_on.day} {appointment.booked_on:%B %Y}; "
                f"{appointment.get_outcome_display().lower()}"
                + (
                    f" by {appointment.get_cancelled_by_display().lower()}"
                    if appointment.cancelled_by
                    else ""
                ),
            )
        )
    for model, what, field in (
        (DentalCheck, "Dental check", "checked_on"),
        (SdqRecord, "SDQ", "completed_on"),
        (ImmunisationRecord, "Immunisation check", "checked_on"),
    ):
        for record in model.all_objects.filter(
            child=child, deleted_at__isnull=False
        ).select_related("deleted_by"):
            day = getattr(record, field)
            rows.append(
                DeletedRecord(
                    what,
                    record.deleted_at,
                    _name(record.deleted_by),
                    record.deletion_reason,
                    f"Dated {day.day} {day:%B %Y}",
                )
            )
    # Each deletion of a request is an assessment history record that set its deletion time.
    for record in (
        Assessment.history.filter(child_id=child.pk, request_deleted_at__isnull=False)
        .select_related("history_user")
        .order_by("id", "history_date")
    ):
        previous = record.prev_record
        if previous is None or previous.request_deleted_at == record.request_deleted_at:
            continue
        sent = previous.request_sent_on
        rows.append(
            DeletedRecord(
                f"{record.kind} request",
                record.request_deleted_at,
                _name(record.history_user),
                record.request_deletion_reason,
                f"Sent {sent.day} {sent:%B %Y}" if sent else "",
            )
        )
    return sorted(rows, key=lambda r: r.when.timestamp() if r.when else 0.0, reverse=True)
