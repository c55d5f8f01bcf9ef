"""Codebooks kept in the database: their themes and examples, the answers placed under them, and what people
decided.

A codebook belongs to no survey: the engagement lead applies it to any free-text question, so "Getting an
appointment" means the same thing every quarter. Placing is done by surveys.codebook's classifier, trained
afresh each run from the codebook's examples and every answer a person has placed since (kept, redacted, as
examples of the theme they chose); an answer a person decided is never changed by a later run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import sqlite_utils

from directory.embeddings import Embedder
from directory.messages import N_, FieldError
from surveys import themes, theming
from surveys.codebook import UNSURE, Classifier, CodebookTooSmall
from surveys.quote_translations import Quote
from surveys.redaction import redact
from surveys.theme_csv import parse_rows, read_rows

NAME_LIMIT, DESCRIPTION_LIMIT, EXAMPLE_LIMIT = 80, 500, 500
MACHINE, PERSON = "machine", "person"
LEAD, DISCOVERED, CORRECTION = "lead", "discovered", "correction"  # where an example came from
CSV_COLUMNS = ("theme", "description", "example")
Progress = Callable[[int, int], None]


class CodebookError(FieldError):
    """A change to a codebook that cannot be made as asked; says which box and why."""


@dataclass
class Example:
    id: int
    text: str
    source: str


@dataclass
class CodebookTheme:
    id: int
    name: str
    description: str
    examples: list[Example] = field(default_factory=list)


@dataclass
class Codebook:
    id: int
    name: str
    description: str
    themes: list[CodebookTheme]

    def theme(self, theme_id: int) -> CodebookTheme | None:
        return next((t for t in self.themes if t.id == theme_id), None)


@dataclass
class ThemeCount:
    theme: CodebookTheme
    answers: int
    decided: int  # of which a person placed
    quotes: list[Quote]


@dataclass
class Unsure:
    response_id: int
    text: str
    suggested: list[tuple[int, float]]  # (theme id, confidence), most likely first


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _checked(name: str, description: str) -> tuple[str, str]:
    name, description = " ".join(name.split()), description.strip()
    if not name:
        raise CodebookError("name", N_("Give it a name."))
    if len(name) > NAME_LIMIT:
        raise CodebookError("name", N_("Use {count} characters or fewer."), count=NAME_LIMIT)
    if len(description) > DESCRIPTION_LIMIT:
        raise CodebookError("description", N_("Use {count} characters or fewer."), count=DESCRIPTION_LIMIT)
    return name, description


def create_codebook(db: sqlite_utils.Database, name: str, description: str = "") -> int:
    name, description = _checked(name, description)
    return int(db["codebooks"].insert({"name": name, "description": description, "created_at": _now(),
                                       "updated_at": _now()}).last_pk)


def _touch(db: sqlite_utils.Database, codebook_id: int) -> None:
    db.execute("update codebooks set updated_at = ? where id = ?", [_now(), codebook_id])


def get_codebook(db: sqlite_utils.Database, codebook_id: int) -> Codebook | None:
    rows = list(db["codebooks"].rows_where("id = ?", [codebook_id]))
    if not rows:
        return None
    examples: dict[int, list[Example]] = {}
    for row in db.execute("select e.id, e.theme_id, e.text, e.source from codebook_examples e join codebook_themes t "
                          "on t.id = e.theme_id where t.codebook_id = ? order by e.id", [codebook_id]):
        examples.setdefault(row[1], []).append(Example(row[0], row[2], row[3]))
    found = [CodebookTheme(r["id"], r["name"], r["description"], examples.get(r["id"], []))
             for r in db["codebook_themes"].rows_where("codebook_id = ?", [codebook_id], order_by="name")]
    return Codebook(rows[0]["id"], rows[0]["name"], rows[0]["description"], found)


def all_codebooks(db: sqlite_utils.Database) -> list[Codebook]:
    ids = [r for (r,) in db.execute("select id from codebooks order by name, id")]
    return [book for book in (get_codebook(db, i) for i in ids) if book is not None]


def add_theme(db: sqlite_utils.Database, codebook_id: int, name: str, description: str = "",
              examples: list[str] | tuple[str, ...] = (), source: str = LEAD) -> int:
    name, description = _checked(name, description)
    if db.execute("select 1 from codebook_themes where codebook_id = ? and lower(name) = lower(?)",
                  [codebook_id, name]).fetchone():
        raise CodebookError("name", N_("This codebook already has a theme called {name}."), name=name)
    with db.atomic():
        theme_id = int(db["codebook_themes"].insert({"codebook_id": codebook_id, "name": name,
                                                     "description": description, "created_at": _now()}).last_pk)
        for text in examples:
            add_example(db, theme_id, text, source)
        _touch(db, codebook_id)
    return theme_id


def _theme_row(db: sqlite_utils.Database, codebook_id: int, theme_id: int) -> dict:  # type: ignore[type-arg]
    rows = list(db["codebook_themes"].rows_where("id = ? and codebook_id = ?", [theme_id, codebook_id]))
    if not rows:
        raise CodebookError("theme", N_("We could not find that theme."))
    return rows[0]


def update_theme(db: sqlite_utils.Database, codebook_id: int, theme_id: int, name: str, description: str) -> None:
    _theme_row(db, codebook_id, theme_id)
    name, description = _checked(name, description)
    if db.execute("select 1 from codebook_themes where codebook_id = ? and lower(name) = lower(?) and id != ?",
                  [codebook_id, name, theme_id]).fetchone():
        raise CodebookError("name", N_("This codebook already has a theme called {name}."), name=name)
    db["codebook_themes"].update(theme_id, {"name": name, "description": description})
    _touch(db, codebook_id)


def add_example(db: sqlite_utils.Database, theme_id: int, text: str, source: str = LEAD,
                vector: np.ndarray | None = None) -> int:
    """An example answer, redacted: a codebook outlives any survey, so it never keeps a name or contact."""
    tidy = " ".join(text.split())
    if not tidy:
        raise CodebookError("example", N_("Write an example answer."))
    if len(tidy) > EXAMPLE_LIMIT:
        raise CodebookError("example", N_("Use {count} characters or fewer."), count=EXAMPLE_LIMIT)
    return int(db["codebook_examples"].insert({
        "theme_id": theme_id, "text": redact(tidy).text, "source": source, "created_at": _now(),
        "vector": None if vector is None else np.asarray(vector, dtype=np.float32).tobytes()}).last_pk)


def remove_example(db: sqlite_utils.Database, codebook_id: int, example_id: int) -> None:
    cursor = db.execute("delete from codebook_examples where id = ? and theme_id in (select id from codebook_themes "
                        "where codebook_id = ?)", [example_id, codebook_id])
    if cursor.rowcount != 1:
        raise CodebookError("example", N_("We could not find that example."))


def read_csv(path: Path) -> list[tuple[str, str, str]]:
    """A codebook written elsewhere: columns theme, description, example; one example a row (a theme's description
    may be on any of its rows). Raises ValueError saying what is wrong, before anything is kept."""
    return checked_rows(*read_rows(path), str(path))


def parse_csv(text: str, where: str) -> list[tuple[str, str, str]]:
    """The same, from text (an uploaded file)."""
    return checked_rows(*parse_rows(text, where), where)


def checked_rows(fields: list[str], found: list[dict[str, str]], where: str) -> list[tuple[str, str, str]]:
    missing = [c for c in ("theme", "example") if c not in fields]
    if missing:
        raise ValueError(f"{where} has no column {missing[0]!r}; a codebook needs the columns "
                         f"{', '.join(CSV_COLUMNS)} (its columns are: {', '.join(fields)})")
    rows = [((r.get("theme") or "").strip(), (r.get("description") or "").strip(), (r.get("example") or "").strip())
            for r in found]
    for number, (theme, _, example) in enumerate(rows, start=2):
        if not theme:
            raise ValueError(f"{where} line {number}: the theme is empty")
        if ";" in theme:
            raise ValueError(f"{where} line {number}: a theme's name cannot hold ';' (it separates themes)")
        if len(theme) > NAME_LIMIT or len(example) > EXAMPLE_LIMIT:
            raise ValueError(f"{where} line {number}: too long (themes {NAME_LIMIT}, examples {EXAMPLE_LIMIT} "
                             "characters at most)")
    if len({theme for theme, _, example in rows if example}) < 2:
        raise ValueError(f"{where}: a codebook needs at least two themes with an example each")
    return rows


def as_csv_rows(book: Codebook) -> list[list[str]]:
    """The codebook as classify-csv reads it: theme, description, example; a theme's description on its first row."""
    rows = [["theme", "description", "example"]]
    for theme in book.themes:
        for i, example in enumerate(theme.examples or [Example(0, "", LEAD)]):
            rows.append([theme.name, theme.description if i == 0 else "", example.text])
    return rows


