"""Correcting the record (issue 13), the one shape every correction and every deletion of a
record entered in error takes, whichever app owns the record:

- the form asks for the reason and carries the version the user loaded;
- the service marks the write (``correction_mark``): django-simple-history keeps it with its
  author and reason, and the child's timeline shows it as "Corrected";
- an edit of a version someone else has changed since is refused (``StaleEdit``: 409 in the
  API) and the page says what changed, from the record's history (``changes_since``);
- a deletion is soft (``SoftDeletable``): the row stays, flagged with who, when and why, and
  the default manager leaves it out of every selector, worklist, clock, KPI and export.

The child, period of care and placement corrections (apps/children/corrections.py) and the
health records' (apps/assessments/corrections.py) both use it."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from apps.core.exceptions import StaleEdit
from apps.core.forms import GovukForm

REASON_MAX_LENGTH = 100  # django-simple-history's history_change_reason is 100 characters
# Bookkeeping columns a person did not change (left out of "what changed").
NOT_CHANGES = {"version", "updated_at", "deleted_at", "deleted_by", "deletion_reason"}


# Soft delete ------------------------------------------------------------------------------


class LiveManager(models.Manager):
    """Rows not deleted as entered in error. The default manager of a SoftDeletable model, so
    every ``Model.objects`` query and every related manager (``child.dental_checks``,
    ``assessment.appointments``, prefetches, subqueries) leaves deleted rows out; a forward
    foreign key still reaches one (the base manager), and ``all_objects`` lists them all."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class SoftDeletable(models.Model):
    deleted_at = models.DateTimeField("deleted (entered in error) at", null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="deleted by",
    )
    deletion_reason = models.CharField(
        "why it was entered in error", max_length=REASON_MAX_LENGTH, blank=True
    )

    objects = LiveManager()
    # The first manager is the default one (the live rows); ruff's DJ012 reads this one,
    # declared second on purpose, as a field out of order.
    all_objects = models.Manager()  # noqa: DJ012

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


def clean_reason(reason: str | None, *, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: "Say why you are making this correction."})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {field: f"The reason must be {REASON_MAX_LENGTH} characters or fewer."}
        )
    return reason


def correction_mark(instance: Any, *, by: Any, reason: str | None) -> bool:
    """A correction is kept in history with its author and reason; it shows on the child's
    timeline as "corrected". ``reason`` None is an update that is not a correction (the
    internal callers); a correction without a reason is refused."""
    if reason is None:
        return False
    instance._change_reason = clean_reason(reason)
    instance._history_user = by
    return True


def soft_delete_mark(instance: Any, *, by: Any, reason: str | None) -> None:
    """Flag a row deleted as entered in error, with who, when and why (the caller saves)."""
    reason = clean_reason(reason)
    if getattr(instance, "deleted_at", None) is not None:
        raise ValidationError({"reason": "This record has already been deleted."})
    instance.deleted_at = timezone.now()
    instance.deleted_by = by
    instance.deletion_reason = reason
    instance._change_reason = reason
    instance._history_user = by


# Words for history ------------------------------------------------------------------------


def field_label(record: Any, field: str) -> str:
    return str(record.instance._meta.get_field(field).verbose_name)


def shown(value: Any) -> str:
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return "blank" if value in (None, "") else str(value)


def who(record: Any) -> str:
    user = record.history_user
    return (user.get_full_name() or user.username) if user else "System"


def changed_fields(record: Any, previous: Any, only: set[str] | None = None) -> str:
    """'held on from 3 January 2026 to 4 January 2026, ...' between two history records
    (``only`` these fields, when given: a record whose other columns the system keeps)."""
    return ", ".join(
        f"{field_label(record, c.field)} from {shown(c.old)} to {shown(c.new)}"
        for c in record.diff_against(previous).changes
        if c.field not in NOT_CHANGES and (only is None or c.field in only)
    )


def changes_since(instance: Any, version: int, only: set[str] | None = None) -> list[str]:
    """What others changed since ``version``, in words ("date of birth from 10 June 2015 to
    11 June 2015, by Sam Jones"), from the record's history (``only`` these fields, when
    given: not the status and deadlines the system works out)."""
    records = list(
        instance.history.filter(version__gt=version)
        .order_by("history_date")
        .select_related("history_user")
    )
    baseline = instance.history.filter(version__lte=version).order_by("-history_date").first()
    found = []
    for record in records:
        if baseline is not None:
            for change in record.diff_against(baseline).changes:
                if change.field in NOT_CHANGES or (only is not None and change.field not in only):
                    continue
                found.append(
                    f"{field_label(record, change.field)} from {shown(change.old)} to "
                    f"{shown(change.new)}, by {who(record)}"
                )
        baseline = record
    return found


