"""Growth centiles against the RCPCH package's own UK-WHO reference points: a measurement
equal to the reference's median (M) at an age on its table is SDS 0, centile 50; the value
the LMS method gives for z = +2 / -2 comes back as SDS +2 / -2 (centiles 97.7 / 2.3)."""

import json
from datetime import date
from pathlib import Path

import pytest
import rcpchgrowth
from rcpchgrowth.global_functions import measurement_for_z

from apps.writeups.rules.growth import bmi, growth_points

TABLES = Path(rcpchgrowth.__file__).parent / "data_tables"


def _uk90(method: str, sex: str, age: float) -> dict:
    rows = json.loads((TABLES / "uk90_child.json").read_text())["measurement"][method][sex]
    return next(row for row in rows if row["decimal_age"] == age)


def _by_method(points):
    return {p.method: p for p in points}


@pytest.mark.parametrize(
    ("sex_code", "sex", "years"), [("1", "male", 10), ("2", "female", 10), ("1", "male", 6)]
)
def test_the_uk90_median_height_is_the_50th_centile(sex_code, sex, years):
    row = _uk90("height", sex, float(years))
    born = date(2010, 1, 1)
    # A decimal age of exactly `years`: rcpchgrowth counts days / 365.25.
    measured = date.fromordinal(born.toordinal() + round(years * 365.25))
    point = _by_method(
        growth_points(
            sex_code=sex_code, date_of_birth=born, measured_on=measured, height_cm=row["M"]
        )
    )["height"]
    assert point.sds == pytest.approx(0, abs=0.02)
    assert point.centile == pytest.approx(50, abs=1)


@pytest.mark.parametrize(("z", "expected_centile"), [(2, 97.7), (-2, 2.3)])
def test_the_lms_value_for_two_sds_comes_back_as_two_sds(z, expected_centile):
    row = _uk90("weight", "female", 8.0)
    value = round(measurement_for_z(z, row["L"], row["M"], row["S"]), 3)
    born = date(2010, 1, 1)
    measured = date.fromordinal(born.toordinal() + round(8 * 365.25))
    point = _by_method(
        growth_points(sex_code="2", date_of_birth=born, measured_on=measured, weight_kg=value)
    )["weight"]
    assert point.sds == pytest.approx(z, abs=0.02)
    assert point.centile == pytest.approx(expected_centile, abs=0.2)


def test_head_circumference_is_used_under_2_and_bmi_from_2():
    infant = _by_method(
        growth_points(
            sex_code="1",
            date_of_birth=date(2025, 1, 1),
            measured_on=date(2025, 10, 1),
            height_cm=72,
            weight_kg=9,
            head_circumference_cm=45,
        )
    )
    assert set(infant) == {"height", "weight", "ofc"}
    assert infant["ofc"].centile is not None
    older = _by_method(
        growth_points(
            sex_code="1",
            date_of_birth=date(2020, 1, 1),
            measured_on=date(2025, 10, 1),
            height_cm=112,
            weight_kg=19,
            head_circumference_cm=51,
        )
    )
    assert set(older) == {"height", "weight", "bmi"}
    assert older["bmi"].value == bmi(112, 19) == 15.1
    assert 0 < older["bmi"].centile < 100


def test_beyond_the_reference_gives_no_centile_and_says_why():
    point = growth_points(
        sex_code="2", date_of_birth=date(2004, 1, 1), measured_on=date(2025, 6, 1), height_cm=165
    )[0]
    assert point.centile is None and point.sds is None
    assert "20 years" in point.note


def test_no_sex_recorded_gives_values_without_centiles():
    point = growth_points(
        sex_code="", date_of_birth=date(2015, 1, 1), measured_on=date(2025, 6, 1), weight_kg=30
    )[0]
    assert point.value == 30 and point.centile is None