def import_rows(db: sqlite_utils.Database, name: str, rows: list[tuple[str, str, str]]) -> int:
    """A new codebook from (theme, description, example) rows, all or nothing."""
    grouped: dict[str, tuple[str, list[str]]] = {}
    for theme, description, example in rows:
        known = grouped.setdefault(theme, (description, []))
        grouped[theme] = (known[0] or description, known[1] + ([example] if example else []))
    with db.atomic():
        codebook_id = create_codebook(db, name)
        for theme, (description, examples) in grouped.items():
            add_theme(db, codebook_id, theme, description, examples)
    return codebook_id


def _example_vectors(db: sqlite_utils.Database, codebook_id: int, embedder: Embedder) -> tuple[list[str], np.ndarray,
                                                                                                   list[int]]:
    """Every example's (text, vector, theme id); examples not embedded yet are embedded now and kept."""
    rows = db.execute("select e.id, e.text, e.vector, e.theme_id from codebook_examples e join codebook_themes t on "
                      "t.id = e.theme_id where t.codebook_id = ? order by e.id", [codebook_id]).fetchall()
    missing = [r for r in rows if r[2] is None]
    fresh = dict(zip([r[0] for r in missing], themes.embed([r[1] for r in missing], embedder), strict=True))
    for example_id, vector in fresh.items():
        db["codebook_examples"].update(example_id, {"vector": vector.astype(np.float32).tobytes()})
    vectors = [fresh[r[0]] if r[2] is None else np.frombuffer(r[2], dtype=np.float32) for r in rows]
    matrix = np.array(vectors, dtype=np.float32).reshape(len(rows), -1) if rows else np.zeros((0, embedder.dim))
    return [r[1] for r in rows], matrix, [int(r[3]) for r in rows]


