"""Passwords: long enough, not common, not guessable from the person's own name; stored as argon2."""

import pytest

from accounts import passwords


@pytest.mark.parametrize("password, expected", [
    ("short words", "at least 12"),
    ("password1234", "most common"),
    ("qwertyuiop123", "most common"),
    ("aaaaaaaaaaaaaaa", "easy to guess"),
    ("amina.yusuf1985", "your name or email"),
    ("abcabcabcabc", "easy to guess"),
    ("x" * 201, "200 characters or fewer"),
])
def test_weak_passwords_are_refused_with_a_reason(password: str, expected: str) -> None:
    found = passwords.problems(password, ("Amina Yusuf", "amina.yusuf@example.org"))
    assert found and expected in str(found[0])


def test_three_random_words_are_accepted() -> None:
    assert passwords.problems("kettle orbit plum sandal", ("Amina Yusuf", "amina@example.org")) == []


def test_passwords_are_stored_as_argon2_and_verified() -> None:
    stored = passwords.hash_password("kettle orbit plum sandal")
    assert stored.startswith("$argon2id$") and "kettle" not in stored
    assert passwords.verify(stored, "kettle orbit plum sandal")
    assert not passwords.verify(stored, "kettle orbit plum sandals")
    assert not passwords.verify(None, "anything at all here")
