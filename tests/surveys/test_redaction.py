"""Nothing a resident typed that could identify them reaches a quote or an export."""

import pytest

from surveys.redaction import redact


@pytest.mark.parametrize(("typed", "shown"), [
    ("Ring me on 020 7946 0000 please", "Ring me on [phone] please"),
    ("my mobile is 07700 900 123", "my mobile is [phone]"),
    ("call +44 20 7946 0958 or (020) 7946-0000", "call [phone] or [phone]"),
    ("07700900123", "[phone]"),
    ("EMAIL ME AT JO.SMITH@EXAMPLE.ORG", "EMAIL ME AT [email]"),
    ("write to jo (at) example (dot) org", "write to [email]"),
    ("I live at se64ru", "I live at [postcode]"),
    ("near SE6 4RU and BR1 5HR", "near [postcode] and [postcode]"),
    ("Dr Patel and Nurse Jane Smith were kind", "Dr [name] and Nurse [name] were kind"),
    ("my name is John and I waited", "my name is [name] and I waited"),
    ("My son Tom loved it", "My son [name] loved it"),
    ("Thanks, Mary", "Thanks, [name]"),
])
def test_contact_details_and_names_are_taken_out(typed: str, shown: str) -> None:
    assert redact(typed).text == shown
    assert not redact(typed).clean


@pytest.mark.parametrize("typed", [
    "thank you very much", "I waited 3 hours in 2024", "The staff at Lewisham were great", "Nothing.",
    "Open on Saturdays from 10 to 2", "SE6 is a good area", "Bus 185 stops outside", "Ward 7 was clean",
])
def test_ordinary_words_and_numbers_are_left_alone(typed: str) -> None:
    assert redact(typed).text == typed and redact(typed).clean
