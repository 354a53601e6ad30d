"""Children and their periods of care (DOMAIN.md sections 2, 6 and 10)."""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from apps.core.codes import Ethnicity, LegalStatus, ReasonEpisodeCeased, Sex
from apps.core.models_base import TimestampedModel
from apps.core.validators import (
    EARLIEST_CARE_DATE,
    EARLIEST_DATE_OF_BIRTH,
    validate_care_date,
    validate_date_of_birth,
    validate_plain_text,
    validate_reference,
)

# SSDA903 UPN: a letter (not I, O or S), 11 digits and a digit or letter; or, when the UPN is
# not known, the DfE's reason codes UN1-UN5.
UPN_REGEX = r"^([A-HJ-NP-RT-Z][0-9]{11}[0-9A-Z]|UN[1-5])$"


class CategoryOfNeed(models.TextChoices):
    """SSDA903 CIN: the main reason the child is looked after, fixed for a period of care."""

    N1 = "N1", "Abuse or neglect"
    N2 = "N2", "Child's disability"
    N3 = "N3", "Parental illness or disability"
    N4 = "N4", "Family in acute stress"
    N5 = "N5", "Family dysfunction"
    N6 = "N6", "Socially unacceptable behaviour"
    N7 = "N7", "Low income"
    N8 = "N8", "Absent parenting"


class ReasonNewEpisode(models.TextChoices):
    """SSDA903 RNE. A period of care we record from its start begins with S; a period imported
    part-way (its start is in an earlier year's return) keeps the code of its first episode."""

    S = "S", "Started to be looked after"
    L = "L", "Change of legal status only"
    P = "P", "Change of placement and carer(s) only"
    T = "T", "Change of placement only, same carer(s)"
    U = "U", "Change of legal status and placement, same carer(s)"
    B = "B", "Change of legal status, placement and carer(s)"


