"""A child's adoption case: the milestones of the adoption route and the adoption medical
adviser's work items (DOMAIN.md 7). The order of the milestones is in apps.adoption.rules;
each rule there is also a CheckConstraint here, so a write that slips past the service is
still refused by the database."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from apps.adoption.rules import (
    ADOPTER_LEGAL_STATUSES,
    ADOPTER_SEXES,
    EXCLUSIVE_RULES,
    LEGAL_STATUSES_FOR_SEX,
    NOTES,
    ORDER_RULES,
    PLAN_CHANGE_REASONS,
    STAGE_LABELS,
    WORK_ITEM_STATUSES,
    case_stage,
    number_of_adopters,
    retain_until,
)
from apps.core.models_base import TimestampedModel


def _order_constraint(rule) -> models.CheckConstraint:
    later_missing = Q(**{f"{rule.later}__isnull": True})
    in_order = Q(**{f"{rule.later}__gte": F(rule.earlier)})
    if rule.required:
        condition = later_missing | (Q(**{f"{rule.earlier}__isnull": False}) & in_order)
    else:
        condition = later_missing | Q(**{f"{rule.earlier}__isnull": True}) | in_order
    return models.CheckConstraint(condition=condition, name=rule.constraint_name)


def _exclusive_constraint(rule) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{rule.field}__isnull": True}) | Q(**{f"{rule.other}__isnull": True}),
        name=rule.constraint_name,
    )


def _note_constraint(field: str, note: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True, note: ""})
        | (Q(**{f"{field}__isnull": False}) & ~Q(**{note: ""})),
        name=f"adoption_{field}_has_note",
    )


def _any(conditions) -> Q:
    combined = Q()
    for condition in conditions:
        combined |= condition
    return combined


class AdoptionCase(TimestampedModel):
    """One per child. The entry to care is not stored here: it is the start of the period
    of care (apps.children.models.PeriodOfCare) during which a milestone happened."""

    child = models.OneToOneField(
        "children.Child", on_delete=models.PROTECT, related_name="adoption_case"
    )
    adoption_plan_on = models.DateField("date adoption became the plan", null=True, blank=True)
    adm_decision_on = models.DateField(
        "date of the agency decision maker's decision",
        null=True,
        blank=True,
        help_text="The ADM's decision that the child should be placed for adoption",
    )
    placement_order_on = models.DateField("date of the placement order", null=True, blank=True)
    match_decision_on = models.DateField("date of the match decision", null=True, blank=True)
    moved_in_on = models.DateField("date placed with adopters (moved in)", null=True, blank=True)
    adoption_order_on = models.DateField("date of the adoption order", null=True, blank=True)
    disruption_on = models.DateField("date the placement disrupted", null=True, blank=True)
    disruption_note = models.CharField(max_length=1000, blank=True)
    plan_changed_on = models.DateField(
        "date the plan changed away from adoption", null=True, blank=True
    )
    plan_changed_note = models.CharField(max_length=1000, blank=True)
    plan_changed_reason = models.CharField(
        "why the plan changed",
        max_length=3,
        choices=list(PLAN_CHANGE_REASONS.items()),
        blank=True,
        help_text="SSDA903 REASON_PLACED_CEASED",
    )
    # The adopters, known from the match (SSDA903 AD1; the number of adopters follows from
    # who is adopting).
    adopters_sex = models.CharField(
        "who is adopting",
        max_length=2,
        choices=list(ADOPTER_SEXES.items()),
        blank=True,
        help_text="SSDA903 SEX_ADOPTR",
    )
    adopters_legal_status = models.CharField(
        "the adopters' legal status",
        max_length=3,
        choices=list(ADOPTER_LEGAL_STATUSES.items()),
        blank=True,
        help_text="SSDA903 LS_ADOPTR",
    )
    adopted_by_foster_carers = models.BooleanField(
        "adopted by the child's foster carers",
        null=True,
        blank=True,
        help_text="SSDA903 FOSTER_CARE",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["child__last_name", "child__first_name", "id"]
        constraints = [
            *(_order_constraint(rule) for rule in ORDER_RULES),
            *(_exclusive_constraint(rule) for rule in EXCLUSIVE_RULES),
            *(_note_constraint(field, note) for field, note in NOTES.items()),
            models.CheckConstraint(
                condition=Q(plan_changed_on__isnull=True, plan_changed_reason="")
                | (
                    Q(plan_changed_on__isnull=False)
                    & Q(plan_changed_reason__in=PLAN_CHANGE_REASONS)
                ),
                name="adoption_plan_changed_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(match_decision_on__isnull=False)
                | Q(
                    adopters_sex="", adopters_legal_status="", adopted_by_foster_carers__isnull=True
                ),
                name="adoption_adopters_need_match",
            ),
            models.CheckConstraint(
                condition=Q(adopters_sex="")
                | Q(adopters_legal_status="")
                | _any(
                    Q(adopters_sex=sex, adopters_legal_status__in=sorted(statuses))
                    for sex, statuses in LEGAL_STATUSES_FOR_SEX.items()
                ),
                name="adoption_adopters_legal_status_fits",
            ),
        ]
        indexes = [
            models.Index(fields=["moved_in_on"]),
            models.Index(fields=["match_decision_on"]),
        ]

    def __str__(self) -> str:
        return f"Adoption case of {self.child}"

    @property
    def stage(self) -> str:
        return case_stage(vars(self))

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]

    @property
    def number_of_adopters(self) -> int | None:
        return number_of_adopters(self.adopters_sex)

    @property
    def retain_until(self):
        return retain_until(self.adoption_order_on)


class WorkItemKind(models.TextChoices):
    CHILD_HEALTH_REPORT = "CHILD_HEALTH_REPORT", "Child's health report"
    PERMANENCE_REPORT_HEALTH_SUMMARY = (
        "PERMANENCE_REPORT_HEALTH_SUMMARY",
        "Health summary for the child's permanence report",
    )
    PARENTS_HEALTH = "PARENTS_HEALTH", "Birth parents' health"
    PROSPECTIVE_ADOPTER_HEALTH_REPORT = (
        "PROSPECTIVE_ADOPTER_HEALTH_REPORT",
        "Prospective adopter's health report",
    )


# Kinds of which a case has at most one open request at a time; a prospective adopter's
# report is per adopter, so a couple has two open at once.
ONE_OPEN_KINDS = [
    WorkItemKind.CHILD_HEALTH_REPORT,
    WorkItemKind.PERMANENCE_REPORT_HEALTH_SUMMARY,
    WorkItemKind.PARENTS_HEALTH,
]
WORK_ITEM_STATUS_CHOICES = [(s.value, s.value.capitalize()) for s in WORK_ITEM_STATUSES]


class AdoptionWorkItem(TimestampedModel):
    """A piece of the adoption medical adviser's work, requested by the child's team. The
    status is not stored: it follows from the dates and today (selectors.with_status)."""

    case = models.ForeignKey(AdoptionCase, on_delete=models.PROTECT, related_name="work_items")
    kind = models.CharField(max_length=40, choices=WorkItemKind.choices)
    note = models.CharField(
        max_length=500, blank=True, help_text="For example, which prospective adopter"
    )
    requested_on = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Set at the request from the LA's policy in force on the request date.
    due_date = models.DateField()
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="adoption_work_items",
        help_text="The adoption medical adviser",
    )
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=WorkItemKind.values), name="adoption_work_item_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("requested_on")),
                name="adoption_work_item_due_not_before_request",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("requested_on")),
                name="adoption_work_item_completed_not_before_request",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True, completed_by__isnull=True)
                | Q(completed_on__isnull=False, completed_by__isnull=False),
                name="adoption_work_item_completion_has_author",
            ),
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(completed_on__isnull=True, kind__in=ONE_OPEN_KINDS),
                name="adoption_work_item_one_open_per_kind",
            ),
        ]
        indexes = [
            models.Index(
                fields=["assigned_to", "due_date"],
                condition=Q(completed_on__isnull=True),
                name="adoption_open_work_items",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.case.child}"
