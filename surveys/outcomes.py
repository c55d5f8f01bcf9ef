"""The People's Partnership's outcomes log: how what residents said led to what was done.

An insight is a theme from a survey's answers, with its count and quotes as they stood when the lead wrote it up
(counts under 5 already withheld, quotes already redacted), a plain "you said" summary, a topic and, where it is
about one place, a neighbourhood. Each insight becomes recommendations; a recommendation is taken to a named
board or meeting on a date, gets a decision, an owner, actions, a status and at last an outcome. Every change is
kept in the history, so a board can see what changed since it last met.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlite_utils

from directory.messages import N_, FieldError
from directory.taxonomy import NEIGHBOURHOODS
from referrals import flows
from surveys.quote_translations import Quote

PROPOSED, AGREED, IN_PROGRESS, DONE, NOT_TAKEN = "proposed", "agreed", "in_progress", "done", "not_taken_forward"
STATUSES = {PROPOSED: N_("Not decided yet"), AGREED: N_("Agreed"), IN_PROGRESS: N_("In progress"), DONE: N_("Done"),
            NOT_TAKEN: N_("Not taken forward")}
DECIDED = (AGREED, IN_PROGRESS, DONE, NOT_TAKEN)  # shown to the public: a board has said what happens
OPEN = (PROPOSED, AGREED, IN_PROGRESS)
TITLE_LIMIT, TOPIC_LIMIT, NAME_LIMIT, TEXT_LIMIT = 120, 60, 120, 2000
RECOMMENDATION_FIELDS = ("text", "board", "meeting_on", "decision", "owner", "actions", "status", "outcome")
INSIGHT_FIELDS = ("title", "you_said", "topic", "neighbourhood")


class OutcomeError(FieldError):
    """A change to the log that cannot be made as asked; says which box and why."""


@dataclass
class Change:
    field: str
    before: str
    after: str
    changed_at: str
    changed_by: str
    recommendation_id: int | None


@dataclass
class Recommendation:
    id: int
    insight_id: int
    text: str
    board: str
    meeting_on: str | None
    decision: str
    owner: str
    actions: str
    status: str
    outcome: str
    updated_at: str

    @property
    def decided(self) -> bool:
        return self.status in DECIDED


@dataclass
class Source:
    """One survey's evidence for an insight: the theme's count (as it may be shown) and quotes, as they stood."""

    survey_id: str | None
    question_id: str | None
    theme_id: int | None
    answers: str
    quotes: list[Quote]
    added_at: str


@dataclass
class Insight:
    id: int
    title: str
    you_said: str
    topic: str
    neighbourhood: int | None
    survey_id: str | None
    question_id: str | None
    theme_id: int | None
    answers: str  # as it may be shown: "23", "<5"
    quotes: list[Quote]  # as they stood, each with the translation shown to the lead who wrote the insight up
    created_at: str
    recommendations: list[Recommendation] = field(default_factory=list)
    more: list[Source] = field(default_factory=list)  # the same theme heard in later surveys

    @property
    def sources(self) -> list[Source]:
        """Every survey it draws on, the first it was written up from first."""
        first = Source(self.survey_id, self.question_id, self.theme_id, self.answers, self.quotes, self.created_at)
        return [first, *self.more]

    @property
    def decided(self) -> list[Recommendation]:
        return [r for r in self.recommendations if r.decided]


def slug(text: str) -> str:
    """A topic's address: "Getting a GP appointment" -> "getting-a-gp-appointment" (letters of any script kept)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[^\w]+", "-", folded).strip("-_")[:TOPIC_LIMIT] or "topic"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _text(name: str, value: str, limit: int, required: bool = False) -> str:
    tidy = value.strip()
    if required and not tidy:
        raise OutcomeError(name, N_("Write something here."))
    if len(tidy) > limit:
        raise OutcomeError(name, N_("Use {count} characters or fewer."), count=limit)
    return tidy


def _neighbourhood(value: str | int | None) -> int | None:
    if value in (None, "", "0"):
        return None
    try:
        number = int(value)
    except ValueError:
        raise OutcomeError("neighbourhood", N_("Choose a neighbourhood from the list.")) from None
    if number not in {n.number for n in NEIGHBOURHOODS}:
        raise OutcomeError("neighbourhood", N_("Choose a neighbourhood from the list."))
    return number


def _day(name: str, value: str | None) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise OutcomeError(name, N_("Enter a real date, like 2027-01-28.")) from None


def _record(db: sqlite_utils.Database, insight_id: int, recommendation_id: int | None, changes: dict[str, tuple],
            by: str) -> None:
    db["outcome_history"].insert_all([
        {"insight_id": insight_id, "recommendation_id": recommendation_id, "field": name,
         "before": "" if before is None else str(before), "after": "" if after is None else str(after),
         "changed_at": _now(), "changed_by": by} for name, (before, after) in changes.items() if before != after])