class Child(TimestampedModel):
    responsible_la = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="children",
        limit_choices_to={"kind": "LA"},
        help_text="The local authority that looks after the child and requests assessments.",
    )
    # The responsible LA's own reference (SSDA903 CHILD), unique within that LA.
    la_child_id = models.CharField(
        "LA child reference", max_length=10, validators=[validate_reference]
    )
    first_name = models.CharField(max_length=100, validators=[validate_plain_text])
    last_name = models.CharField(max_length=100, validators=[validate_plain_text])
    date_of_birth = models.DateField(validators=[validate_date_of_birth])
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
    # A child another LA placed in our area (DOMAIN.md 6): when that LA told us.
    ola_notified_on = models.DateField(
        "date our area was notified of the placement", null=True, blank=True
    )
    # SSDA903 Header and UASC items.
    upn = models.CharField(
        "unique pupil number",
        max_length=13,
        blank=True,
        help_text="The UPN, or UN1-UN5 when it is not known (SSDA903 codes)",
    )
    is_mother = models.BooleanField("is a mother", null=True, blank=True)
    mother_child_dob = models.DateField("date of birth of her first child", null=True, blank=True)
    uasc_ceased_on = models.DateField("date UASC status ceased", null=True, blank=True)
    # Set in the same transaction as any event that moves the child's clocks, cleared by the
    # recompute: a lost Celery message leaves it set, and the nightly sweep catches up.
    clocks_stale_since = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["clocks_stale_since"])

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name_plural = "children"
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_birth__gte=EARLIEST_DATE_OF_BIRTH),
                name="child_born_after_1900",
                violation_error_message="Date of birth must be on or after 1 January 1900.",
            ),
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
            models.CheckConstraint(
                condition=Q(upn="") | Q(upn__regex=UPN_REGEX), name="child_upn_format"
            ),
            models.CheckConstraint(
                condition=~Q(is_mother=True) | Q(sex=Sex.FEMALE), name="child_mother_is_female"
            ),
            # Only a mother has a first child's date of birth (SSDA903 MC_DOB).
            models.CheckConstraint(
                condition=Q(mother_child_dob__isnull=True)
                | Q(is_mother=True, mother_child_dob__gt=F("date_of_birth")),
                name="child_mother_child_dob_needs_mother",
            ),
            models.CheckConstraint(
                condition=Q(uasc_ceased_on__isnull=True)
                | Q(is_uasc=True, uasc_ceased_on__gte=F("date_of_birth")),
                name="child_uasc_ceased_needs_uasc",
            ),
        ]
        indexes = [
            models.Index(fields=["team"]),
            models.Index(fields=["date_of_birth"]),
            # Issue 18: the child list in name order, of an LA's or a team's children or of
            # everyone's (a provider's scope probes each row), read in order, not sorted.
            models.Index(
                fields=["responsible_la", "last_name", "first_name", "id"], name="child_la_by_name"
            ),
            models.Index(
                fields=["team", "last_name", "first_name", "id"], name="child_team_by_name"
            ),
            models.Index(fields=["last_name", "first_name", "id"], name="child_by_name"),
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
    start_date = models.DateField("date became looked after", validators=[validate_care_date])
    legal_status = models.CharField(max_length=2, choices=LegalStatus.choices)
    end_date = models.DateField("date ceased to be looked after", null=True, blank=True)
    reason_end = models.CharField(
        "reason ceased", max_length=3, choices=ReasonEpisodeCeased.choices, blank=True
    )
    category_of_need = models.CharField(
        max_length=2, choices=CategoryOfNeed.choices, blank=True, help_text="SSDA903 CIN"
    )
    # S: start_date is the date the child became looked after. Anything else: the period was
    # imported from a return that holds only its later episodes, so start_date is the start of
    # the earliest episode on record, not the entry to care.
    reason_new_episode = models.CharField(
        "reason for the first episode on record",
        max_length=1,
        choices=ReasonNewEpisode.choices,
        default=ReasonNewEpisode.S,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "start_date"]
        verbose_name_plural = "periods of care"
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__gte=EARLIEST_CARE_DATE),
                name="period_starts_within_calendar",
                violation_error_message="The date must be on or after 1 January 1950.",
            ),
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
            models.CheckConstraint(
                condition=Q(category_of_need="") | Q(category_of_need__in=CategoryOfNeed.values),
                name="period_category_of_need_valid",
            ),
            models.CheckConstraint(
                condition=Q(reason_new_episode__in=ReasonNewEpisode.values),
                name="period_reason_new_episode_valid",
            ),
        ]
        indexes = [models.Index(fields=["start_date"]), models.Index(fields=["end_date"])]

    def __str__(self) -> str:
        end = f"{self.end_date:%d/%m/%Y}" if self.end_date else "now"
        return f"{self.child}: {self.start_date:%d/%m/%Y} to {end}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None


class LegalStatusChange(TimestampedModel):
    """A change of legal status within a period of care (SSDA903 episode with RNE L, T or B).
    The period's own legal_status is the status at entry; each change applies from its
    start_date until the next change or the end of the period."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="legal_status_changes")
    period_of_care = models.ForeignKey(
        PeriodOfCare, on_delete=models.PROTECT, related_name="legal_status_changes"
    )
    start_date = models.DateField()
    legal_status = models.CharField(max_length=2, choices=LegalStatus.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["period_of_care", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["period_of_care", "start_date"], name="one_legal_status_change_per_day"
            ),
            models.CheckConstraint(
                condition=Q(legal_status__in=LegalStatus.values),
                name="legal_status_change_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child}: {self.legal_status} from {self.start_date:%d/%m/%Y}"


class AnnualOutcome(TimestampedModel):
    """Outcomes for the year to 31 March that the DfE asks about children looked after
    continuously for 12 months (SSDA903 OC2) and that no other record holds: convictions
    and substance misuse. Unknown is None, and is exported blank."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="annual_outcomes")
    year_ending = models.DateField(help_text="31 March at the end of the collection year")
    convicted = models.BooleanField(null=True, blank=True)
    substance_misuse = models.BooleanField(
        "substance misuse problem identified", null=True, blank=True
    )
    intervention_received = models.BooleanField(null=True, blank=True)
    intervention_offered = models.BooleanField(null=True, blank=True)
    # The health items of the OC2 row as an imported return gave them. They stand in for
    # the health records only where we hold none for the year (a child whose health history
    # is not recorded here): the export takes our records first, so an import never
    # overrides a check recorded here, and an import of our own export changes nothing.
    reported_sdq_score = models.PositiveSmallIntegerField(
        "SDQ score as returned", null=True, blank=True
    )
    reported_sdq_reason = models.CharField(
        "reason for no SDQ as returned", max_length=4, blank=True
    )
    reported_health_check = models.BooleanField(
        "health check up to date (under 5) as returned", null=True, blank=True
    )
    reported_immunisations = models.BooleanField(
        "immunisations up to date as returned", null=True, blank=True
    )
    reported_teeth_check = models.BooleanField("teeth checked as returned", null=True, blank=True)
    reported_health_assessment = models.BooleanField(
        "health assessment in the year as returned", null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "-year_ending"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_sdq_score__isnull=True) | Q(reported_sdq_score__lte=40),
                name="annual_outcome_sdq_score_0_to_40",
            ),
            models.CheckConstraint(
                condition=Q(reported_sdq_score__isnull=True) | Q(reported_sdq_reason=""),
                name="annual_outcome_sdq_score_or_reason",
            ),
            models.UniqueConstraint(
                fields=["child", "year_ending"], name="one_annual_outcome_per_year"
            ),
            models.CheckConstraint(
                condition=Q(year_ending__month=3, year_ending__day=31),
                name="annual_outcome_year_ends_31_march",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child}: year to {self.year_ending:%d/%m/%Y}"


