"""API for breach attribution proposals between the two agencies (issue 13). A proposal is
made by ``POST /api/v1/assessments/{id}/override-breach/`` when it charges the other agency;
here it is listed, answered and withdrawn."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.assessments import proposal_services
from apps.assessments.models import BreachProposal
from apps.assessments.rules.proposals import ProposalState
from apps.assessments.selectors import assessments_visible_to


class BreachProposalSerializer(serializers.ModelSerializer):
    proposed_by = serializers.SerializerMethodField()
    answered_by = serializers.SerializerMethodField()

    class Meta:
        model = BreachProposal
        fields = [
            "id",
            "assessment",
            "from_party",
            "party",
            "reason",
            "note",
            "proposed_by",
            "proposed_at",
            "state",
            "answered_by",
            "answered_at",
            "answer_note",
            "version",
        ]
        read_only_fields = fields

    def get_proposed_by(self, proposal) -> str:
        return proposal.proposed_by.get_full_name() or proposal.proposed_by.username

    def get_answered_by(self, proposal) -> str | None:
        user = proposal.answered_by
        return (user.get_full_name() or user.username) if user else None


class AnswerInput(serializers.Serializer):
    agree = serializers.BooleanField(help_text="true to agree, false to dispute")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, min_value=1)


class WithdrawInput(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1)


class ProposalFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=[(s.value, s.value) for s in ProposalState])

    class Meta:
        model = BreachProposal
        fields = ["state", "assessment"]


class BreachProposalViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = BreachProposalSerializer
    filterset_class = ProposalFilter
    access_record_model = BreachProposal

    def get_queryset(self):
        return BreachProposal.objects.filter(
            assessment__in=assessments_visible_to(self.request.user).values("pk")
        ).select_related("proposed_by", "answered_by")

    @extend_schema(request=AnswerInput, responses=BreachProposalSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk=None) -> Response:
        proposal = self.get_object()
        data = AnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        answered = proposal_services.proposal_answer(
            proposal=proposal,
            agree=data.validated_data["agree"],
            note=data.validated_data["note"],
            answered_by=request.user,
            expected_version=data.validated_data.get("version"),
        )
        return Response(BreachProposalSerializer(self.get_queryset().get(pk=answered.pk)).data)

    @extend_schema(request=WithdrawInput, responses=BreachProposalSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk=None) -> Response:
        proposal = self.get_object()
        data = WithdrawInput(data=request.data)
        data.is_valid(raise_exception=True)
        withdrawn = proposal_services.proposal_withdraw(
            proposal=proposal,
            withdrawn_by=request.user,
            expected_version=data.validated_data.get("version"),
        )
        return Response(BreachProposalSerializer(self.get_queryset().get(pk=withdrawn.pk)).data)
