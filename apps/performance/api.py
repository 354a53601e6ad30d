"""API of the reports: the same selectors and checks as the pages, so the figures agree."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.performance.selectors import breach_report, reporting_authorities_for, scorecard
from apps.performance.serializers import BreachQuery, BreachReportOut, ScorecardOut, ScorecardQuery

_NOT_FOUND = OpenApiResponse(description="Your role does not see performance reports.")
_BAD_INPUT = OpenApiResponse(description="A parameter is invalid; the body names it.")


class _ReportView(APIView):
    query_class = ScorecardQuery

    def params(self, request: Request):
        # 404 rather than 403 for a role without reports, as for a record one may not see.
        authorities = reporting_authorities_for(request.user)
        if not authorities:
            raise NotFound()
        query = self.query_class(
            data=request.query_params,
            context={"authorities": authorities, "today": timezone.localdate()},
        )
        query.is_valid(raise_exception=True)
        return query.validated_data["params"]


class ScorecardView(_ReportView):
    """The monthly scorecard (DOMAIN.md 8): every KPI with numerator, denominator, result,
    RAG, target and floor, the previous month, the same month last year, direction of travel
    and the UASC effect; optionally broken down."""

    query_class = ScorecardQuery

    @extend_schema(
        operation_id="scorecard",
        parameters=[ScorecardQuery],
        responses={200: ScorecardOut, 400: _BAD_INPUT, 404: _NOT_FOUND},
        tags=["performance"],
    )
    def get(self, request: Request) -> Response:
        params = self.params(request)
        card = scorecard(
            local_authority=params.local_authority,
            month=params.month,
            uasc=params.uasc,
            breakdown=params.breakdown,
        )
        return Response(ScorecardOut(card).data)


class BreachReportView(_ReportView):
    """The quarterly breach report in the published Kent format: per quarter and for the
    financial year, assessments requiring completion, within timescale, compliance %,
    breaches charged to the LA and to health (and of those, with no reason given); RHAs
    split 0-5 / 5-18."""

    query_class = BreachQuery

    @extend_schema(
        operation_id="breach_report",
        parameters=[BreachQuery],
        responses={200: BreachReportOut, 400: _BAD_INPUT, 404: _NOT_FOUND},
        tags=["performance"],
    )
    def get(self, request: Request) -> Response:
        params = self.params(request)
        report = breach_report(
            local_authority=params.local_authority, year=params.year, provider=params.provider
        )
        return Response(BreachReportOut(report).data)
