"""Surveys, their questions and translations, and residents' anonymous answers, in the directory's SQLite file.

The tables are made by the file's one migration runner (directory/schema_migrations/0016_surveys.sql).
A response holds the day it was given, its language and its answers: nothing about who.
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlite_utils

from directory.schedules import london_today
from surveys.questions import Option, Question

_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: a code read off a poster is typed right


@dataclass
class Survey:
    id: str
    code: str  # the short link: /s/{code}
    title: str
    purpose: str
    audience: str
    opens_on: str
    closes_on: str
    published: bool
    closed_at: str | None = None
    you_said: str = ""
    we_did: str = ""
    questions: list[Question] = field(default_factory=list)  # what is asked now
    earlier: list[Question] = field(default_factory=list)  # retired versions, no longer asked, kept with answers

    def state(self, today: date) -> str:
        """draft, scheduled, open or closed, as a resident arriving today would find it."""
        if not self.published:
            return "draft"
        if self.closed_at or (self.closes_on and today.isoformat() > self.closes_on):
            return "closed"
        if self.opens_on and today.isoformat() < self.opens_on:
            return "scheduled"
        return "open"

    def last_day(self) -> str:
        """The last day it was open: its closing date, or the day it was closed early if that came first."""
        closed = (self.closed_at or "")[:10]
        return min(closed, self.closes_on) if closed and self.closes_on else (closed or self.closes_on)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_code(db: sqlite_utils.Database) -> str:
    while True:
        code = "".join(secrets.choice(_ALPHABET) for _ in range(6))
        if not db.execute("select 1 from surveys where code = ?", [code]).fetchone():
            return code


def create_survey(db: sqlite_utils.Database, title: str, purpose: str, audience: str, opens_on: str, closes_on: str,
                  by: str) -> Survey:
    survey_id = str(uuid.uuid4())
    db["surveys"].insert({"id": survey_id, "code": new_code(db), "title": title.strip(), "purpose": purpose.strip(),
                          "audience": audience.strip(), "opens_on": opens_on, "closes_on": closes_on, "published": 0,
                          "closed_at": None, "created_by": by, "created_at": datetime.now(UTC).isoformat(),
                          "you_said": "", "we_did": ""})
    found = get_survey(db, survey_id)
    assert found is not None
    return found


def update_survey(db: sqlite_utils.Database, survey_id: str, **fields: object) -> None:
    allowed = {"title", "purpose", "audience", "opens_on", "closes_on", "published", "closed_at", "you_said",
               "we_did"}
    db["surveys"].update(survey_id, {k: v for k, v in fields.items() if k in allowed})


def _question(row: dict) -> Question:  # type: ignore[type-arg]
    return Question(row["id"], row["kind"], row["prompt"], row["help"] or "", bool(row["required"]),
                    [Option(o["value"], o["label"]) for o in json.loads(row["options"] or "[]")],
                    row["show_if"], json.loads(row["show_if_values"] or "[]"), row["position"])


def _survey(db: sqlite_utils.Database, row: dict) -> Survey:  # type: ignore[type-arg]
    rows = list(db["survey_questions"].rows_where("survey_id = ?", [row["id"]], order_by="position, id"))
    return Survey(row["id"], row["code"], row["title"], row["purpose"] or "", row["audience"] or "",
                  row["opens_on"] or "", row["closes_on"] or "", bool(row["published"]), row["closed_at"],
                  row["you_said"] or "", row["we_did"] or "",
                  [_question(q) for q in rows if not q.get("retired_at")],
                  [_question(q) for q in rows if q.get("retired_at")])


def get_survey(db: sqlite_utils.Database, survey_id: str) -> Survey | None:
    rows = list(db["surveys"].rows_where("id = ?", [survey_id]))
    return _survey(db, rows[0]) if rows else None


def survey_by_code(db: sqlite_utils.Database, code: str) -> Survey | None:
    rows = list(db["surveys"].rows_where("code = ?", [code.strip().lower()]))
    return _survey(db, rows[0]) if rows else None


def all_surveys(db: sqlite_utils.Database) -> list[Survey]:
    return [_survey(db, row) for row in db["surveys"].rows_where(order_by="created_at desc")]


def save_question(db: sqlite_utils.Database, survey_id: str, question: Question) -> Question:
    """Add a question at the end, or replace one in place (keeping its position)."""
    if not question.id:
        question.id = str(uuid.uuid4())
        last = db.execute("select coalesce(max(position), 0) from survey_questions where survey_id = ?",
                          [survey_id]).fetchone()[0]
        question.position = last + 1
    db["survey_questions"].insert({
        "id": question.id, "survey_id": survey_id, "position": question.position, "kind": question.kind,
        "prompt": question.prompt.strip(), "help": question.help.strip(), "required": int(question.required),
        "options": json.dumps([{"value": o.value, "label": o.label} for o in question.options], ensure_ascii=False),
        "show_if": question.show_if, "show_if_values": json.dumps(question.show_if_values),
    }, replace=True)
    return question


def set_text(db: sqlite_utils.Database, survey_id: str, language: str, key: str, text: str) -> None:
    """One translated piece of a survey (its title, a question's prompt, an option's label); empty removes it."""
    if text.strip():
        db["survey_texts"].insert({"survey_id": survey_id, "language": language, "key": key, "text": text.strip()},
                                  replace=True)
    else:
        db.execute("delete from survey_texts where survey_id = ? and language = ? and key = ?",
                   [survey_id, language, key])


def texts(db: sqlite_utils.Database, survey_id: str, language: str) -> dict[str, str]:
    rows = db.execute("select key, text from survey_texts where survey_id = ? and language = ?",
                      [survey_id, language])
    return dict(rows.fetchall())


def answered(db: sqlite_utils.Database, question_id: str) -> bool:
    found = db.execute("select 1 from survey_answers where question_id = ? limit 1", [question_id]).fetchone()
    return found is not None


def changes_meaning(before: Question, after: Question) -> bool:
    """What it asks, its kind or its answers' wording changed (help text and "required" do not)."""
    return (before.kind, before.prompt.strip(), [o.label for o in before.options]) != \
        (after.kind, after.prompt.strip(), [o.label for o in after.options])


