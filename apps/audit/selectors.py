from django.db.models import Q, QuerySet

from apps.access import Capability, may
from apps.accounts.models import User
from apps.audit.models import AccessEvent
from apps.children.selectors import children_visible_to


def access_events_visible_to(user: User) -> QuerySet[AccessEvent]:
    """Auditors read the log of their organisation's users and of the children they may see."""
    if user.is_superuser:
        return AccessEvent.objects.all()
    if not may(user, Capability.ACCESS_LOG_VIEW) or user.organisation_id is None:
        return AccessEvent.objects.none()
    children = children_visible_to(user).values("pk")
    return AccessEvent.objects.filter(
        Q(organisation_id=user.organisation_id) | Q(child_id__in=children)
    )
