"""KPI definitions, their effective-dated targets and floors, and export jobs (DOMAIN.md 8).

KPIs are data, not code: the name, definition, polarity, period type and the per-LA
targets are edited in the admin. The calculation behind each code lives in
``apps.performance.measures``; a code without a calculation reports "no data".
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from apps.performance.rules import PeriodType, Polarity, Unit


class Kpi(models.Model):
    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    definition = models.TextField(
        help_text="What is counted: the cohort (denominator), the numerator and the window."
    )
    polarity = models.CharField(
        max_length=1,
        choices=[
            (Polarity.HIGHER.value, "Higher is better"),
            (Polarity.LOWER.value, "Lower is better"),
            (Polarity.TARGET.value, "Close to target"),
        ],
    )
    period_type = models.CharField(
        max_length=4,
        choices=[
            (PeriodType.SNAPSHOT.value, "Snapshot at period end"),
            (PeriodType.ROLLING_12_MONTHS.value, "Rolling 12 months"),
            (PeriodType.YEAR_TO_DATE.value, "Year to date (from 1 April)"),
            (PeriodType.QUARTER.value, "Quarter"),
            (PeriodType.MONTH.value, "Month"),
        ],
    )
    unit = models.CharField(
        max_length=8,
        choices=[
            (Unit.PERCENT.value, "Percentage"),
            (Unit.MEAN.value, "Average score"),
            (Unit.DAYS.value, "Average days"),
        ],
        default=Unit.PERCENT,
    )
    activity_only = models.BooleanField(
        default=False, help_text="Reported for information: never given a RAG rating."
    )
    display_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["display_order", "code"]
        verbose_name = "KPI"
        constraints = [
            models.CheckConstraint(
                condition=Q(polarity__in=[p.value for p in Polarity]), name="kpi_polarity_valid"
            ),
            models.CheckConstraint(
                condition=Q(period_type__in=[p.value for p in PeriodType]),
                name="kpi_period_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(unit__in=[u.value for u in Unit]), name="kpi_unit_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"


class KpiTarget(models.Model):
    """A KPI's target and floor from a date, for one LA or (no LA) the shipped default for
    every LA without its own. The record in force on a month's reporting date applies."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="targets")
    local_authority = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="kpi_targets",
        null=True,
        blank=True,
        limit_choices_to={"kind": "LA"},
        help_text="Leave blank for the default used by every LA without its own target.",
    )
    effective_from = models.DateField()
    target = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    floor = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi", "local_authority", "-effective_from"]
        verbose_name = "KPI target"
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "local_authority", "effective_from"],
                condition=Q(local_authority__isnull=False),
                name="one_kpi_target_per_la_per_date",
            ),
            # NULLs are distinct in a plain unique index: the default needs its own.
            models.UniqueConstraint(
                fields=["kpi", "effective_from"],
                condition=Q(local_authority__isnull=True),
                name="one_default_kpi_target_per_date",
            ),
            models.CheckConstraint(
                condition=Q(floor__isnull=True) | Q(target__isnull=False),
                name="kpi_floor_needs_target",
            ),
        ]

    def __str__(self) -> str:
        where = self.local_authority or "Default"
        return f"{self.kpi.code} ({where}) from {self.effective_from:%d/%m/%Y}"

    def clean(self) -> None:
        # The floor is on the worse side of the target; which side depends on the polarity,
        # which lives on another table, so this is checked here rather than in the database.
        if self.target is None or self.floor is None or not self.kpi_id:
            return
        polarity = self.kpi.polarity
        if polarity == Polarity.HIGHER and self.floor > self.target:
            raise ValidationError(
                {"floor": "For a higher-is-better KPI the floor is below the target."}
            )
        if polarity == Polarity.LOWER and self.floor < self.target:
            raise ValidationError(
                {"floor": "For a lower-is-better KPI the floor is above the target."}
            )


class ExportKind(models.TextChoices):
    SCORECARD = "SCORECARD", "Scorecard"
    BREACHES = "BREACHES", "Quarterly breach report"
    DRILLDOWN = "DRILLDOWN", "Children behind a figure"
    BREACH_DRILLDOWN = "BREACH_DRILLDOWN", "Assessments behind a breach figure"
    # Asked for through apps.audit.subject_access only (not the reports' export form).
    SUBJECT_ACCESS = "SUBJECT_ACCESS", "Subject access export of a child's record"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"
    ZIP = "zip", "ZIP of JSON files"


class ExportStatus(models.TextChoices):
    PENDING = "PENDING", "Waiting"
    RUNNING = "RUNNING", "Preparing"
    READY = "READY", "Ready to download"
    FAILED = "FAILED", "Failed"
    FETCHED = "FETCHED", "Downloaded"


