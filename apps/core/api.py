"""API plumbing shared by every app: error translation and permissions."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.exceptions import StaleEdit


def validation_error_detail(error: DjangoValidationError) -> dict | list:
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for e in errors for m in e.messages]
            for field, errors in error.error_dict.items()
        }
    return {"non_field_errors": list(error.messages)}


def exception_handler(exc, context):
    """Service errors become the same JSON shapes DRF uses: 400 with the field named, 409 for
    a stale edit, 404 for a record the user may not see."""
    if isinstance(exc, DjangoValidationError):
        return Response(validation_error_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, StaleEdit):
        return Response(
            {"detail": str(exc), "current_version": exc.current_version},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)


def require(condition: bool) -> None:
    """Refuse a write the user's role does not allow on a record they can see (403)."""
    if not condition:
        raise exceptions.PermissionDenied("Your role does not allow this change.")


def correction_reason(request) -> str:
    """The required ``reason`` of a correction (issue 13), as text; the service refuses a
    blank one with a 400 naming the field."""
    reason = request.data.get("reason", "")
    if not isinstance(reason, str):
        raise exceptions.ValidationError({"reason": ["Give the reason as text."]})
    return reason


def split_version(serializer) -> tuple[dict, int | None]:
    """The validated input without the optimistic-concurrency version, and that version."""
    data = dict(serializer.validated_data)
    return data, data.pop("version", None)
