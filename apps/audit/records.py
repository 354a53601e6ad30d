"""Which child a request is about, for the access log: from the record the view names.

Each view that takes a record's id declares the record's model (``@about(Model)`` on a page
view, ``access_record_model`` on an API view), and the child is found by following the
model's foreign keys to Child, so a new view or model needs no list of URL names here. The
lookup ignores who is asking: a refused attempt on another organisation's dental record is
logged with that child too, so the LA's auditor sees it (issue 17, finding 8)."""

from collections import deque
from functools import cache

from django.apps import apps
from django.db import models
from django.urls import ResolverMatch

from apps.access.records import record_model_of

BIGINT_MAX = 2**63 - 1


@cache
def path_to_child(model: type[models.Model]) -> str | None:
    """The ORM path from the model to its child ("" for Child itself), by the shortest chain
    of foreign keys; None when the model is not about a child."""
    child_model = apps.get_model("children", "Child")
    if model is child_model:
        return ""
    seen = {model}
    queue = deque([(model, "")])
    while queue:
        current, path = queue.popleft()
        for field in current._meta.get_fields():
            if not (field.many_to_one or field.one_to_one) or not field.concrete:
                continue
            target = field.related_model
            step = f"{path}__{field.name}" if path else field.name
            if target is child_model:
                return step
            if target not in seen and len(step.split("__")) < 4:
                seen.add(target)
                queue.append((target, step))
    return None


def as_id(value) -> int | None:
    """An id from the URL, or None when it cannot be one: a number beyond the database's
    bigint would make the log's own INSERT fail and the request a 500."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 <= number <= BIGINT_MAX else None


def child_id_of(match: ResolverMatch) -> int | None:
    if "child_id" in match.kwargs:
        return as_id(match.kwargs["child_id"])
    pk = as_id(match.kwargs.get("pk"))
    model = record_model_of(match)
    if pk is None or model is None:
        return None
    path = path_to_child(model)
    if path is None:
        return None
    if path == "":
        return pk
    # The base manager: a record deleted as entered in error (issue 13, the default manager
    # leaves it out) still names its child, so its DELETE is logged against the child.
    return model._base_manager.filter(pk=pk).values_list(f"{path}_id", flat=True).first()
