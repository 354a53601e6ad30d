from django.db import models
from simple_history.models import HistoricalRecords

from apps.assessments.models.assessment import PARTY_CHOICES, REASON_CHOICES
from apps.assessments.rules.proposals import PROPOSAL_STATE_LABELS, ProposalState

STATE_CHOICES = [(s.value, PROPOSAL_STATE_LABELS[s]) for s in ProposalState]


class BreachProposal(models.Model):
    """One side's proposal to charge a breach to the other agency, and that agency's answer
    (apps.assessments.rules.proposals). The breach stays charged where it was, and counts
    as disputed, until the proposal is agreed."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="breach_proposals"
    )
    from_party = models.CharField(max_length=12, choices=PARTY_CHOICES)
    party = models.CharField(max_length=12, choices=PARTY_CHOICES)
    reason = models.CharField(max_length=24, choices=REASON_CHOICES, blank=True)
    note = models.TextField()
    proposed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="breach_proposals"
    )
    proposed_at = models.DateTimeField()
    state = models.CharField(max_length=12, choices=STATE_CHOICES, default=ProposalState.PROPOSED)
    answered_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            # At most one open proposal per breach.
            models.UniqueConstraint(
                fields=["assessment"],
                condition=models.Q(state__in=["PROPOSED", "DISPUTED"]),
                name="breach_proposal_one_open",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=[s.value for s in ProposalState]),
                name="breach_proposal_state_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(party=models.F("from_party")),
                name="breach_proposal_moves_the_breach",
            ),
        ]
        indexes = [models.Index(fields=["state", "party"], name="breach_proposal_open")]

    def __str__(self) -> str:
        return f"Proposal to charge A{self.assessment_id} to {self.party} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in {ProposalState.PROPOSED, ProposalState.DISPUTED}