# Pages ------------------------------------------------------------------------------------


class CorrectionFields(GovukForm):
    reason = forms.CharField(
        label="Why are you making this correction?",
        max_length=REASON_MAX_LENGTH,
        help_text="Kept in the record's history with your name, for example \"date of birth "
        'mistyped at entry"',
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DeletionForm(GovukForm):
    reason = forms.CharField(
        label="Why was this record entered in error?",
        max_length=REASON_MAX_LENGTH,
        help_text='Kept with your name and shown to auditors, for example "recorded against '
        'the wrong child"',
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def value_of(instance: Any, name: str) -> Any:
    """The form's initial value of a model field (a foreign key by its id)."""
    field = instance._meta.get_field(name)
    if field.is_relation:
        return getattr(instance, field.attname)
    value = getattr(instance, name)
    return "" if value is None else value


def _stale_message(instance: Any, version: int, only: set[str] | None = None) -> str:
    changed = changes_since(instance, version, only)
    return (
        "Someone else changed this record while you were editing it"
        + (f": {'; '.join(changed)}." if changed else ".")
        + " Check your correction against the record as it is now and save it again."
    )


def _with_version(data: Any, version: int) -> Any:
    data = data.copy()
    data["version"] = str(version)
    return data


def correction_page(
    request: HttpRequest,
    *,
    instance: Any,
    form_class: type[forms.Form],
    title: str,
    caption: str,
    back_url: str,
    run: Callable[..., object],
    value: Callable[[Any, str], Any] = value_of,
    form_kwargs: dict | None = None,
    intro: str = "A correction is kept in the record's history with your name and reason; "
    "the child's deadlines are worked out again from the corrected dates.",
    submit_label: str = "Save the correction",
    success_message: str = "Correction saved.",
    watched: set[str] | None = None,
) -> HttpResponse:
    """The edit form of a correction: ``run(data, expected_version=, reason=)`` calls the
    service. 400 with the GOV.UK error on the field; 409 with what changed on a stale one
    (``watched`` fields only, when given)."""
    names = [n for n in form_class.base_fields if n not in {"reason", "version"}]
    initial = {n: value(instance, n) for n in names} | {"version": instance.version}
    data = request.POST.copy() if request.method == "POST" else None
    form = form_class(data, initial=initial, **(form_kwargs or {}))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            cleaned = form.cleaned_data
            try:
                run(
                    {n: cleaned[n] for n in names if n in cleaned},
                    expected_version=cleaned["version"],
                    reason=cleaned["reason"],
                )
            except ValidationError as error:
                form.add_service_error(error)  # type: ignore[attr-defined]
            except StaleEdit as error:
                form.add_error(None, _stale_message(instance, cleaned["version"], watched))
                # The next save is against the version now shown.
                form.data = _with_version(data, error.current_version)
                status = 409
            else:
                messages.success(request, success_message)
                return redirect(back_url)
    return render(
        request,
        "govuk/form_page.html",
        {
            "form": form,
            "title": title,
            "caption": caption,
            "intro": intro,
            "back_url": back_url,
            "submit_label": submit_label,
        },
        status=status,
    )


def deletion_page(
    request: HttpRequest,
    *,
    instance: Any,
    title: str,
    caption: str,
    back_url: str,
    run: Callable[..., object],
    summary: list[tuple[str, str]],
    watched: set[str] | None = None,
) -> HttpResponse:
    """Delete a record entered in error: what it is, why, and the warning that it stays
    visible to auditors. ``run(expected_version=, reason=)`` calls the service."""
    data = request.POST.copy() if request.method == "POST" else None
    form = DeletionForm(data, initial={"version": instance.version})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                run(
                    expected_version=form.cleaned_data["version"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_service_error(error)
            except StaleEdit as error:
                form.add_error(
                    None, _stale_message(instance, form.cleaned_data["version"], watched)
                )
                form.data = _with_version(data, error.current_version)
                status = 409
            else:
                messages.success(request, "Record deleted as entered in error.")
                return redirect(back_url)
    return render(
        request,
        "core/deletion_page.html",
        {
            "form": form,
            "title": title,
            "caption": caption,
            "back_url": back_url,
            "summary": summary,
        },
        status=status,
    )
