"""Export jobs: a long list prepared by a worker, its progress and its download."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.models import Organisation
from apps.performance.models import ExportJob, ExportStatus
from apps.performance.services import export_job_fetch, export_job_request
from apps.performance.views.base import reporting_page


@require_POST
@reporting_page
def export_create(request: HttpRequest, authorities: list[Organisation]) -> HttpResponse:
    params = {
        key: value
        for key, value in request.POST.items()
        if key not in {"csrfmiddlewaretoken", "kind", "file_format"}
    }
    try:
        job = export_job_request(
            requested_by=request.user,
            kind=request.POST.get("kind", ""),
            file_format=request.POST.get("file_format", ""),
            params=params,
        )
    except ValidationError as error:
        return render(
            request,
            "performance/export_invalid.html",
            {
                "errors": error.message_dict
                if hasattr(error, "error_dict")
                else {"": error.messages}
            },
            status=400,
        )
    return redirect("performance-export", job_id=job.pk)


def _own_job(request: HttpRequest, job_id) -> ExportJob:
    # Someone else's export is a 404: its existence is not theirs to know.
    return get_object_or_404(
        ExportJob.objects.defer("content"), pk=job_id, requested_by=request.user
    )


@require_GET
@reporting_page
def export_status(request: HttpRequest, authorities: list[Organisation], job_id) -> HttpResponse:
    job = _own_job(request, job_id)
    return render(request, "performance/export.html", {"job": job, "statuses": ExportStatus})


@require_GET
@reporting_page
def export_progress(request: HttpRequest, authorities: list[Organisation], job_id) -> HttpResponse:
    """The progress panel alone, polled by htmx while the job runs."""
    job = _own_job(request, job_id)
    return render(
        request, "performance/_export_progress.html", {"job": job, "statuses": ExportStatus}
    )


@require_GET
@reporting_page
def export_download(request: HttpRequest, authorities: list[Organisation], job_id) -> HttpResponse:
    job = _own_job(request, job_id)
    try:
        download = export_job_fetch(job=job, user=request.user)
    except ValidationError:
        return redirect("performance-export", job_id=job.pk)
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    return response
