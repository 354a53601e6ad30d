"""Writes for placements. Starting a placement ends the one before it on the same day."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.models import Organisation, OrganisationKind, User
from apps.children.models import Child
from apps.children.services import (
    _lock_child,
    _on_clock_inputs_changed,
    child_create,
    correction_mark,
    period_of_care_open,
    recompute_now,
)
from apps.core import postcodes
from apps.core.codes import TEMPORARY_PLACEMENTS
from apps.core.hooks import CareRecordChange, care_record_changed
from apps.core.services import (
    apply_changes,
    bump_version,
    check_not_future,
    check_version,
    register_constraint_message,
    save_with_constraints,
)
from apps.core.temporal_checks import enforce_placement
from apps.placements.models import Placement

register_constraint_message(
    "one_open_placement", "start_date", "The child already has an open placement."
)
register_constraint_message(
    "placement_provider_fits_type",
    "place_provider",
    "Every placement has a provider except a temporary one (T0 to T4), which has none.",
)
register_constraint_message(
    "placement_end_not_before_start", "end_date", "A placement cannot end before it starts."
)


_CHOOSE_AREA = "Choose the local authority area where the child lives."


def _check_area(area: Organisation | None) -> None:
    if area is None or area.kind != OrganisationKind.LOCAL_AUTHORITY:
        raise ValidationError({"area": _CHOOSE_AREA})


def area_of_postcode(placement_postcode: str) -> tuple[str, Organisation | None]:
    """Where the ONS postcode directory puts a placement postcode, as the DfE's SSDA903
    validator finds it (PL_LA): the area's name, and our local authority with that ONS code
    (None when we hold none). ("", None) when the directory or the postcode is not known."""
    directory = postcodes.directory()
    if directory is None or not placement_postcode:
        return "", None
    point = directory.lookup(placement_postcode)
    if point is None or not point.district:
        return "", None
    code = directory.upper_tier(point.district) or point.district
    name = directory.name(code) or postcodes.COUNTRY_NAMES.get(code[:1], code)
    area = Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY, ons_code=code).first()
    return name, area


def _area_from_postcode(area: Organisation | None, placement_postcode: str) -> Organisation:
    """The placement's area: as given, or found from the full placement postcode when not
    given; a given area that the postcode contradicts is refused, naming both."""
    name, found = area_of_postcode(normalise_postcode(placement_postcode))
    if area is None:
        if found is not None:
            return found
        if name:
            raise ValidationError(
                {
                    "area": f"The placement postcode is in {name}, which is not set up here: "
                    "choose the local authority area where the child lives."
                }
            )
        raise ValidationError({"area": _CHOOSE_AREA})
    if found is not None and area is not None and found.pk != area.pk:
        raise ValidationError(
            {
                "area": f"The placement postcode {normalise_postcode(placement_postcode)} is "
                f"in {found.name}, not {area.name}: choose {found.name}, or check the postcode."
            }
        )
    return area


def _normalise_postcode_district(value: str) -> str:
    return (value or "").replace(" ", "").upper()


def normalise_postcode(value: str) -> str:
    """Upper case with one space before the inward code ("me141xq" -> "ME14 1XQ")."""
    compact = (value or "").replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


@transaction.atomic
def placement_start(
    *,
    child: Child,
    start_date: date,
    place: str,
    place_provider: str,
    area: Organisation | None = None,
    started_by: User,
    postcode_district: str = "",
    carer_name: str = "",
    home_postcode: str = "",
    placement_postcode: str = "",
    urn: str = "",
    same_carer: bool = False,
    previous_reason_place_change: str = "",
) -> Placement:
    """Record a new placement in the child's open period of care. The SSDA903 items are
    optional: full home and placement postcodes, the Ofsted URN, whether the carer(s) stay
    the same (a change of placement type only) and why the previous placement ended. With
    no ``area``, the area is found from the full placement postcode (ONS directory)."""
    child = _lock_child(child)
    placement = placement_open(
        child=child,
        start_date=start_date,
        place=place,
        place_provider=place_provider,
        area=area,
        postcode_district=postcode_district,
        carer_name=carer_name,
        home_postcode=home_postcode,
        placement_postcode=placement_postcode,
        urn=urn,
        same_carer=same_carer,
        previous_reason_place_change=previous_reason_place_change,
    )
    care_record_changed(CareRecordChange.PLACEMENT_STARTED, child=child, placement=placement)
    _on_clock_inputs_changed(child)
    return placement


def placement_open(
    *,
    child: Child,
    start_date: date,
    place: str,
    place_provider: str,
    area: Organisation | None = None,
    postcode_district: str = "",
    carer_name: str = "",
    home_postcode: str = "",
    placement_postcode: str = "",
    urn: str = "",
    same_carer: bool = False,
    previous_reason_place_change: str = "",
) -> Placement:
    """Check and save a new placement of a child already locked (``_lock_child``), ending
    the current one that day, telling no one: the caller fires the care-record hooks once
    for the whole change."""
    period = child.periods_of_care.filter(end_date__isnull=True).first()
    if period is None:
        raise ValidationError(
            {"start_date": "The child is not looked after: record the entry to care first."}
        )
    check_not_future("start_date", start_date, "The placement start date")
    enforce_placement(Placement(start_date=start_date), period, {"start_date"})
    area = _area_from_postcode(area, placement_postcode)
    _check_area(area)
    _check_provider(place, place_provider)
    previous = (
        Placement.objects.select_for_update().filter(child=child, end_date__isnull=True).first()
    )
    if previous is not None:
        if start_date < previous.start_date:
            raise ValidationError(
                {
                    "start_date": f"The new placement cannot start before the current one ({previous.start_date:%d/%m/%Y})."
                }
            )
        if start_date == previous.start_date:
            # It would leave a placement of no days; a same-day change is a correction.
            raise ValidationError(
                {
                    "start_date": f"The current placement started on {start_date:%d/%m/%Y}: "
                    "correct its details instead of starting another the same day."
                }
            )
        previous.end_date = start_date
        if previous_reason_place_change:
            previous.reason_place_change = previous_reason_place_change
        bump_version(previous)
        save_with_constraints(previous)
    elif Placement.objects.filter(child=child, end_date__gt=start_date).exists():
        raise ValidationError({"start_date": "Placements cannot overlap."})
    placement = Placement(
        child=child,
        period_of_care=period,
        start_date=start_date,
        place=place,
        place_provider=place_provider,
        area=area,
        postcode_district=_normalise_postcode_district(postcode_district),
        carer_name=carer_name.strip(),
        home_postcode=normalise_postcode(home_postcode),
        placement_postcode=normalise_postcode(placement_postcode),
        urn=urn.strip().upper(),
        same_carer=same_carer,
    )
    save_with_constraints(placement)
    return placement


def _check_provider(place: str, place_provider: str) -> None:
    """Every placement has a provider except a temporary one (T0-T4), which has none."""
    if place in TEMPORARY_PLACEMENTS and place_provider:
        raise ValidationError(
            {
                "place_provider": "A temporary placement (T0 to T4) has no placement provider: "
                "leave it blank."
            }
        )
    if place not in TEMPORARY_PLACEMENTS and not place_provider:
        raise ValidationError({"place_provider": "Choose the placement provider."})


@transaction.atomic
def placement_update(
    *,
    placement: Placement,
    updated_by: User,
    data: dict[str, Any],
    expected_version: int | None = None,
    reason: str | None = None,
) -> Placement:
    """Correct a placement's details (type, provider, area, carer, a mistyped start)."""
    _lock_child(placement.child)
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    check_version(placement, expected_version)
    corrected = correction_mark(placement, by=updated_by, reason=reason)
    if "end_date" in data:
        raise ValidationError({"end_date": "Use the end action, or start the next placement."})
    if "postcode_district" in data:
        data = {
            **data,
            "postcode_district": _normalise_postcode_district(data["postcode_district"]),
        }
    for field in ("home_postcode", "placement_postcode"):
        if field in data:
            data = {**data, field: normalise_postcode(data[field])}
    changed = apply_changes(
        placement,
        data,
        {
            "start_date",
            "place",
            "place_provider",
            "area",
            "postcode_district",
            "carer_name",
            "home_postcode",
            "placement_postcode",
            "urn",
            "same_carer",
            "reason_place_change",
        },
    )
    if not changed:
        return placement
    if "area" in changed:
        _check_area(placement.area)
    if {"area", "placement_postcode"} & set(changed):
        _area_from_postcode(placement.area, placement.placement_postcode)
    if {"place", "place_provider"} & set(changed):
        _check_provider(placement.place, placement.place_provider)
    if "start_date" in changed:
        check_not_future("start_date", placement.start_date, "The placement start date")
        enforce_placement(placement, placement.period_of_care, {"start_date"})
        if placement.end_date and placement.start_date > placement.end_date:
            raise ValidationError({"start_date": "A placement cannot start after it ends."})
        overlapping = (
            Placement.objects.filter(child=placement.child)
            .exclude(pk=placement.pk)
            .filter(start_date__lt=placement.end_date or date.max)
            .exclude(end_date__isnull=False, end_date__lte=placement.start_date)
        )
        if overlapping.exists():
            raise ValidationError({"start_date": "Placements cannot overlap."})
    bump_version(placement)
    save_with_constraints(placement)
    _on_clock_inputs_changed(placement.child)
    if corrected:
        recompute_now(placement.child_id)
    return placement