def _insight_values(title: str, you_said: str, topic: str, neighbourhood: str | int | None) -> dict[str, object]:
    return {"title": _text("title", title, TITLE_LIMIT, required=True),
            "you_said": _text("you_said", you_said, TEXT_LIMIT, required=True),
            "topic": _text("topic", topic, TOPIC_LIMIT, required=True), "neighbourhood": _neighbourhood(neighbourhood)}


def add_insight(db: sqlite_utils.Database, by: str, title: str, you_said: str, topic: str,
                neighbourhood: str | int | None = None, survey_id: str | None = None, question_id: str | None = None,
                theme_id: int | None = None, answers: str = "", quotes: list[Quote] | None = None) -> int:
    values = _insight_values(title, you_said, topic, neighbourhood)
    with db.atomic():
        insight_id = int(db["insights"].insert({
            **values, "survey_id": survey_id, "question_id": question_id, "theme_id": theme_id, "answers": answers,
            "quotes": json.dumps([vars(q) for q in quotes or []], ensure_ascii=False), "created_at": _now(),
            "created_by": by}).last_pk)
        _record(db, insight_id, None, {"created": ("", values["title"])}, by)
    return insight_id


def update_insight(db: sqlite_utils.Database, insight_id: int, by: str, title: str, you_said: str, topic: str,
                   neighbourhood: str | int | None) -> None:
    before = get_insight(db, insight_id)
    if before is None:
        raise OutcomeError("insight", N_("We could not find that insight."))
    values = _insight_values(title, you_said, topic, neighbourhood)
    with db.atomic():
        db["insights"].update(insight_id, values)
        _record(db, insight_id, None, {k: (getattr(before, k), v) for k, v in values.items()}, by)


def add_source(db: sqlite_utils.Database, insight_id: int, by: str, survey_id: str, question_id: str, theme_id: int,
               answers: str, quotes: list[Quote], survey_title: str = "") -> None:
    """The same theme heard in another survey joins the insight, with its count and quotes as they stand."""
    insight = get_insight(db, insight_id)
    if insight is None:
        raise OutcomeError("insight", N_("We could not find that insight."))
    if any((s.question_id, s.theme_id) == (question_id, theme_id) for s in insight.sources):
        raise OutcomeError("insight", N_("This theme is already part of that insight."))
    with db.atomic():
        db["insight_sources"].insert({
            "insight_id": insight_id, "survey_id": survey_id, "question_id": question_id, "theme_id": theme_id,
            "answers": answers, "quotes": json.dumps([vars(q) for q in quotes], ensure_ascii=False),
            "added_at": _now(), "added_by": by})
        _record(db, insight_id, None, {"source": ("", survey_title or survey_id)}, by)


def _recommendation_values(text: str, board: str, meeting_on: str, decision: str, owner: str, actions: str,
                           status: str, outcome: str) -> dict[str, object]:
    if status not in STATUSES:
        raise OutcomeError("status", N_("Choose a status from the list."))
    values: dict[str, object] = {
        "text": _text("text", text, TEXT_LIMIT, required=True), "board": _text("board", board, NAME_LIMIT),
        "meeting_on": _day("meeting_on", meeting_on), "decision": _text("decision", decision, TEXT_LIMIT),
        "owner": _text("owner", owner, NAME_LIMIT), "actions": _text("actions", actions, TEXT_LIMIT),
        "status": status, "outcome": _text("outcome", outcome, TEXT_LIMIT)}
    if status != PROPOSED and not (values["board"] and values["meeting_on"]):
        raise OutcomeError("board", N_("Say which board or meeting decided this, and when."))
    if status in (AGREED, IN_PROGRESS, DONE) and not values["owner"]:
        raise OutcomeError("owner", N_("Say who owns this once it is agreed."))
    if status == DONE and not values["outcome"]:
        raise OutcomeError("outcome", N_("Say what changed, so residents can read what came of it."))
    return values


def save_recommendation(db: sqlite_utils.Database, insight_id: int, by: str, recommendation_id: int | None = None,
                        **fields: str) -> int:
    """Add a recommendation to an insight, or change one; every changed box goes in the history."""
    if get_insight(db, insight_id) is None:
        raise OutcomeError("insight", N_("We could not find that insight."))
    values = _recommendation_values(**{k: fields.get(k, "") for k in RECOMMENDATION_FIELDS})
    with db.atomic():
        if recommendation_id is None:
            recommendation_id = int(db["recommendations"].insert(
                {**values, "insight_id": insight_id, "updated_at": _now()}).last_pk)
            _record(db, insight_id, recommendation_id, {"recommendation": ("", values["text"]),
                                                       "status": ("", values["status"])}, by)
            return recommendation_id
        rows = list(db["recommendations"].rows_where("id = ? and insight_id = ?", [recommendation_id, insight_id]))
        if not rows:
            raise OutcomeError("recommendation", N_("We could not find that recommendation."))
        db["recommendations"].update(recommendation_id, {**values, "updated_at": _now()})
        _record(db, insight_id, recommendation_id, {k: (rows[0][k], v) for k, v in values.items()}, by)
    return recommendation_id


