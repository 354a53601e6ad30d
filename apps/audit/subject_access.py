"""Subject-access export: one child's whole record for the data protection officer (UK GDPR
Article 15; issue 17). Prepared in the background as an export job (apps.performance's
ExportJob, kind SUBJECT_ACCESS), fetched once, then deleted, like every other export.

Who may ask: the auditor of the child's local authority, as the DPO's delegate. The auditor
role is read-only and already reads the access log (DOMAIN.md 9); the LA is the controller
of the child's social care record. Which children: ``children_visible_to``, as everywhere.

What is in it: every table with a path of foreign keys to the child, found by walking the
models (so a table added later is not silently left out), each table's simple-history rows
(historical models are models with the same foreign keys), and the access log entries about
the child. One JSON file per table in a ZIP, with a manifest of the row counts."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from apps.access import Capability, may
from apps.accounts.addresses import client_address
from apps.accounts.models import User
from apps.audit.models import AccessEvent, Action, Outcome
from apps.children.models import Child
from apps.children.selectors import children_visible_to

# Foreign-key hops followed from a table towards the child (a health plan action reaches it
# in three: plan -> assessment -> child).
MAX_DEPTH = 4


# ---------------------------------------------------------------------------------------
# Who may ask, and for which child (reads)


def may_request_subject_access(user: User) -> bool:
    return may(user, Capability.SUBJECT_ACCESS_REQUEST)


def subject_access_child(*, user: User, child_id: int) -> Child | None:
    """The child, if ``user`` may export their record; None (a 404) otherwise."""
    if not may_request_subject_access(user):
        return None
    return children_visible_to(user).filter(pk=child_id).first()


def subject_access_jobs(*, user: User, child: Child) -> QuerySet:
    from apps.performance.models import ExportJob, ExportKind

    return ExportJob.objects.defer("content").filter(
        requested_by=user, kind=ExportKind.SUBJECT_ACCESS, params__child_id=child.pk
    )


# ---------------------------------------------------------------------------------------
# Which tables hold the child's record


@dataclass(frozen=True)
class ChildTable:
    label: str  # app_label.ModelName
    model: type[models.Model]
    paths: tuple[str, ...]  # ORM lookups that equal the child's id

    def rows(self, child_id: int) -> QuerySet:
        condition = Q()
        for path in self.paths:
            condition |= Q(**{path: child_id})
        # The base manager, not the default one: a record deleted as entered in error is
        # still held about the child (with who deleted it, when and why), so it is disclosed.
        return self.model._base_manager.filter(condition).order_by("pk")


def _history_of(model: type[models.Model]) -> type[models.Model] | None:
    """The tracked model of a simple-history model (HistoricalChild -> Child)."""
    return getattr(model, "instance_type", None)


def _paths_to_child(model: type[models.Model], depth: int = 0, seen=()) -> list[str]:
    """Every chain of foreign keys from ``model`` to Child, as ORM lookups ending in the
    child's id (``child_id``, ``assessment__child_id``, ...)."""
    if depth >= MAX_DEPTH:
        return []
    found = []
    for field in model._meta.concrete_fields:
        if not field.is_relation or field.related_model is None:
            continue
        target = field.related_model
        if target is Child:
            found.append(field.attname)
        elif target not in seen and target is not model:
            found += [
                f"{field.name}__{rest}"
                for rest in _paths_to_child(target, depth + 1, (*seen, model))
            ]
    return found


def child_tables() -> list[ChildTable]:
    """Every installed model that holds rows about a child, in app and model order."""
    tables = []
    for model in apps.get_models():
        if not model._meta.managed:
            # No table of its own (the scorecard build's per-child facts are a temporary
            # table that exists only while a snapshot is built).
            continue
        label = model._meta.label
        if model is Child or _history_of(model) is Child:
            paths = ("id",)
        elif model is AccessEvent:
            # The log names the child by id, not by a foreign key: it must outlive the record.
            paths = ("child_id",)
        else:
            paths = tuple(sorted(set(_paths_to_child(model))))
        if paths:
            tables.append(ChildTable(label, model, paths))
    return sorted(tables, key=lambda table: table.label)


# ---------------------------------------------------------------------------------------
# Building the file (run by the export job)


def _row(obj: models.Model) -> dict:
    # Binary columns (a prepared file) are not personal data about the child as such and
    # would bloat the JSON; everything else is written as stored.
    return {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if not isinstance(field, models.BinaryField)
    }


def build_subject_access_export(*, user: User, params: dict, progress: Callable | None = None):
    """The ZIP for the job's child, with the requester's access as it is now."""
    from apps.performance.exports import CONTENT_TYPES, ExportFile

    child = subject_access_child(user=user, child_id=int(params.get("child_id", 0)))
    if child is None:
        raise ValidationError({"child": "You may no longer export this child's record."})
    tables = child_tables()
    manifest = {
        "child_id": child.pk,
        "la_child_id": child.la_child_id,
        "generated_at": timezone.now(),
        "requested_by": user.username,
        "tables": [],
    }
    total = 0
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, table in enumerate(tables, start=1):
            rows = [_row(obj) for obj in table.rows(child.pk).iterator(chunk_size=1000)]
            name = f"tables/{table.label}.json"
            archive.writestr(name, json.dumps(rows, cls=DjangoJSONEncoder, indent=1))
            manifest["tables"].append(
                {
                    "table": table.model._meta.db_table,
                    "model": table.label,
                    "verbose_name": str(table.model._meta.verbose_name),
                    "file": name,
                    "rows": len(rows),
                    "linked_by": list(table.paths),
                }
            )
            total += len(rows)
            if progress is not None:
                progress(min(99, done * 100 // len(tables)))
        manifest["total_rows"] = total
        archive.writestr("manifest.json", json.dumps(manifest, cls=DjangoJSONEncoder, indent=1))
    filename = f"subject-access-{child.la_child_id or child.pk}-{timezone.localdate():%Y-%m-%d}.zip"
    return ExportFile(filename.replace("/", "-"), CONTENT_TYPES["zip"], buffer.getvalue(), total)


# ---------------------------------------------------------------------------------------
# Asking for it (write)


@transaction.atomic
def subject_access_export_request(*, request: HttpRequest, requested_by: User, child: Child):
    """Record the export job, log the request as an EXPORT of the child (the access log
    middleware writes a POST as a CHANGE), and enqueue the job after commit."""
    from apps.performance.models import ExportFormat, ExportJob, ExportKind
    from apps.performance.tasks import enqueue_export

    if subject_access_child(user=requested_by, child_id=child.pk) is None:
        raise ValidationError({"child": "You may not export this child's record."})
    job = ExportJob(
        requested_by=requested_by,
        kind=ExportKind.SUBJECT_ACCESS,
        file_format=ExportFormat.ZIP,
        params={"child_id": child.pk},
    )
    job.full_clean()
    job.save()
    AccessEvent.objects.create(
        user=requested_by,
        username=requested_by.username,
        role=requested_by.role,
        organisation_id=requested_by.organisation_id,
        action=Action.EXPORT,
        outcome=Outcome.ALLOWED,
        status_code=202,
        method=request.method[:8],
        path=request.path[:500],
        view_name="subject-access-export-request",
        object_id=str(job.pk),
        child_id=child.pk,
        ip_address=client_address(request),
    )
    enqueue_export(job.pk)
    return job
