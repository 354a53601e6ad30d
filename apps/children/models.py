"""Children and their periods of care (DOMAIN.md sections 2, 6 and 10)."""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from apps.core.codes import Ethnicity, LegalStatus, ReasonEpisodeCeased, Sex
from apps.core.models_base import TimestampedModel


class Child(TimestampedModel):
    responsible_la = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="children",
        limit_choices_to={"kind": "LA"},
        help_text="The local authority that looks after the child and requests assessments.",
    )
    # The responsible LA's own reference (SSDA903 CHILD), unique within that LA.
    la_child_id = models.CharField("LA child reference", max_length=10)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    nhs_number = models.CharField("NHS number", max_length=10, null=True, blank=True, unique=True)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="children", null=True, blank=True
    )
    allocated_worker = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        related_name="allocated_children",
        null=True,
        blank=True,
    )
    is_uasc = models.BooleanField("unaccompanied asylum-seeking child", default=False)
    uasc_arrival_date = models.DateField("arrival in the UK", null=True, blank=True)
    age_disputed = models.BooleanField(default=False)
    date_of_death = models.DateField(null=True, blank=True)
    # Set in the same transaction as any event that moves the child's clocks, cleared by the
    # recompute: a lost Celery message leaves it set, and the nightly sweep catches up.
    clocks_stale_since = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["clocks_stale_since"])

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name_plural = "children"
        constraints = [
            models.UniqueConstraint(
                fields=["responsible_la", "la_child_id"], name="child_reference_unique_in_la"
            ),
            models.CheckConstraint(
                condition=Q(nhs_number__isnull=True) | Q(nhs_number__regex=r"^[0-9]{10}$"),
                name="child_nhs_number_ten_digits",
            ),
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="child_sex_valid"),
            models.CheckConstraint(
                condition=Q(date_of_death__isnull=True) | Q(date_of_death__gte=F("date_of_birth")),
                name="child_death_not_before_birth",
            ),
            models.CheckConstraint(
                condition=Q(uasc_arrival_date__isnull=True)
                | Q(uasc_arrival_date__gte=F("date_of_birth")),
                name="child_arrival_not_before_birth",
            ),
        ]
        indexes = [
            models.Index(fields=["team"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(
                fields=["clocks_stale_since"],
                condition=Q(clocks_stale_since__isnull=False),
                name="child_clocks_stale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class PeriodOfCare(TimestampedModel):
    """A continuous period of being looked after. Its start is the entry to care that starts
    the IHA clock (903 reason for new episode S); a later period after leaving care starts a
    new clock. Changes of placement or legal status within a period restart nothing."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="periods_of_care")
    start_date = models.DateField("date became looked after")
    legal_status = models.CharField(max_length=2, choices=LegalStatus.choices)
    end_date = models.DateField("date ceased to be looked after", null=True, blank=True)
    reason_end = models.CharField(
        "reason ceased", max_length=3, choices=ReasonEpisodeCeased.choices, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "start_date"]
        verbose_name_plural = "periods of care"
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(end_date__isnull=True), name="one_open_period_of_care"
            ),
            models.UniqueConstraint(fields=["child", "start_date"], name="period_start_unique"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="period_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True, reason_end="")
                | Q(end_date__isnull=False) & ~Q(reason_end=""),
                name="period_end_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(legal_status__in=LegalStatus.values), name="period_legal_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["start_date"]), models.Index(fields=["end_date"])]

    def __str__(self) -> str:
        end = f"{self.end_date:%d/%m/%Y}" if self.end_date else "now"
        return f"{self.child}: {self.start_date:%d/%m/%Y} to {end}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None
