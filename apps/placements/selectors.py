from django.db.models import QuerySet

from apps.accounts.models import User
from apps.children.selectors import visible_child_ids
from apps.placements.models import Placement


def placements_visible_to(user: User) -> QuerySet[Placement]:
    return Placement.objects.filter(child__in=visible_child_ids(user))
