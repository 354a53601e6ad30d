"""Writes the access log for every request that touches children's records.

A change and its log entry commit together: the view runs inside a transaction that also
writes the entry, so there is no change without its entry. A request that fails is rolled
back and then logged, on its own, as an error."""

import logging

from django.db import transaction
from django.urls import Resolver404, resolve

from apps.audit.services import access_event_record, classify

logger = logging.getLogger(__name__)


class AccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        spec = classify(request, match)
        if spec is None:
            return self.get_response(request)
        try:
            with transaction.atomic():
                response = self.get_response(request)
                access_event_record(request=request, spec=spec, status_code=response.status_code)
        except Exception:
            access_event_record(request=request, spec=spec, status_code=500)
            raise
        return response