class ExportJob(models.Model):
    """A long export prepared by a Celery worker. The file is kept in the database until
    its requester downloads it once, then deleted: exports hold children's data and should
    not linger on disk or in a shared media store."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="export_jobs"
    )
    kind = models.CharField(max_length=20, choices=ExportKind.choices)
    file_format = models.CharField(max_length=4, choices=ExportFormat.choices)
    # The validated query parameters of the page the export was asked from.
    params = models.JSONField(default=dict)
    status = models.CharField(
        max_length=8, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done")
    row_count = models.PositiveIntegerField(null=True, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    error = models.CharField(max_length=500, blank=True)
    # Runs started: a worker killed mid-run leaves the job RUNNING; it is sent again a
    # bounded number of times (requeue_stale_export_jobs), then failed.
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ExportStatus.values), name="export_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="export_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(file_format__in=ExportFormat.values), name="export_format_valid"
            ),
            # A fetched export keeps no file.
            models.CheckConstraint(
                condition=~Q(status=ExportStatus.FETCHED) | Q(content__isnull=True),
                name="export_fetched_has_no_content",
            ),
        ]
        indexes = [models.Index(fields=["requested_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.file_format}) for {self.requested_by}"


class ScorecardSnapshot(models.Model):
    """The scorecard's figures of one month for one LA, computed once (nightly, or on
    demand) so that the pages read a few hundred rows instead of scanning the population
    per request (issue 18). Derived data: rebuilding a month replaces its figures, and a
    month with no snapshot is computed live (apps.performance.selectors.snapshot)."""

    local_authority = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="scorecard_snapshots",
        limit_choices_to={"kind": "LA"},
    )
    month = models.DateField(help_text="The first day of the month reported.")
    # The day the month's figures are taken on (rules.reporting_date): its last day, or for
    # the month in progress the day before the build. A snapshot is only read for the day
    # it was taken on, so a month snapshotted while in progress is not passed off as the
    # whole month.
    as_at = models.DateField()
    # When the computation started: the figures are those of the rows as they were then.
    computed_at = models.DateTimeField()
    build_ms = models.PositiveIntegerField(default=0, help_text="How long the build took.")

    class Meta:
        ordering = ["local_authority", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "month"], name="one_scorecard_snapshot_per_la_month"
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="scorecard_snapshot_month_is_first_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_authority} {self.month:%Y-%m} as at {self.as_at:%d/%m/%Y}"


class ScorecardFigure(models.Model):
    """One KPI's numerator and denominator in a snapshot: for the whole LA (breakdown "")
    or one breakdown value (a team, a provider, an age band, a legal status), for the
    UASC or the other children. "Including UASC" is the sum of the two rows, so every
    UASC option is read from the same figures."""

    snapshot = models.ForeignKey(
        ScorecardSnapshot, on_delete=models.CASCADE, related_name="figures"
    )
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="+")
    breakdown = models.CharField(max_length=20, blank=True)
    group = models.CharField(max_length=40, blank=True)
    is_uasc = models.BooleanField()
    numerator = models.BigIntegerField()
    denominator = models.PositiveIntegerField()
    window_start = models.DateField()
    window_end = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "kpi", "breakdown", "group", "is_uasc"],
                name="one_scorecard_figure_per_cell",
            ),
            models.CheckConstraint(
                condition=Q(breakdown__in=["", "team", "provider", "age_band", "legal_status"]),
                name="scorecard_figure_breakdown_valid",
            ),
            # The totals have no group; a breakdown's rows always name theirs.
            models.CheckConstraint(
                condition=Q(breakdown="", group="") | (~Q(breakdown="") & ~Q(group="")),
                name="scorecard_figure_group_matches_breakdown",
            ),
        ]

    def __str__(self) -> str:
        where = f"{self.breakdown} {self.group}" if self.breakdown else "total"
        return (
            f"KPI {self.kpi_id}, {where}, UASC {self.is_uasc}: {self.numerator}/{self.denominator}"
        )


class ScorecardChildFacts(models.Model):
    """What the snapshot build needs to know of each of the LA's children, whatever the
    month: the provider of the child's latest assessment request (the provider a
    child-level figure is shown against) and the first day an assessment was held or
    declined (whether the child has an assessment on record by a snapshot date).

    Not a stored table: a temporary table (apps.performance.snapshots.child_facts), filled
    in one pass over the assessments at the start of a build and dropped at its end, so
    that the build's queries join it (a hash join) instead of looking each child up per row.
    The live scorecard and the drill-downs keep their own queries (measures.py); the
    snapshot tests hold the two to the same figures."""

    child = models.OneToOneField(
        "children.Child",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="scorecard_facts",
    )
    latest_provider = models.CharField(max_length=20, null=True)
    first_held_on = models.DateField(null=True)
    first_declined_on = models.DateField(null=True)

    class Meta:
        managed = False
        db_table = "performance_scorecard_child_facts"

    def __str__(self) -> str:
        return f"Scorecard facts of child {self.child_id}"
