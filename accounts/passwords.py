"""Choosing and checking passwords: argon2 hashes, a minimum length and no common or guessable words.

The rules follow the NCSC's advice: length over complexity rules, and a check against the passwords
people use most (zxcvbn's list of 30,000 and its estimate of how guessable the rest are).
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from directory.messages import N_, FieldError

MIN_LENGTH = 12
MAX_LENGTH = 200  # hashing very long inputs is a way to tie the server up
_hasher = PasswordHasher()
# Verifying against this when an email is unknown makes a wrong email take as long as a wrong password.
_UNKNOWN = _hasher.hash("no account has this password")


class PasswordError(FieldError):
    """A password we will not accept, with the reason in words the person can act on."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__("password", message, **params)


@cache
def _common() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def problems(password: str, about: tuple[str, ...] = ()) -> list[PasswordError]:
    """Why a new password is not good enough; empty when it is. `about` is the person's name and email."""
    if len(password) < MIN_LENGTH:
        return [PasswordError(N_("Use at least {count} characters."), count=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [PasswordError(N_("Use {count} characters or fewer."), count=MAX_LENGTH)]
    if password.lower() in _common() or password.lower().rstrip("0123456789!") in _common():
        return [PasswordError(N_("This is one of the most common passwords. Try three random words."))]
    words = [w.lower() for text in about for w in text.replace("@", " ").replace(".", " ").split() if len(w) >= 3]
    if any(w in password.lower() for w in words if w not in ("org", "com", "net", "gov", "nhs")):
        return [PasswordError(N_("Do not use your name or email address in your password."))]
    if zxcvbn(password, user_inputs=words)["score"] < 3:
        return [PasswordError(N_("This password would be easy to guess. Try three random words."))]
    return []


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """True when the password matches; spends the same time when there is no hash to check."""
    try:
        return _hasher.verify(password_hash or _UNKNOWN, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """argon2's recommended cost rises over time; a sign-in is the moment to re-hash."""
    return _hasher.check_needs_rehash(password_hash)
