"""Postcodes: typed any way, placed from the shipped OS Code-Point Open data, with plain-word errors."""

import math

import pytest

from directory import postcodes


@pytest.mark.parametrize("typed", ["SE6 4RU", "se64ru", " se6  4ru ", "SE64RU"])
def test_a_full_postcode_is_found_however_it_is_typed(typed: str) -> None:
    place = postcodes.lookup(typed)
    assert place.postcode == "SE6 4RU"
    assert place.precise and place.borough == "Lewisham"
    assert 51.40 < place.latitude < 51.50 and -0.05 < place.longitude < 0.0


def test_an_outcode_gives_the_centre_of_its_area() -> None:
    place = postcodes.lookup("se13")
    assert (place.postcode, place.precise, place.borough) == ("SE13", False, "Lewisham")


@pytest.mark.parametrize(("typed", "message"), [
    ("", "Enter a postcode"),
    ("hello", "does not look like a postcode"),
    ("SE6 9QQ", "Check it, or use just the first part \\(SE6\\)"),
    ("M1 1AE", "We only know London postcodes"),
])
def test_unknown_or_malformed_postcodes_get_a_clear_message(typed: str, message: str) -> None:
    with pytest.raises(postcodes.PostcodeError, match=message):
        postcodes.lookup(typed)


def test_only_the_outcode_is_taken_for_logs() -> None:
    assert postcodes.outcode_of("se6 4ru") == "SE6"
    assert postcodes.outcode_of("SE13") == "SE13"
    assert postcodes.outcode_of("nonsense") is None


def test_distance_agrees_with_a_flat_earth_estimate_across_the_borough() -> None:
    a, b = postcodes.lookup("SE8 4BG"), postcodes.lookup("SE26 4PU")
    km_per_degree = 111.195
    dy = (b.latitude - a.latitude) * km_per_degree
    dx = (b.longitude - a.longitude) * km_per_degree * math.cos(math.radians((a.latitude + b.latitude) / 2))
    flat = math.hypot(dx, dy)
    assert postcodes.distance_km(a.latitude, a.longitude, b.latitude, b.longitude) == pytest.approx(flat, rel=0.005)
    assert 5 < flat < 10