def classifier(db: sqlite_utils.Database, codebook_id: int, embedder: Embedder) -> Classifier:
    texts, vectors, theme_ids = _example_vectors(db, codebook_id, embedder)
    try:
        return Classifier(texts, vectors, [str(t) for t in theme_ids], getattr(embedder, "unrelated_below", None))
    except CodebookTooSmall as error:
        raise CodebookError("codebook", N_("A codebook needs at least two themes, each with an example answer.")) \
            from error


def codebook_of(db: sqlite_utils.Database, question_id: str) -> int | None:
    row = db.execute("select codebook_id from survey_question_codebooks where question_id = ?", [question_id])
    found = row.fetchone()
    return int(found[0]) if found else None


def choose(db: sqlite_utils.Database, question_id: str, codebook_id: int) -> None:
    """Use this codebook for the question; answers placed under another codebook's themes start again."""
    if get_codebook(db, codebook_id) is None:
        raise CodebookError("codebook", N_("Choose a codebook."))
    with db.atomic():
        if codebook_of(db, question_id) not in (None, codebook_id):
            db.execute("delete from survey_answer_codes where question_id = ?", [question_id])
        db["survey_question_codebooks"].upsert({"question_id": question_id, "codebook_id": codebook_id},
                                               pk="question_id")


def _decided(db: sqlite_utils.Database, question_id: str) -> set[int]:
    return {r for (r,) in db.execute("select distinct response_id from survey_answer_codes where question_id = ? "
                                     "and decided_by = ?", [question_id, PERSON])}


def classify(db: sqlite_utils.Database, question_id: str, embedder: Embedder, progress: Progress | None = None) -> int:
    """Place every answer no person has decided under the question's codebook; returns how many were placed.
    `progress(done, total)` hears how far embedding has got (the long part)."""
    codebook_id = codebook_of(db, question_id)
    if codebook_id is None:
        raise CodebookError("codebook", N_("Choose a codebook."))
    model = classifier(db, codebook_id, embedder)
    decided = _decided(db, question_id)
    answers = [(r, text) for r, text in theming.answer_texts(db, question_id) if r not in decided]
    ids = [r for r, _ in answers]
    vectors = theming.answer_vectors(db, question_id, ids, embedder, dict(answers), progress)
    placed = model.place([text for _, text in answers], vectors)
    with db.atomic():
        db.execute("delete from survey_answer_codes where question_id = ? and decided_by = ?", [question_id, MACHINE])
        db["survey_answer_codes"].insert_all(
            [{"response_id": r, "question_id": question_id, "theme_id": int(theme), "confidence": confidence,
              "decided_by": MACHINE, "decided_at": _now()}
             for r, found in zip(ids, placed, strict=True) for theme, confidence in found.themes], replace=True)
    return len(answers)


