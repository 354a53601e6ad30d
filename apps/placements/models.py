"""Placements within a period of care (DOMAIN.md section 6), coded as in SSDA903."""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from apps.core.codes import Placement as PlacementType
from apps.core.codes import PlacementProvider
from apps.core.models_base import TimestampedModel

POSTCODE_DISTRICT_REGEX = r"^[A-Z]{1,2}[0-9][0-9A-Z]?$"


class Placement(TimestampedModel):
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="placements")
    period_of_care = models.ForeignKey(
        "children.PeriodOfCare", on_delete=models.PROTECT, related_name="placements"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    place = models.CharField("placement type", max_length=2, choices=PlacementType.choices)
    place_provider = models.CharField(max_length=3, choices=PlacementProvider.choices)
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
                condition=Q(place_provider__in=PlacementProvider.values),
                name="placement_provider_valid",
            ),
            models.CheckConstraint(
                condition=Q(postcode_district="")
                | Q(postcode_district__regex=POSTCODE_DISTRICT_REGEX),
                name="placement_postcode_district_format",
            ),
        ]
        indexes = [models.Index(fields=["area", "end_date"]), models.Index(fields=["start_date"])]

    def __str__(self) -> str:
        return f"{self.child}: {self.get_place_display()} from {self.start_date:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None
