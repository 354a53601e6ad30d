"""Growth centiles and SDS on the UK-WHO reference, computed by the RCPCH's ``rcpchgrowth``
package (the same engine as the RCPCH Digital Growth Charts), never by tables of our own.

Head circumference is asked under 2 and BMI is reported from 2: the UK-WHO charts plot head
circumference in infancy, and BMI centiles are not used under 2."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rcpchgrowth import centile, chronological_decimal_age, sds_for_measurement
from rcpchgrowth.constants import BMI, FEMALE, HEAD_CIRCUMFERENCE, HEIGHT, MALE, UK_WHO, WEIGHT

HEAD_CIRCUMFERENCE_UNDER_YEARS = 2
BMI_FROM_YEARS = 2

# DfE SSDA903 sex codes.
_SEX = {"1": MALE, "2": FEMALE}

LABELS = {
    HEIGHT: "Height",
    WEIGHT: "Weight",
    HEAD_CIRCUMFERENCE: "Head circumference",
    BMI: "Body mass index",
}
UNITS = {HEIGHT: "cm", WEIGHT: "kg", HEAD_CIRCUMFERENCE: "cm", BMI: "kg/m²"}


@dataclass(frozen=True)
class GrowthPoint:
    method: str  # height | weight | ofc | bmi
    value: float
    sds: float | None
    centile: float | None
    note: str = ""

    @property
    def label(self) -> str:
        return LABELS[self.method]

    @property
    def unit(self) -> str:
        return UNITS[self.method]

    def as_dict(self) -> dict[str, object]:
        return {
            "method": self.method,
            "value": self.value,
            "sds": self.sds,
            "centile": self.centile,
            "note": self.note,
        }


def decimal_age(date_of_birth: date, measured_on: date) -> float:
    return float(chronological_decimal_age(date_of_birth, measured_on))


def bmi(height_cm: float, weight_kg: float) -> float:
    metres = height_cm / 100
    return round(weight_kg / (metres * metres), 1)


def _point(method: str, value: float, age: float, sex: str) -> GrowthPoint:
    try:
        sds = sds_for_measurement(
            reference=UK_WHO,
            age=age,
            measurement_method=method,
            observation_value=value,
            sex=sex,
        )
    except (LookupError, ValueError) as error:
        # Outside the reference (for example head circumference beyond its age range): say
        # so rather than invent a centile.
        return GrowthPoint(method, value, None, None, f"No UK-WHO centile: {error}")
    return GrowthPoint(method, value, round(float(sds), 2), round(float(centile(sds)), 1))


def _number(value: object) -> float | None:
    if value in (None, ""):
        return None
    return float(Decimal(str(value)))


def growth_points(
    *,
    sex_code: str,
    date_of_birth: date,
    measured_on: date,
    height_cm: object = None,
    weight_kg: object = None,
    head_circumference_cm: object = None,
) -> list[GrowthPoint]:
    """Each measurement given, with its SDS and centile; BMI from 2 years when both height
    and weight are given. A sex outside male/female gets values without centiles (the
    reference is sex-specific)."""
    sex = _SEX.get(sex_code)
    age = decimal_age(date_of_birth, measured_on)
    height, weight, head = (
        _number(height_cm),
        _number(weight_kg),
        _number(head_circumference_cm),
    )
    measured = [(HEIGHT, height), (WEIGHT, weight)]
    if age < HEAD_CIRCUMFERENCE_UNDER_YEARS:
        measured.append((HEAD_CIRCUMFERENCE, head))
    if age >= BMI_FROM_YEARS and height and weight:
        measured.append((BMI, bmi(height, weight)))
    points = []
    for method, value in measured:
        if value is None:
            continue
        if sex is None:
            points.append(
                GrowthPoint(method, value, None, None, "No UK-WHO centile: sex not recorded")
            )
        else:
            points.append(_point(method, value, age, sex))
    return points
