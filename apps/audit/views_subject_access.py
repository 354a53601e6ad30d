"""Pages and API of the subject-access export (apps.audit.subject_access). Under
/children/<pk>/ so that the access log records each request with the child."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.access.records import about
from apps.audit.subject_access import (
    subject_access_child,
    subject_access_export_request,
    subject_access_jobs,
)
from apps.children.models import Child
from apps.performance.models import ExportJob, ExportStatus
from apps.performance.services import export_job_fetch


def _child_or_404(user, pk: int):
    child = subject_access_child(user=user, child_id=pk)
    if child is None:
        raise Http404
    return child


def _attachment(download) -> HttpResponse:
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    return response


@login_required
@about(Child)
@require_http_methods(["GET", "POST"])
def subject_access_page(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child_or_404(request.user, pk)
    if request.method == "POST":
        subject_access_export_request(request=request, requested_by=request.user, child=child)
        return redirect("child-subject-access", pk=child.pk)
    jobs = subject_access_jobs(user=request.user, child=child)[:20]
    return render(
        request,
        "audit/subject_access.html",
        {"child": child, "jobs": jobs, "statuses": ExportStatus},
    )


@login_required
@about(Child)
def subject_access_download(request: HttpRequest, pk: int, job_id) -> HttpResponse:
    child = _child_or_404(request.user, pk)
    job = subject_access_jobs(user=request.user, child=child).filter(pk=job_id).first()
    if job is None:
        raise Http404
    try:
        download = export_job_fetch(job=job, user=request.user)
    except ValidationError:
        return redirect("child-subject-access", pk=child.pk)
    return _attachment(download)


class SubjectAccessJobOut(serializers.ModelSerializer):
    class Meta:
        model = ExportJob
        fields = [
            "id",
            "status",
            "progress",
            "row_count",
            "filename",
            "error",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
            "fetched_at",
        ]
        read_only_fields = fields


_NOT_FOUND = OpenApiResponse(
    description="Not the auditor of this child's local authority, or no such child."
)


class SubjectAccessRequestsView(APIView):
    """Subject-access exports of one child's whole record (every table, its history and the
    access log entries about the child) as a ZIP of JSON files with a manifest, for the
    data protection officer. Only the auditor of the child's local authority may ask; the
    request and the download are logged as exports of the child."""

    access_record_model = Child  # the access log names the child of the pk

    @extend_schema(
        operation_id="subject_access_requests_list",
        responses={200: SubjectAccessJobOut(many=True), 404: _NOT_FOUND},
        tags=["audit"],
    )
    def get(self, request: Request, pk: int) -> Response:
        child = self._child(request, pk)
        jobs = subject_access_jobs(user=request.user, child=child)
        return Response(SubjectAccessJobOut(jobs, many=True).data)

    @extend_schema(
        operation_id="subject_access_requests_create",
        request=None,
        responses={202: SubjectAccessJobOut, 404: _NOT_FOUND},
        tags=["audit"],
    )
    def post(self, request: Request, pk: int) -> Response:
        child = self._child(request, pk)
        job = subject_access_export_request(request=request, requested_by=request.user, child=child)
        return Response(SubjectAccessJobOut(job).data, status=status.HTTP_202_ACCEPTED)

    @staticmethod
    def _child(request: Request, pk: int):
        child = subject_access_child(user=request.user, child_id=pk)
        if child is None:
            raise NotFound()
        return child


class SubjectAccessDownloadView(APIView):
    """The prepared ZIP, once: the file is deleted when it has been handed over."""

    access_record_model = Child  # the access log names the child of the pk

    @extend_schema(
        operation_id="subject_access_download",
        responses={
            (200, "application/zip"): OpenApiResponse(description="The ZIP."),
            404: _NOT_FOUND,
            409: OpenApiResponse(description="Not ready, or already downloaded."),
        },
        tags=["audit"],
    )
    def get(self, request: Request, pk: int, job_id) -> HttpResponse:
        child = SubjectAccessRequestsView._child(request, pk)
        job = subject_access_jobs(user=request.user, child=child).filter(pk=job_id).first()
        if job is None:
            raise NotFound()
        try:
            download = export_job_fetch(job=job, user=request.user)
        except ValidationError as error:
            return Response({"detail": "; ".join(error.messages)}, status=409)
        return _attachment(download)
