"""Every message the portal can show is translated, in plain words, into every language it offers:
no message missing, none fuzzy, placeholders intact, and the template catalogue up to date with the code."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.i18n import LOCALES
from portal.languages import LANGUAGES

ROOT = LOCALES.parent
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z_]+\}|%%")
TRANSLATED = [lang.code for lang in LANGUAGES if lang.code != "en"]


def _catalogue(path: Path):  # noqa: ANN202
    with path.open("rb") as handle:
        return read_po(handle)


def test_at_least_eight_languages_besides_english_including_arabic_and_a_west_african_or_south_asian_one() -> None:
    assert len(TRANSLATED) >= 8
    assert {"pl", "pt", "es", "tr", "so", "fr", "ar"} <= set(TRANSLATED)
    assert {"yo", "ta", "bn"} & set(TRANSLATED)


def test_the_template_catalogue_holds_every_message_in_the_code(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "extract", "-F", "babel.cfg", "-k", "N_", "--no-location", "-o", str(fresh), "."],
                   cwd=ROOT, check=True, capture_output=True)
    wanted = {m.id for m in _catalogue(fresh) if m.id}
    committed = {m.id for m in _catalogue(LOCALES / "messages.pot") if m.id}
    assert wanted == committed, f"run `make translations`: new {wanted - committed}, gone {committed - wanted}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(code: str) -> None:
    template = {m.id for m in _catalogue(LOCALES / "messages.pot") if m.id}
    catalogue = _catalogue(LOCALES / code / "LC_MESSAGES" / "messages.po")
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {ids[0]}")
        if len(strings) < catalogue.num_plurals and len(ids) > 1 or any(not s.strip() for s in strings):
            problems.append(f"missing: {ids[0]}")
        for string in strings:
            if set(PLACEHOLDER.findall(string)) != set(PLACEHOLDER.findall(ids[-1])):
                problems.append(f"placeholders differ: {ids[0]!r} -> {string!r}")
    missing = template - {m.id for m in catalogue if m.id}
    assert not problems and not missing, problems + [f"not in catalogue: {m}" for m in missing]


def test_every_package_that_marks_messages_is_extracted() -> None:
    """A package whose messages babel.cfg does not list would show in English in every language."""
    listed = (ROOT / "babel.cfg").read_text()
    marking = {path.parts[len(ROOT.parts)] for path in ROOT.glob("*/**/*.py")
               if path.parts[len(ROOT.parts)] not in ("tests", "bench", "docs", "bot")
               and not any(part.startswith(".") for part in path.parts[len(ROOT.parts):])
               and re.search(r"\bN_\(\"", path.read_text(encoding="utf-8"))}
    assert marking >= {"accounts", "directory", "portal", "surveys"}
    assert {p for p in marking if f"[python: {p}/**.py]" not in listed} == set()
