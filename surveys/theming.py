"""Themes for a survey's free-text question, kept in the database, with the engagement lead's edits.

The first run clusters every answer. Later runs only place answers that have no theme yet: each joins
the theme whose centre it is nearest, if near enough, and the rest are clustered into new themes. So an
answer once placed (by the machine or moved by a person) stays where it is, and renamed, merged and
split themes survive any number of re-runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import sqlite_utils

from directory.embeddings import Embedder
from directory.messages import N_, FieldError
from surveys import themes

# Cosine similarity to a theme's centre at which a new answer joins it. e5 vectors of unrelated answers still
# score 0.80-0.87, and answers on one theme 0.92-0.96 (tests/surveys/test_theming.py), so the bar is high.
JOIN = 0.90
Progress = Callable[[int, int], None]
LABEL_LIMIT = 80


class ThemeError(FieldError):
    """An edit to the themes that cannot be made as asked."""


@dataclass
class SavedTheme:
    id: int
    label: str
    label_edited: bool
    size: int
    quotes: list[str]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def answer_texts(db: sqlite_utils.Database, question_id: str) -> list[tuple[int, str]]:
    rows = db.execute("select response_id, value from survey_answers where question_id = ? and value != '' "
                      "order by response_id", [question_id])
    return [(int(r), v) for r, v in rows]


def answer_vectors(db: sqlite_utils.Database, question_id: str, ids: list[int], embedder: Embedder,
             texts: dict[int, str], progress: Progress | None = None) -> np.ndarray:
    """Each answer's vector, embedding (and keeping) only those not embedded before."""
    stored = {r: np.frombuffer(v, dtype=np.float32) for r, v in db.execute(
        "select response_id, vector from survey_answer_vectors where question_id = ?", [question_id])}
    missing = [i for i in ids if i not in stored]
    if missing:
        fresh = themes.embed([texts[i] for i in missing], embedder, progress)
        db["survey_answer_vectors"].insert_all(
            [{"response_id": i, "question_id": question_id, "vector": v.astype(np.float32).tobytes()}
             for i, v in zip(missing, fresh, strict=True)], replace=True)
        stored.update(dict(zip(missing, fresh, strict=True)))
    return np.array([stored[i] for i in ids], dtype=np.float32).reshape(len(ids), -1)


def _live_themes(db: sqlite_utils.Database, question_id: str) -> list[dict]:  # type: ignore[type-arg]
    return list(db["survey_themes"].rows_where("question_id = ? and merged_into is null", [question_id],
                                               order_by="id"))


def _centre(row: dict) -> np.ndarray:  # type: ignore[type-arg]
    return np.frombuffer(row["centre"], dtype=np.float32)


def _new_theme(db: sqlite_utils.Database, survey_id: str, question_id: str, centre: np.ndarray) -> int:
    return int(db["survey_themes"].insert({
        "survey_id": survey_id, "question_id": question_id, "label": "", "words": "[]", "label_edited": 0,
        "centre": (centre / max(float(np.linalg.norm(centre)), 1e-12)).astype(np.float32).tobytes(),
        "merged_into": None, "created_at": _now()}).last_pk)


def run(db: sqlite_utils.Database, survey_id: str, question_id: str, embedder: Embedder,
        progress: Progress | None = None) -> int:
    """Place every answer without a theme; returns how many were placed now. `progress(done, total)` hears how
    many answers are embedded so far (the long part)."""
    answers = answer_texts(db, question_id)
    texts = dict(answers)
    placed = {r for (r,) in db.execute("select response_id from survey_theme_members where question_id = ?",
                                       [question_id])}
    waiting = [r for r, _ in answers if r not in placed]
    if not waiting:
        return 0
    vectors = answer_vectors(db, question_id, waiting, embedder, texts, progress)
    live = _live_themes(db, question_id)
    with db.atomic():
        leftover = list(range(len(waiting)))
        if live:
            centres = np.stack([_centre(t) for t in live])
            similarity = vectors @ centres.T
            best = similarity.argmax(axis=1)
            joined = [i for i in leftover if similarity[i, best[i]] >= JOIN or len(waiting) < 5]
            db["survey_theme_members"].insert_all(
                [{"response_id": waiting[i], "question_id": question_id, "theme_id": live[best[i]]["id"], "pinned": 0}
                 for i in joined], replace=True)
            leftover = [i for i in leftover if i not in set(joined)]
        if leftover:
            found, centres = themes.cluster(vectors[leftover], themes.choose_count(len(leftover)))
            ids = [_new_theme(db, survey_id, question_id, centre) for centre in centres]
            db["survey_theme_members"].insert_all(
                [{"response_id": waiting[i], "question_id": question_id, "theme_id": ids[c], "pinned": 0}
                 for i, c in zip(leftover, found.tolist(), strict=True)], replace=True)
        relabel(db, question_id)
    return len(waiting)


def _members(db: sqlite_utils.Database, theme_id: int) -> list[int]:
    return [int(r) for (r,) in db.execute("select response_id from survey_theme_members where theme_id = ? "
                                          "order by response_id", [theme_id])]