def counts(db: sqlite_utils.Database, question_id: str, quotes: int = 3) -> list[ThemeCount]:
    """How many answers each codebook theme holds (an answer may hold more than one), largest first, with the
    quotes the machine was surest of or a person chose, redacted."""
    codebook_id = codebook_of(db, question_id)
    book = get_codebook(db, codebook_id) if codebook_id is not None else None
    if book is None:
        return []
    out = []
    for theme in book.themes:
        rows = db.execute("select a.value, c.decided_by, r.language from survey_answer_codes c join survey_answers a "
                          "on a.response_id = c.response_id and a.question_id = c.question_id join survey_responses r "
                          "on r.id = c.response_id where c.question_id = ? and c.theme_id = ? order by "
                          "c.decided_by = ? desc, c.confidence desc, c.response_id",
                          [question_id, theme.id, PERSON]).fetchall()
        chosen: list[Quote] = []
        for text, _, language in rows:
            found = redact(" ".join(text.split()))
            if found.clean and found.text.lower() not in {q.text.lower() for q in chosen} and len(found.text) <= 400:
                chosen.append(Quote(found.text, language or ""))
            if len(chosen) >= quotes:
                break
        out.append(ThemeCount(theme, len(rows), sum(1 for _, by, _ in rows if by == PERSON), chosen))
    return sorted(out, key=lambda c: (-c.answers, c.theme.name.lower()))


def review_queue(db: sqlite_utils.Database, question_id: str, limit: int = 20) -> tuple[list[Unsure], int]:
    """Answers the machine was unsure of and no person has decided, least sure first; and how many there are."""
    rows = db.execute(
        "select c.response_id, max(c.confidence) as best from survey_answer_codes c where c.question_id = ? "
        "and c.decided_by = ? group by c.response_id having best < ? order by best, c.response_id",
        [question_id, MACHINE, UNSURE]).fetchall()
    texts = dict(theming.answer_texts(db, question_id))
    out = []
    for response_id, _ in rows[:limit]:
        suggested = db.execute("select theme_id, confidence from survey_answer_codes where question_id = ? and "
                               "response_id = ? order by confidence desc", [question_id, response_id]).fetchall()
        out.append(Unsure(int(response_id), texts.get(int(response_id), ""),
                          [(int(t), float(c)) for t, c in suggested]))
    return out, len(rows)


def decide(db: sqlite_utils.Database, question_id: str, response_id: int, theme_ids: list[int]) -> None:
    """A person places an answer under these themes (confirming or correcting the machine); it stays so, and
    becomes an example of each, redacted, for the next run."""
    codebook_id = codebook_of(db, question_id)
    book = get_codebook(db, codebook_id) if codebook_id is not None else None
    if book is None:
        raise CodebookError("codebook", N_("Choose a codebook."))
    if not theme_ids or any(book.theme(t) is None for t in theme_ids):
        raise CodebookError("themes", N_("Choose at least one theme for this answer."))
    text = dict(theming.answer_texts(db, question_id)).get(response_id)
    if text is None:
        raise CodebookError("answer", N_("We could not find that answer."))
    stored = db.execute("select vector from survey_answer_vectors where question_id = ? and response_id = ?",
                        [question_id, response_id]).fetchone()
    vector = np.frombuffer(stored[0], dtype=np.float32) if stored else None
    kept = redact(" ".join(text.split())).text[:EXAMPLE_LIMIT]
    with db.atomic():
        db.execute("delete from survey_answer_codes where question_id = ? and response_id = ?",
                   [question_id, response_id])
        db["survey_answer_codes"].insert_all(
            [{"response_id": response_id, "question_id": question_id, "theme_id": t, "confidence": 1.0,
              "decided_by": PERSON, "decided_at": _now()} for t in sorted(set(theme_ids))], replace=True)
        # One correction per answer text in the codebook: deciding again replaces what was decided before.
        db.execute("delete from codebook_examples where source = ? and text = ? and theme_id in "
                   "(select id from codebook_themes where codebook_id = ?)", [CORRECTION, kept, book.id])
        for theme_id in sorted(set(theme_ids)):
            add_example(db, theme_id, kept, CORRECTION, vector)


def add_discovered(db: sqlite_utils.Database, codebook_id: int, question_id: str, discovered_id: int,
                   name: str | None = None) -> int:
    """A theme found by clustering joins the codebook in one step: its name (or the lead's), its quotes as
    examples."""
    found = next((t for t in theming.saved_themes(db, question_id) if t.id == discovered_id), None)
    if found is None:
        raise CodebookError("theme", N_("We could not find that theme."))
    if get_codebook(db, codebook_id) is None:
        raise CodebookError("codebook", N_("Choose a codebook."))
    return add_theme(db, codebook_id, name or found.label, "", found.quotes, DISCOVERED)


def placed_for_export(db: sqlite_utils.Database, question_id: str) -> dict[int, list[str]]:
    """Each answer's codebook themes by name, for exports."""
    names = {t.id: t.name for t in (get_codebook(db, codebook_of(db, question_id) or -1) or Codebook(0, "", "", [])
                                    ).themes}
    out: dict[int, list[str]] = {}
    for response_id, theme_id in db.execute("select response_id, theme_id from survey_answer_codes where "
                                            "question_id = ? order by confidence desc", [question_id]):
        if theme_id in names:
            out.setdefault(int(response_id), []).append(names[theme_id])
    return out

