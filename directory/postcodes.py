"""UK postcodes to places, and distances between places, from the shipped London postcode file.

Residents type postcodes every way ("se64ru", "SE6 4RU", "se6"); a full postcode gives its own
point and an outcode ("SE6") gives the centre of its area. OS Code-Point Open, OGL v3.
"""

from __future__ import annotations

import csv
import gzip
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from directory.messages import N_, ResidentError

_FULL = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$")
_OUTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")
EARTH_RADIUS_KM = 6371.0088


class PostcodeError(ResidentError):
    """A postcode we cannot place; the message is written for the resident who typed it."""


@dataclass(frozen=True)
class Place:
    postcode: str  # as a person writes it: "SE6 4RU", or the outcode "SE6"
    latitude: float
    longitude: float
    borough: str
    precise: bool  # a full postcode, not just the area's centre

    @property
    def outcode(self) -> str:
        return self.postcode.split(" ")[0]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "").upper()


def is_well_formed(text: str) -> bool:
    squashed = _squash(text)
    return bool(_FULL.match(squashed) or _OUTCODE.match(squashed))


def normalise(text: str) -> str:
    """'se64ru' -> 'SE6 4RU'; an outcode stays as it is; anything else is returned squashed."""
    squashed = _squash(text)
    match = _FULL.match(squashed)
    return f"{match.group(1)} {match.group(2)}" if match else squashed


def outcode_of(text: str) -> str | None:
    """The first half of a postcode, the only part kept in logs."""
    squashed = _squash(text)
    match = _FULL.match(squashed)
    if match:
        return match.group(1)
    return squashed if _OUTCODE.match(squashed) else None


def _data(name: str):  # noqa: ANN202 - a Traversable
    return resources.files("directory").joinpath("data", name)


@cache
def _boroughs() -> list[str]:
    return _data("london_boroughs.txt").read_text(encoding="utf-8").split("\n")


@cache
def _postcodes() -> dict[str, tuple[float, float, int]]:
    with _data("london_postcodes.csv.gz").open("rb") as raw:
        text = gzip.decompress(raw.read()).decode("utf-8")
    table: dict[str, tuple[float, float, int]] = {}
    for line in text.splitlines()[2:]:  # an attribution line, then the header
        code, lat, lon, borough = line.split(",")
        table[code] = (float(lat), float(lon), int(borough))
    return table


@cache
def _outcodes() -> dict[str, tuple[float, float, str]]:
    with _data("london_outcodes.csv").open("r", encoding="utf-8") as handle:
        return {r["outcode"]: (float(r["lat"]), float(r["lon"]), r["district_name"]) for r in csv.DictReader(handle)}


def lookup(text: str) -> Place:
    """Where a postcode is, or PostcodeError saying what is wrong in plain words."""
    squashed = _squash(text)
    if not squashed:
        raise PostcodeError(N_("Enter a postcode, like SE6 4RU."))
    if _FULL.match(squashed):
        found = _postcodes().get(squashed)
        if found:
            return Place(normalise(squashed), found[0], found[1], _boroughs()[found[2]], True)
        outcode = outcode_of(squashed)
        if outcode in _outcodes():
            raise PostcodeError(
                N_("We could not find the postcode {postcode}. Check it, or use just the first part ({outcode})."),
                postcode=normalise(squashed), outcode=outcode,
            )
        raise PostcodeError(N_("We could not find the postcode {postcode}. We only know London postcodes."),
                            postcode=normalise(squashed))
    if _OUTCODE.match(squashed):
        found_area = _outcodes().get(squashed)
        if found_area:
            return Place(squashed, found_area[0], found_area[1], found_area[2], False)
        raise PostcodeError(N_("We could not find the area {outcode}. We only know London postcodes."),
                            outcode=squashed)
    raise PostcodeError(N_("“{text}” does not look like a postcode. A postcode looks like SE6 4RU."),
                        text=text.strip())


_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,2}\d[A-Za-z\d]?)\s*(\d[A-Za-z]{2})?(?![A-Za-z0-9])")


def find_in_text(text: str) -> tuple[str, Place | None]:
    """A London postcode typed among the words of a search ("debt advice se136lh", "SE13 6LH", "food SE6"),
    as a place, and the words without it. A full postcode counts anywhere; an outcode alone counts only if it
    is a London district; a postcode we cannot find is left as words."""
    for match in _IN_TEXT.finditer(text):
        candidate = match.group(1) + (match.group(2) or "")
        try:
            place = lookup(candidate)
        except PostcodeError:
            continue
        words = (text[: match.start()] + " " + text[match.end():]).strip()
        return " ".join(words.split()), place
    return text, None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine): accurate to well under 1% across a city."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))
