"""Problems with a form's answers, shaped for the design system's error summary and field messages."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

from directory.messages import ResidentError
from portal.i18n import Translator


def by_field(t: Translator, problems: list[ResidentError], default: str) -> dict[str, dict[str, str]]:
    """One message per field (the first found), each linking to its field; `default` for field-less ones."""
    errors: dict[str, dict[str, str]] = {}
    for problem in problems:
        name = getattr(problem, "field", default)
        errors.setdefault(name, {"text": t.error(problem), "href": f"#{name}"})
    return errors


def placed(errors: dict[str, dict[str, str]], where: Callable[[str], str | None]) -> dict[str, dict[str, str]]:
    """The error summary says where each box is when the field's own label would not ("Opening times 2, Closes:
    enter a time like 5pm"); beside the box, the message alone."""
    for name, error in errors.items():
        place = where(name)
        if place:
            error["summary"] = f"{place}: {error['text']}"
    return errors


def note_errors(t: Translator, report_id: int, problems: list[ResidentError]) -> dict[str, dict[str, str]]:
    """A report's form problem, under that report's own note box (a page lists many reports)."""
    name = f"note-{report_id}"
    first = next(iter(by_field(t, problems, name).values()), None)
    return {name: {**first, "href": f"#{name}"}} if first else {}


async def typed_note(request: Request, report_id: int) -> str:
    form = await request.form()
    return str(form.get(f"note-{report_id}", ""))