def relabel(db: sqlite_utils.Database, question_id: str) -> None:
    """Name each theme the engagement lead has not named by the words that set it apart from the others."""
    rows = db.execute("select m.theme_id, a.value from survey_theme_members m join survey_answers a on "
                      "a.response_id = m.response_id and a.question_id = m.question_id where m.question_id = ?",
                      [question_id]).fetchall()
    words = themes.distinctive_words([v for _, v in rows], [t for t, _ in rows], themes.LABEL_WORDS)
    for theme in _live_themes(db, question_id):
        found = words.get(theme["id"], [])
        update = {"words": json.dumps(found, ensure_ascii=False)}
        if not theme["label_edited"]:
            update["label"] = themes.label(found)
        db["survey_themes"].update(theme["id"], update)


def saved_themes(db: sqlite_utils.Database, question_id: str, embedder: Embedder | None = None) -> list[SavedTheme]:
    """The question's themes, largest first, each with its quotes (nearest its centre, nothing to redact first)."""
    texts = dict(answer_texts(db, question_id))
    out = []
    for theme in _live_themes(db, question_id):
        members = _members(db, theme["id"])
        quotes: list[str] = []
        if members:
            stored = {r: np.frombuffer(v, dtype=np.float32) for r, v in db.execute(
                "select response_id, vector from survey_answer_vectors where question_id = ? and response_id in "
                f"({','.join('?' * len(members))})", [question_id, *members])}
            have = [m for m in members if m in stored]
            if have:
                vectors = np.array([stored[m] for m in have], dtype=np.float32)
                quotes = themes.representative_quotes([texts[m] for m in have], vectors, np.arange(len(have)),
                                                      _centre(theme))
        out.append(SavedTheme(theme["id"], theme["label"], bool(theme["label_edited"]), len(members), quotes))
    return sorted(out, key=lambda t: (-t.size, t.id))


def _theme(db: sqlite_utils.Database, question_id: str, theme_id: int) -> dict:  # type: ignore[type-arg]
    rows = list(db["survey_themes"].rows_where("id = ? and question_id = ? and merged_into is null",
                                               [theme_id, question_id]))
    if not rows:
        raise ThemeError("theme", N_("We could not find that theme."))
    return rows[0]


def rename(db: sqlite_utils.Database, question_id: str, theme_id: int, label: str) -> None:
    _theme(db, question_id, theme_id)
    if not label.strip():
        raise ThemeError("label", N_("Give the theme a name."))
    if len(label) > LABEL_LIMIT:
        raise ThemeError("label", N_("Use {count} characters or fewer."), count=LABEL_LIMIT)
    db["survey_themes"].update(theme_id, {"label": label.strip(), "label_edited": 1})


def merge(db: sqlite_utils.Database, question_id: str, into: int, others: list[int]) -> None:
    """Fold other themes into one; its centre becomes their size-weighted mean, so new answers follow."""
    target = _theme(db, question_id, into)
    sources = [_theme(db, question_id, t) for t in others if t != into]
    if not sources:
        raise ThemeError("merge", N_("Choose at least one other theme to merge into this one."))
    weights = [len(_members(db, t["id"])) or 1 for t in [target, *sources]]
    centre = sum(w * _centre(t) for w, t in zip(weights, [target, *sources], strict=True))
    with db.atomic():
        for source in sources:
            db.execute("update survey_theme_members set theme_id = ? where theme_id = ?", [into, source["id"]])
            db["survey_themes"].update(source["id"], {"merged_into": into})
        db["survey_themes"].update(into, {"centre": (centre / np.linalg.norm(centre)).astype(np.float32).tobytes()})
        relabel(db, question_id)


def split(db: sqlite_utils.Database, survey_id: str, question_id: str, theme_id: int, embedder: Embedder) -> int:
    """Divide a theme in two by meaning; the part nearer its old centre keeps it (and its name). Returns the new id."""
    theme = _theme(db, question_id, theme_id)
    members = _members(db, theme_id)
    if len(members) < 2:
        raise ThemeError("split", N_("A theme needs at least two answers to be split."))
    vectors = answer_vectors(db, question_id, members, embedder, dict(answer_texts(db, question_id)))
    found, centres = themes.cluster(vectors, 2)
    keep = int(np.argmax(centres @ _centre(theme)))
    with db.atomic():
        new_id = _new_theme(db, survey_id, question_id, centres[1 - keep])
        moved = [members[i] for i, c in enumerate(found.tolist()) if c != keep]
        db.execute(f"update survey_theme_members set theme_id = ? where question_id = ? and response_id in "
                   f"({','.join('?' * len(moved))})", [new_id, question_id, *moved])
        db["survey_themes"].update(theme_id, {"centre": centres[keep].astype(np.float32).tobytes()})
        relabel(db, question_id)
    return new_id


def move(db: sqlite_utils.Database, question_id: str, response_id: int, theme_id: int) -> None:
    """Put one answer in another theme, by hand; it stays there whatever runs later."""
    _theme(db, question_id, theme_id)
    cursor = db.execute("update survey_theme_members set theme_id = ?, pinned = 1 where question_id = ? and "
                        "response_id = ?", [theme_id, question_id, response_id])
    if cursor.rowcount != 1:
        raise ThemeError("answer", N_("We could not find that answer."))
    relabel(db, question_id)


def members_of(db: sqlite_utils.Database, question_id: str, theme_id: int) -> list[tuple[int, str, bool]]:
    """A theme's answers (response id, text, moved by hand), for moving one elsewhere."""
    return [(int(r), v, bool(p)) for r, v, p in db.execute(
        "select m.response_id, a.value, m.pinned from survey_theme_members m join survey_answers a on "
        "a.response_id = m.response_id and a.question_id = m.question_id where m.theme_id = ? "
        "order by m.response_id", [theme_id])]