@transaction.atomic
def placement_end(*, placement: Placement, end_date: date, ended_by: User) -> Placement:
    """End a placement without starting another (the child stays in care, e.g. missing)."""
    _lock_child(placement.child)
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if placement.end_date is not None:
        raise ValidationError({"end_date": "This placement has already ended."})
    check_not_future("end_date", end_date, "The placement end date")
    if end_date < placement.start_date:
        raise ValidationError({"end_date": "A placement cannot end before it starts."})
    placement.end_date = end_date
    bump_version(placement)
    save_with_constraints(placement)
    _on_clock_inputs_changed(placement.child)
    return placement


# The fields of a new child that entry to care passes on to ``child_create``.
_CHILD_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "nhs_number",
    "ethnicity",
    "team",
    "allocated_worker",
    "is_uasc",
    "uasc_arrival_date",
    "age_disputed",
    "la_child_id",
    "upn",
    "is_mother",
    "mother_child_dob",
)


@transaction.atomic
def child_enter_care(
    *,
    created_by: User,
    child: dict[str, Any],
    entry_date: date,
    legal_status: str,
    category_of_need: str = "",
    placement: dict[str, Any],
) -> Placement:
    """A child new to us enters care: the child, the period of care (legal status and
    category of need) and the first placement, all or nothing, in one transaction. The
    care-record hooks fire once for the whole change, after the placement exists, so the
    clocks are computed once (the IHA and its deadlines at once) and nothing is queued to
    compute them again. The page and ``POST /api/v1/entries-to-care/`` both call this.

    ``child`` holds ``child_create``'s fields; ``placement`` holds ``placement_open``'s
    fields but its start date, which is the entry date. Errors about the date name
    ``entry_date``."""
    unknown = set(child) - set(_CHILD_FIELDS)
    if unknown:
        raise TypeError(f"child_enter_care: unknown child fields {sorted(unknown)}")
    new_child = child_create(created_by=created_by, **child)
    locked = _lock_child(new_child)
    try:
        period = period_of_care_open(
            child=locked,
            start_date=entry_date,
            legal_status=legal_status,
            category_of_need=category_of_need,
        )
        first_placement = placement_open(child=locked, start_date=entry_date, **placement)
    except ValidationError as error:
        raise _dates_as_entry_date(error) from error
    care_record_changed(CareRecordChange.PLACEMENT_STARTED, child=locked, placement=first_placement)
    care_record_changed(CareRecordChange.ENTERED_CARE, child=locked, period=period)
    return first_placement


def _dates_as_entry_date(error: ValidationError) -> ValidationError:
    """The period's and the placement's start date is the one entry date the caller gave."""
    if not hasattr(error, "error_dict"):
        return error
    renamed: dict[str, list[ValidationError]] = {}
    for field, errors in error.error_dict.items():
        renamed.setdefault("entry_date" if field == "start_date" else field, []).extend(errors)
    return ValidationError(renamed)
