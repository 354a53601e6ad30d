"""Answers for requests that must not become a 500 (issue 17, finding 11).

- A NUL character in a query string or form reaches PostgreSQL as a string literal it refuses
  (``ValueError``): every such request is a 400 before any view runs. Django's and DRF's form
  fields already refuse NUL; query-string filters and searches did not.
- When the database is unreachable, the API answers JSON 503 with Retry-After and pages a
  plain 503 page, instead of Django's HTML 500 (the error page must not touch the database:
  no user, no session)."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

RETRY_AFTER_SECONDS = 30


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    if any(
        "\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values
    ):
        return True
    # Only urlencoded forms: reading a multipart body here would receive a whole upload
    # before the view could refuse it for its size; Django's and DRF's form fields refuse NUL
    # in multipart text fields themselves.
    if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        return any(
            "\x00" in key or "\x00" in value
            for key, values in request.POST.lists()
            for value in values
        )
    return False


class RejectNullCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            message = "Remove the null character (%00) from the address or the form."
            if _is_api(request):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponse(render_to_string("400.html", {"message": message}), status=400)
        return self.get_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called while the exception is being handled, so sys.exc_info() has it."""
    error = sys.exc_info()[1]
    database_down = isinstance(error, OperationalError | InterfaceError)
    status = 503 if database_down else 500
    if _is_api(request):
        detail = (
            "The service is temporarily unavailable. Try again shortly."
            if database_down
            else "Sorry, there is a problem with the service. Nothing saved before has been lost."
        )
        response = JsonResponse({"detail": detail}, status=status)
    else:
        template = "503.html" if database_down else "500.html"
        response = HttpResponse(render_to_string(template), status=status)
    if database_down:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """handler404: JSON under /api/, the service's 404 page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)