def new_version(db: sqlite_utils.Database, survey_id: str, before: Question, after: Question) -> Question:
    """Ask `after` in place of `before` from now on; `before` is retired with its answers and its words."""
    after.id, after.position = str(uuid.uuid4()), before.position
    with db.atomic():
        db.execute("update survey_questions set retired_at = ? where id = ?", [_now(), before.id])
        save_question(db, survey_id, after)
        db.execute("update survey_questions set replaces = ? where id = ?", [before.id, after.id])
        # Questions shown after a given answer follow the new version (an answer that kept its words kept its value).
        db.execute("update survey_questions set show_if = ? where show_if = ? and retired_at is null",
                   [after.id, before.id])
    return after


def retire_question(db: sqlite_utils.Database, question_id: str) -> None:
    """No longer ask it; its answers, and the words they answered, are kept."""
    db.execute("update survey_questions set retired_at = ? where id = ?", [_now(), question_id])


def delete_question(db: sqlite_utils.Database, question_id: str) -> None:
    with db.atomic():
        db.execute("delete from survey_texts where key like ?", [f"q:{question_id}:%"])
        db.execute("delete from survey_questions where id = ?", [question_id])


def unthemed(db: sqlite_utils.Database, question_id: str) -> int:
    """How many answers to a free-text question are not in a theme yet."""
    return db.execute(
        "select count(*) from survey_answers a where a.question_id = ? and a.value != '' and not exists ("
        "select 1 from survey_theme_members m where m.response_id = a.response_id and m.question_id = a.question_id)",
        [question_id]).fetchone()[0]


KEEP_MONTHS = 24  # what the consent statement promises residents


def purge_expired(db: sqlite_utils.Database, today: date | None = None, months: int = KEEP_MONTHS) -> int:
    """Delete answers older than the promised keeping time, with their vectors and theme places; returns how many
    responses went. Themes, counts already exported and "you said, we did" stay."""
    day = today or london_today()
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    cutoff = date(year, month + 1, min(day.day, 28)).isoformat()
    old = [r for (r,) in db.execute("select id from survey_responses where submitted_on < ?", [cutoff])]
    if not old:
        return 0
    with db.atomic():
        for table in ("survey_answers", "survey_answer_vectors", "survey_theme_members", "survey_answer_codes"):
            db.execute(f"delete from {table} where response_id in (select id from survey_responses "
                       "where submitted_on < ?)", [cutoff])
        db.execute("delete from survey_responses where submitted_on < ?", [cutoff])
    return len(old)
