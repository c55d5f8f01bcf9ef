"""Residents' details sealed at rest, field by field, so a copied database file or backup reveals nothing.

Each field is encrypted on its own with Fernet (AES-128-CBC with an HMAC-SHA256, from `cryptography`): a name, a
phone number and what someone needs are separate tokens, and a token cannot be altered without being refused.
The keys come from configuration (PORTAL_REFERRAL_KEYS, newest first, separated by commas), never from the
database. Rotating means putting a new key first: every token still opens (each key is tried), new ones are
sealed with the newest key, and `Seal.rotate` re-seals an old token so the old key can then be dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class SealError(Exception):
    """A token could not be opened: altered, or sealed with a key no longer configured. Says which, never what."""


def new_key() -> str:
    """A fresh key to put first in PORTAL_REFERRAL_KEYS."""
    return Fernet.generate_key().decode("ascii")


def keys_from(setting: str) -> list[str]:
    """The configured keys, newest first: "new,old" -> ["new", "old"]."""
    return [key.strip() for key in setting.split(",") if key.strip()]


class Seal:
    """Seals and opens fields with the configured keys (the first seals; any opens)."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise SealError("No key to seal residents' details with: set PORTAL_REFERRAL_KEYS (see README).")
        try:
            self._fernet = MultiFernet([Fernet(key.encode("ascii")) for key in keys])
        except (ValueError, UnicodeEncodeError) as error:
            raise SealError("A key in PORTAL_REFERRAL_KEYS is not a key this portal made (32 url-safe base64 bytes)."
                            ) from error

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeEncodeError) as error:
            raise SealError("A sealed field could not be opened: it was changed, or its key is no longer "
                            "configured.") from error

    def rotate(self, token: str) -> str:
        """The same field sealed again with the newest key (its first-sealed time kept)."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeEncodeError) as error:
            raise SealError("A sealed field could not be re-sealed: its key is no longer configured.") from error
