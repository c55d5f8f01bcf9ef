"""Problems with a form's answers, shaped for the design system's error summary and field messages."""

from __future__ import annotations

from directory.messages import ResidentError
from portal.i18n import Translator


def by_field(t: Translator, problems: list[ResidentError], default: str) -> dict[str, dict[str, str]]:
    """One message per field (the first found), each linking to its field; `default` for field-less ones."""
    errors: dict[str, dict[str, str]] = {}
    for problem in problems:
        name = getattr(problem, "field", default)
        errors.setdefault(name, {"text": t.error(problem), "href": f"#{name}"})
    return errors