def _recommendation(row: dict) -> Recommendation:  # type: ignore[type-arg]
    return Recommendation(row["id"], row["insight_id"], row["text"], row["board"], row["meeting_on"], row["decision"],
                          row["owner"], row["actions"], row["status"], row["outcome"], row["updated_at"])


def _quotes(stored: str | None) -> list[Quote]:
    return [Quote(**q) for q in json.loads(stored or "[]")]


def _insight(db: sqlite_utils.Database, row: dict) -> Insight:  # type: ignore[type-arg]
    recommendations = [_recommendation(r) for r in db["recommendations"].rows_where(
        "insight_id = ?", [row["id"]], order_by="id")]
    more = [Source(r["survey_id"], r["question_id"], r["theme_id"], r["answers"], _quotes(r["quotes"]), r["added_at"])
            for r in db["insight_sources"].rows_where("insight_id = ?", [row["id"]], order_by="id")]
    return Insight(row["id"], row["title"], row["you_said"], row["topic"], row["neighbourhood"], row["survey_id"],
                   row["question_id"], row["theme_id"], row["answers"], _quotes(row["quotes"]), row["created_at"],
                   recommendations, more)


def get_insight(db: sqlite_utils.Database, insight_id: int) -> Insight | None:
    rows = list(db["insights"].rows_where("id = ?", [insight_id]))
    return _insight(db, rows[0]) if rows else None


def all_insights(db: sqlite_utils.Database) -> list[Insight]:
    return [_insight(db, row) for row in db["insights"].rows_where(order_by="created_at desc, id desc")]


def history(db: sqlite_utils.Database, insight_id: int) -> list[Change]:
    return [Change(r["field"], r["before"], r["after"], r["changed_at"], r["changed_by"] or "", r["recommendation_id"])
            for r in db["outcome_history"].rows_where("insight_id = ?", [insight_id], order_by="id")]


# What the public reads ------------------------------------------------------------------------------------------

def published(db: sqlite_utils.Database) -> list[Insight]:
    """Insights a board has decided something about, with only the decided recommendations."""
    out = []
    for insight in all_insights(db):
        if insight.decided:
            insight.recommendations = insight.decided
            out.append(insight)
    return out


def by_neighbourhood(db: sqlite_utils.Database, number: int) -> list[Insight]:
    """A neighbourhood's page holds what was said about it and what was said borough-wide."""
    return [i for i in published(db) if i.neighbourhood in (None, number)]


def topics(db: sqlite_utils.Database) -> dict[str, str]:
    """Each published topic by its address."""
    return {slug(i.topic): i.topic for i in sorted(published(db), key=lambda i: i.topic.casefold())}


def by_topic(db: sqlite_utils.Database, topic_slug: str) -> list[Insight]:
    return [i for i in published(db) if slug(i.topic) == topic_slug]


# A board pack ----------------------------------------------------------------------------------------------------

@dataclass
class BoardPack:
    board: str
    meeting_on: str
    since: str | None  # the same board's meeting before this one
    new_insights: list[Insight]
    open: list[tuple[Insight, Recommendation]]
    changed: list[tuple[Insight, Change]]
    titles: dict[str, str] = field(default_factory=dict)  # survey id -> title, for saying where a count came from
    referrals: list[tuple[str, str, str]] = field(default_factory=list)  # flows since the last meeting, suppressed


def meetings(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """Every (board, date) a recommendation was taken to, newest first."""
    return [(b, d) for b, d in db.execute("select distinct board, meeting_on from recommendations where board != '' "
                                           "and meeting_on is not null order by meeting_on desc, board")]


def board_pack(db: sqlite_utils.Database, board: str, meeting_on: str) -> BoardPack:
    """For one meeting: insights written since the board last met, recommendations still open (for this board
    or not yet taken anywhere), and every change in the log since the last meeting, up to this one."""
    earlier = [d for b, d in meetings(db) if b == board and d < meeting_on]
    since = max(earlier) if earlier else None
    until = f"{meeting_on}T23:59:59"
    insights = all_insights(db)
    new = [i for i in insights if (since is None or i.created_at > f"{since}T23:59:59") and i.created_at <= until]
    still_open = [(i, r) for i in insights for r in i.recommendations
                  if r.status in OPEN and r.board in (board, "")]
    changed = []
    for insight in insights:
        for change in history(db, insight.id):
            if (since is None or change.changed_at > f"{since}T23:59:59") and change.changed_at <= until:
                changed.append((insight, change))
    titles = {str(i): str(t) for i, t in db.execute("select id, title from surveys")}
    window = flows.flows(db, f"{since}T23:59:59" if since else None, until)
    return BoardPack(board, meeting_on, since, new, still_open, changed, titles,
                     flows.labelled(db, flows.rows(window)))
