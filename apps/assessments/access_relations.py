"""The record relations of the capability table (apps/access) that the assessments app
owns, registered once when the app is ready. (The case team's relation is the table's own:
the child's team, for a child or a record with one.)"""

from apps.access import Relation, register_relation
from apps.accounts.models import HEALTH_PROVIDER_ROLES, Role
from apps.assessments.models import Assessment
from apps.policy.rules import Party


def _child(record):
    return record.child if isinstance(record, Assessment) else record


def provider_staff(user, assessment: Assessment) -> bool:
    return (
        user.role in HEALTH_PROVIDER_ROLES
        and assessment.provider_id is not None
        and assessment.provider_id == user.organisation_id
    )


def host_area_health_admin(user, assessment: Assessment) -> bool:
    """Our health admin may send the request for a child another LA placed in our area."""
    if user.role != Role.HEALTH_ADMIN or user.organisation_id is None:
        return False
    areas = set(user.organisation.areas.values_list("pk", flat=True))
    child = assessment.child
    return (
        child.responsible_la_id not in areas
        and child.placements.filter(end_date__isnull=True, area_id__in=areas).exists()
    )


def health_records(user, record) -> bool:
    """Staff of a provider with a request for the child."""
    if user.role not in HEALTH_PROVIDER_ROLES:
        return False
    return Assessment.objects.filter(
        child=_child(record), provider_id=user.organisation_id
    ).exists()


def register() -> None:
    register_relation(Relation.PROVIDER_STAFF, provider_staff)
    register_relation(Relation.HOST_AREA_HEALTH_ADMIN, host_area_health_admin)
    register_relation(Relation.HEALTH_RECORDS, health_records)
    register_relation(
        Relation.BREACH_LA_OR_UNDETERMINED,
        lambda user, a: a.effective_party in {Party.LA, Party.UNDETERMINED},
    )
    register_relation(
        Relation.BREACH_HEALTH_OR_UNDETERMINED,
        lambda user, a: a.effective_party in {Party.HEALTH, Party.UNDETERMINED},
    )
