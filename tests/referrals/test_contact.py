"""A resident's phone number is read the way people type it, kept one way and shown the country's way; a number
that cannot be real is refused with what to change."""

import pytest

from directory.messages import FieldError
from referrals.contact import email, phone


@pytest.mark.parametrize("typed", ["07700 900123", "07700900123", "+44 7700 900123", "0044 7700 900123",
                                   "(07700) 900-123", " +447700900123 "])
def test_a_uk_mobile_however_typed_is_kept_one_way_and_shown_the_uk_way(typed: str) -> None:
    found = phone(typed)
    assert found.e164 == "+447700900123" and found.shown == "07700 900123"


def test_a_landline_and_a_number_abroad() -> None:
    assert phone("020 7946 0018").shown == "020 7946 0018"
    abroad = phone("+33 1 23 45 67 89")
    assert abroad.e164 == "+33123456789" and abroad.shown.startswith("+33")


@pytest.mark.parametrize(("typed", "says"), [
    ("", "Enter a phone number"), ("call me", "Enter a phone number"), ("0770090", "too few or too many"),
    ("077009001234567", "too few or too many"), ("1" * 41, "Enter a phone number"),
])
def test_a_number_that_cannot_be_real_is_refused_saying_what_to_change(typed: str, says: str) -> None:
    with pytest.raises(FieldError) as refused:
        phone(typed)
    assert refused.value.field == "phone" and says in refused.value.message


def test_an_email_address_is_checked_only_for_its_shape() -> None:
    assert email(" amina@example.org ") == "amina@example.org"
    for wrong in ("amina", "amina@", "@example.org", "a b@example.org", "x@" + "e" * 260 + ".org"):
        with pytest.raises(FieldError):
            email(wrong)
