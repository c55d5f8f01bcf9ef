"""Messages written for residents, kept translatable: the directory says what, the portal says it in their language.

The directory never imports the web layer, so it cannot translate. It marks its messages with `N_`
(for `pybabel extract`) and raises `ResidentError`s that keep the untranslated message and its values
apart, so the portal can translate the message first and fill in the values after.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the gettext convention pybabel looks for
    """Mark a message for translation where it is shown; it is returned unchanged."""
    return message


class ResidentError(ValueError):
    """Something the person can put right; `message` is a translatable template for `params`."""

    def __init__(self, message: str, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(message.format(**params))


class FieldError(ResidentError):
    """A problem with one answer on a form; `field` names it, so the form can show the message beside it."""

    def __init__(self, field: str, message: str, **params: object) -> None:
        self.field = field
        super().__init__(message, **params)