class RetentionReview(models.Model):
    """A record past its retention date, waiting for a person to decide (review, extend for
    a legal hold, or arrange destruction outside this app). Never created early; the app
    itself never deletes the record."""

    class Decision(models.TextChoices):
        PENDING = "PENDING", "Awaiting review"
        RETAIN = "RETAIN", "Retain (legal hold or other reason)"
        DESTROY = "DESTROY", "Approved for destruction"

    child = models.OneToOneField(Child, on_delete=models.PROTECT, related_name="retention_review")
    retain_until = models.DateField()
    reason = models.CharField(max_length=24)
    identified_on = models.DateField()
    decision = models.CharField(max_length=8, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(identified_on__gte=F("retain_until")), name="retention_never_early"
            )
        ]

    def __str__(self) -> str:
        return f"{self.child} past retention since {self.retain_until:%d/%m/%Y}"


class RelationshipReason(models.TextChoices):
    PROVIDER_REQUEST = "PROVIDER_REQUEST", "A health assessment was requested from this provider"
    PLACED_IN_AREA = "PLACED_IN_AREA", "Placed in this area"


class ChildRelationship(models.Model):
    """Why an organisation outside the child's own LA and team may see the child (issue 18;
    DOMAIN.md 9), as data: a provider the child's assessments were requested from, and the
    LA area of each placement (the provider and commissioner serving that area see it while
    the placement is open). Kept by apps.children.relationships in the transaction that
    changes the facts, and read by the access selector with an index lookup instead of a
    scan of assessments and placements per child. The team and the responsible LA are
    columns of the child itself and need no row."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="relationships")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="child_relationships"
    )
    reason = models.CharField(max_length=20, choices=RelationshipReason.choices)
    # From the first request / the placement's start; to the placement's end (open: null).
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    # A copy of the child's responsible LA, kept by the triggers of children migration 0014
    # (on PostgreSQL; null on SQLite, which reads the rule): so that "another LA's child
    # placed in this area" is a condition on this row alone, read from a small partial
    # index, not a join of every child placed in the area with the children table.
    child_la_id = models.BigIntegerField(null=True, editable=False)

    class Meta:
        indexes = [
            # organisation -> children (the access selector) and child -> organisations
            # (why this user sees this child); only current relationships grant access.
            models.Index(
                fields=["organisation", "reason", "child"],
                condition=Q(ended_on__isnull=True),
                name="relationship_current_by_org",
            ),
            models.Index(
                fields=["child", "organisation", "reason"],
                condition=Q(ended_on__isnull=True),
                name="relationship_current_by_child",
            ),
            # Other LAs' children placed in an area (the provider's and commissioner's
            # "placed here" part): a few rows of each area, not all its placements.
            models.Index(
                fields=["organisation", "child"],
                condition=Q(reason="PLACED_IN_AREA", ended_on__isnull=True)
                & ~Q(organisation=F("child_la_id")),
                name="relationship_placed_away",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.get_reason_display()} {self.organisation_id}"
