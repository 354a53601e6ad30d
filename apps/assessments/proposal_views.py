"""Pages for breach attribution proposals between the two agencies (issue 13)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.access.records import about
from apps.assessments import proposal_services
from apps.assessments.models import BreachProposal
from apps.assessments.rules.proposals import OPEN_STATES, ProposalState, side_of
from apps.assessments.selectors import assessments_visible_to
from apps.core.forms import GovukForm
from apps.core.views_base import form_page


class AnswerForm(GovukForm):
    answer = forms.ChoiceField(
        label="Your answer",
        choices=[
            ("", ""),
            ("agree", "Agree: charge the breach as proposed"),
            ("dispute", "Dispute: keep it where it is"),
        ],
        error_messages={"required": "Choose whether you agree or dispute the proposal."},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when you dispute it: say why",
    )


def _visible(request: HttpRequest):
    return BreachProposal.objects.filter(
        assessment__in=assessments_visible_to(request.user).values("pk")
    ).select_related("assessment__child", "proposed_by", "answered_by")


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    """For the two sides' managers: proposals waiting for their answer, and their own side's
    proposals that are still open."""
    side = side_of(request.user.role)
    if side is None:
        raise Http404("Your role does not attribute breaches.")
    visible = _visible(request)
    waiting = [
        p
        for p in visible.filter(state=ProposalState.PROPOSED, party=side).order_by("proposed_at")
        if p.proposed_by_id != request.user.pk
    ]
    ours = list(
        visible.filter(state__in=OPEN_STATES).exclude(party=side).order_by("-proposed_at")[:100]
    )
    return render(request, "assessments/proposal_list.html", {"waiting": waiting, "ours": ours})


@login_required
@about(BreachProposal)
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(_visible(request), pk=pk)
    may_answer = proposal_services.may_answer_proposal(request.user, proposal)

    def run(data: dict):
        return proposal_services.proposal_answer(
            proposal=proposal,
            agree=data["answer"] == "agree",
            note=data["note"],
            answered_by=request.user,
            expected_version=proposal.version,
        )

    extra = {
        "proposal": proposal,
        "may_answer": may_answer,
        "may_withdraw": proposal_services.may_withdraw_proposal(request.user, proposal),
    }
    if not may_answer:
        if request.method == "POST":
            raise PermissionDenied("You do not answer this proposal.")
        return render(request, "assessments/proposal_detail.html", {**extra, "form": None})
    return form_page(
        request,
        form_class=AnswerForm,
        title="Answer the proposal",
        run=run,
        success_url=reverse("breach-proposal", args=[proposal.pk]),
        success_message="Answer recorded. The proposer has been told.",
        back_url=reverse("breach-proposals"),
        submit_label="Send answer",
        template="assessments/proposal_detail.html",
        extra=extra,
    )


@login_required
@require_POST
@about(BreachProposal)
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(_visible(request), pk=pk)
    proposal_services.proposal_withdraw(
        proposal=proposal, withdrawn_by=request.user, expected_version=proposal.version
    )
    messages.success(request, "Proposal withdrawn. The breach stays where it was.")
    return redirect("assessment-detail", proposal.assessment_id)
