"""What the reporting pages share: the guard (signed in, with a reporting role) and
the query, file and error helpers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from apps.performance.exports import ExportFile, build_export
from apps.performance.models import ExportFormat
from apps.performance.selectors import (
    reporting_authorities_for,
)

PAGE_SIZE = 100
# Drill-down lists up to this many rows download at once; longer ones are prepared by a
# worker (an export job) so that a request never holds a web worker for minutes.
STREAM_LIMIT = 2000


def reporting_page(view: Callable) -> Callable:
    """Signed in, with a reporting role (else 404, as for a record one may not see); the
    view receives the LAs the user may report on."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        authorities = reporting_authorities_for(request.user)
        if not authorities:
            raise Http404
        return view(request, authorities, *args, **kwargs)

    return wrapper


def _url(name: str, query: dict, **kwargs) -> str:
    return f"{reverse(name, kwargs=kwargs or None)}?{urlencode(query)}"


def _download(
    request: HttpRequest, *, kind: str, file_format: str, params: dict, today: date
) -> HttpResponse:
    """The page's rows as a CSV or XLSX file, built as the export jobs build it."""
    built: ExportFile = build_export(
        kind=kind, file_format=file_format, user=request.user, params=params, today=today
    )
    response = HttpResponse(built.content, content_type=built.content_type)
    response["Content-Disposition"] = f'attachment; filename="{built.filename}"'
    return response


def _requested_format(request: HttpRequest, form) -> str | None:
    """``?format=csv|xlsx`` asks for a file; anything else is an error on the form."""
    file_format = request.GET.get("format")
    if file_format and file_format not in (ExportFormat.CSV, ExportFormat.XLSX):
        form.add_error(None, "Choose a download format of csv or xlsx.")
        return None
    return file_format or None


def _invalid(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    return render(request, template, context, status=400)
