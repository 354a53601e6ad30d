"""Placements within a period of care (DOMAIN.md section 6), coded as in SSDA903."""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from apps.core.codes import TEMPORARY_PLACEMENTS, PlacementProvider, ReasonPlaceChange
from apps.core.codes import Placement as PlacementType
from apps.core.models_base import TimestampedModel

POSTCODE_DISTRICT_REGEX = r"^[A-Z]{1,2}[0-9][0-9A-Z]?$"
# A full UK postcode, upper case with one space (SSDA903 HOME_POST and PL_POST).
POSTCODE_REGEX = r"^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}$"
# Ofsted unique reference number: digits or SC plus digits; XXXXXXX for regional adoption
# agencies (SSDA903 URN).
URN_REGEX = r"^([0-9]{6,7}|SC[0-9]{6}|XXXXXXX)$"


class Placement(TimestampedModel):
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="placements")
    period_of_care = models.ForeignKey(
        "children.PeriodOfCare", on_delete=models.PROTECT, related_name="placements"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    place = models.CharField("placement type", max_length=2, choices=PlacementType.choices)
    # Blank exactly for temporary placements (T0-T4), which have no provider.
    place_provider = models.CharField(max_length=3, choices=PlacementProvider.choices, blank=True)
    # The local authority area where the child lives; "out of area" when it is not the
    # child's responsible LA.
    area = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="placements_in_area",
        limit_choices_to={"kind": "LA"},
    )
    postcode_district = models.CharField(max_length=4, blank=True)
    carer_name = models.CharField(max_length=200, blank=True)
    # SSDA903 episode items.
    home_postcode = models.CharField(
        "child's home postcode", max_length=8, blank=True, help_text="Full postcode"
    )
    placement_postcode = models.CharField(max_length=8, blank=True, help_text="Full postcode")
    urn = models.CharField("Ofsted URN", max_length=8, blank=True)
    # True when the placement changed with the same carer(s) (903 RNE T, or U with a legal status change).
    same_carer = models.BooleanField("same carer(s) as the previous placement", default=False)
    reason_place_change = models.CharField(
        "reason the placement ended",
        max_length=6,
        choices=ReasonPlaceChange.choices,
        blank=True,
        help_text="When it ended in a change of placement",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(end_date__isnull=True), name="one_open_placement"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="placement_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(place__in=PlacementType.values), name="placement_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(place__in=sorted(TEMPORARY_PLACEMENTS), place_provider="")
                | (
                    ~Q(place__in=sorted(TEMPORARY_PLACEMENTS))
                    & Q(place_provider__in=PlacementProvider.values)
                ),
                name="placement_provider_fits_type",
            ),
            models.CheckConstraint(
                condition=Q(postcode_district="")
                | Q(postcode_district__regex=POSTCODE_DISTRICT_REGEX),
                name="placement_postcode_district_format",
            ),
            models.CheckConstraint(
                condition=Q(home_postcode="") | Q(home_postcode__regex=POSTCODE_REGEX),
                name="placement_home_postcode_format",
            ),
            models.CheckConstraint(
                condition=Q(placement_postcode="") | Q(placement_postcode__regex=POSTCODE_REGEX),
                name="placement_postcode_format",
            ),
            models.CheckConstraint(
                condition=Q(urn="") | Q(urn__regex=URN_REGEX), name="placement_urn_format"
            ),
            models.CheckConstraint(
                condition=Q(reason_place_change="")
                | Q(reason_place_change__in=ReasonPlaceChange.values),
                name="placement_reason_place_change_valid",
            ),
        ]
        indexes = [models.Index(fields=["area", "end_date"]), models.Index(fields=["start_date"])]

    def __str__(self) -> str:
        return f"{self.child}: {self.get_place_display()} from {self.start_date:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None
