"""The outcomes log: engagement leads turn a theme into an insight, its recommendations go to boards and come back
with decisions and outcomes (every change kept); residents read "you said, we did" by neighbourhood and by topic;
each meeting gets a board pack as PDF and XLSX."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from accounts.users import ADMIN, ENGAGEMENT_LEAD, User
from directory.messages import N_, ResidentError
from directory.schedules import london_today
from directory.taxonomy import NEIGHBOURHOODS
from portal.auth import allow
from portal.csrf import require_csrf
from portal.dependencies import Db, RowId, row_number
from portal.form_errors import by_field
from portal.templating import render, request_translator, url
from surveys import codebooks, outcomes, store
from surveys.board_pack import board_pack_pdf, board_pack_workbook
from surveys.privacy import suppress_counts
from surveys.quote_translations import with_translations

staff = APIRouter(include_in_schema=False, dependencies=[Depends(allow(ENGAGEMENT_LEAD, ADMIN))])
public = APIRouter(include_in_schema=False)
Lead = Annotated[User, Depends(allow(ENGAGEMENT_LEAD, ADMIN))]
Text = Annotated[str, Form(max_length=4000)]
CSRF = [Depends(require_csrf)]
LOG = "/surveys/outcomes"
PUBLIC = "/you-said-we-did"


def _errors(request: Request, problems: list[ResidentError], default: str) -> dict[str, dict[str, str]]:
    return by_field(request_translator(request), problems, default)


@staff.get(LOG)
def log_page(request: Request, db: Db) -> Response:
    return render(request, db, "surveys/outcomes/log.html", insights=outcomes.all_insights(db),
                  meetings=outcomes.meetings(db), statuses=outcomes.STATUSES)


def _pack(db: Db, board: str, on: str) -> outcomes.BoardPack:
    if (board, on) not in outcomes.meetings(db):
        raise HTTPException(status_code=404, detail="meeting")
    return outcomes.board_pack(db, board, on)


def _filename(pack: outcomes.BoardPack, extension: str) -> str:
    return f"board-pack-{outcomes.slug(pack.board)}-{pack.meeting_on}.{extension}"


@staff.get(f"{LOG}/pack.pdf")
def pack_pdf(request: Request, db: Db, board: str = "", on: str = "") -> Response:
    if not (board or on):  # no meeting chosen: the log lists them
        return RedirectResponse(url(request, LOG), status_code=303)
    pack = _pack(db, board[:200], on[:20])
    body = board_pack_pdf(pack, london_today().isoformat())
    return Response(body, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{_filename(pack, "pdf")}"'})


@staff.get(f"{LOG}/pack.xlsx")
def pack_xlsx(request: Request, db: Db, board: str = "", on: str = "") -> Response:
    if not (board or on):
        return RedirectResponse(url(request, LOG), status_code=303)
    pack = _pack(db, board[:200], on[:20])
    return Response(board_pack_workbook(pack),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{_filename(pack, "xlsx")}"'})


def _from_theme(db: Db, survey_id: str, question_id: str, theme: str, language: str) -> dict[str, object]:
    """What an insight starts from: a codebook theme's name, its count as it may be shown, its quotes."""
    survey = store.get_survey(db, survey_id)
    if survey is None or survey.question(question_id) is None:
        raise HTTPException(status_code=404, detail="question")
    counts = codebooks.counts(db, question_id)
    shown, _ = suppress_counts({c.theme.id: c.answers for c in counts})
    found = next((c for c in counts if str(c.theme.id) == theme), None)
    if found is None:
        raise HTTPException(status_code=404, detail="theme")
    return {"survey": survey, "question_id": question_id, "theme_id": found.theme.id, "title": found.theme.name,
            "answers": shown[found.theme.id], "quotes": with_translations(db, found.quotes, language)}


def _new_page(request: Request, db: Db, source: dict[str, object], problems: list[ResidentError] | None = None,
              **values: str) -> Response:
    errors = _errors(request, problems or [], "title")
    return render(request, db, "surveys/outcomes/new.html", status_code=400 if errors else 200, errors=errors,
                  source=source, values=values, neighbourhoods=NEIGHBOURHOODS, insights=outcomes.all_insights(db))


@staff.get(f"{LOG}/new")
def new_insight_form(request: Request, db: Db, survey: str = "", question: str = "", theme: str = "") -> Response:
    if not (survey or question or theme):  # an insight starts from a codebook theme; the log says where
        return RedirectResponse(url(request, LOG), status_code=303)
    source = _from_theme(db, survey[:100], question[:100], theme[:20], request.state.language)
    return _new_page(request, db, source, title=str(source["title"]))


@staff.post(f"{LOG}/new", dependencies=CSRF)
def new_insight(request: Request, db: Db, lead: Lead, survey: Text = "", question: Text = "", theme: Text = "",
                title: Text = "", you_said: Text = "", topic: Text = "", neighbourhood: Text = "") -> Response:
    source = _from_theme(db, survey[:100], question[:100], theme[:20], request.state.language)
    try:
        insight_id = outcomes.add_insight(db, lead.id, title, you_said, topic, neighbourhood, survey,
                                          question, int(source["theme_id"]), str(source["answers"]),
                                          list(source["quotes"]))  # type: ignore[call-overload]
    except outcomes.OutcomeError as error:
        return _new_page(request, db, source, [error], title=title, you_said=you_said, topic=topic,
                         neighbourhood=neighbourhood)
    return RedirectResponse(url(request, f"{LOG}/{insight_id}", saved="insight"), status_code=303)


@staff.post(f"{LOG}/new/source", dependencies=CSRF)
def add_to_insight(request: Request, db: Db, lead: Lead, survey: Text = "", question: Text = "", theme: Text = "",
                   insight: Text = "") -> Response:
    """The theme, heard in this survey, joins an insight already in the log (one insight, many surveys)."""
    source = _from_theme(db, survey[:100], question[:100], theme[:20], request.state.language)
    try:
        insight_id = row_number(insight)
    except ValueError:
        return _new_page(request, db, source, [outcomes.OutcomeError("insight", N_("Choose an insight."))])
    try:
        outcomes.add_source(db, insight_id, lead.id, survey, question, int(source["theme_id"]),  # type: ignore[call-overload]
                            str(source["answers"]), list(source["quotes"]),  # type: ignore[call-overload]
                            source["survey"].title)  # type: ignore[attr-defined]
    except outcomes.OutcomeError as error:
        return _new_page(request, db, source, [error])
    return RedirectResponse(url(request, f"{LOG}/{insight_id}", saved="source"), status_code=303)


def _insight(db: Db, insight_id: int) -> outcomes.Insight:
    found = outcomes.get_insight(db, insight_id)
    if found is None:
        raise HTTPException(status_code=404, detail="insight")
    return found


def _insight_page(request: Request, db: Db, insight: outcomes.Insight, problems: list[ResidentError] | None = None,
                  editing: str = "", **values: str) -> Response:
    errors = _errors(request, problems or [], "text")
    sources = [{"survey": store.get_survey(db, s.survey_id) if s.survey_id else None, "question_id": s.question_id,
                "answers": s.answers, "quotes": s.quotes} for s in insight.sources]
    return render(request, db, "surveys/outcomes/insight.html", status_code=400 if errors else 200, errors=errors,
                  insight=insight, sources=sources, history=outcomes.history(db, insight.id), values=values,
                  editing=editing, statuses=outcomes.STATUSES, neighbourhoods=NEIGHBOURHOODS,
                  saved=request.query_params.get("saved", ""))


@staff.get(f"{LOG}/{{insight_id}}")
def insight_page(request: Request, db: Db, insight_id: RowId) -> Response:
    return _insight_page(request, db, _insight(db, insight_id))


@staff.post(f"{LOG}/{{insight_id}}/recommendations", dependencies=CSRF)
def save_recommendation(request: Request, db: Db, lead: Lead, insight_id: RowId, recommendation: Text = "",
                        text: Text = "", board: Text = "", meeting_on: Text = "", decision: Text = "",
                        owner: Text = "", actions: Text = "", status: Text = outcomes.PROPOSED,
                        outcome: Text = "") -> Response:
    """A new recommendation, or a change to one (its id sent): decided, owned, acted on, done."""
    insight = _insight(db, insight_id)
    fields = {"text": text, "board": board, "meeting_on": meeting_on, "decision": decision, "owner": owner,
              "actions": actions, "status": status, "outcome": outcome}
    try:
        existing = row_number(recommendation) if recommendation else None
    except ValueError:
        raise HTTPException(status_code=400, detail="recommendation") from None
    try:
        outcomes.save_recommendation(db, insight.id, lead.id, existing, **fields)
    except outcomes.OutcomeError as error:
        if error.field == "recommendation":
            raise HTTPException(status_code=404, detail="recommendation") from None
        form = recommendation or "new"
        error.field = f"{error.field}-{form}"  # the box in the form that was sent, of several on the page
        return _insight_page(request, db, insight, [error], editing=form, **fields)
    return RedirectResponse(url(request, f"{LOG}/{insight.id}", saved="recommendation"), status_code=303)


@staff.post(f"{LOG}/{{insight_id}}", dependencies=CSRF)
def update_insight(request: Request, db: Db, lead: Lead, insight_id: RowId, title: Text = "", you_said: Text = "",
                   topic: Text = "", neighbourhood: Text = "") -> Response:
    insight = _insight(db, insight_id)
    try:
        outcomes.update_insight(db, insight.id, lead.id, title, you_said, topic, neighbourhood)
    except outcomes.OutcomeError as error:
        return _insight_page(request, db, insight, [error], editing="insight", title=title, you_said=you_said,
                             topic=topic, neighbourhood=neighbourhood)
    return RedirectResponse(url(request, f"{LOG}/{insight.id}", saved="insight"), status_code=303)


# What residents read ---------------------------------------------------------------------------------------------

@public.get(PUBLIC)
def you_said_index(request: Request, db: Db) -> Response:
    found = outcomes.published(db)
    return render(request, db, "surveys/outcomes/public_index.html", neighbourhoods=NEIGHBOURHOODS,
                  topics=outcomes.topics(db), count=len(found))


@public.get(f"{PUBLIC}/neighbourhood/{{number}}")
def you_said_neighbourhood(request: Request, db: Db, number: int) -> Response:
    place = next((n for n in NEIGHBOURHOODS if n.number == number), None)
    if place is None:
        raise HTTPException(status_code=404, detail="neighbourhood")
    return render(request, db, "surveys/outcomes/public_list.html", heading=place.name, place=place,
                  insights=outcomes.by_neighbourhood(db, number), statuses=outcomes.STATUSES,
                  neighbourhoods=NEIGHBOURHOODS, titles=_titles(db))


@public.get(f"{PUBLIC}/topic/{{topic}}")
def you_said_topic(request: Request, db: Db, topic: str) -> Response:
    names = outcomes.topics(db)
    if topic not in names:
        raise HTTPException(status_code=404, detail="topic")
    return render(request, db, "surveys/outcomes/public_list.html", heading=names[topic], place=None,
                  insights=outcomes.by_topic(db, topic), statuses=outcomes.STATUSES, neighbourhoods=NEIGHBOURHOODS,
                  titles=_titles(db))


def _titles(db: Db) -> dict[str, str]:
    return {s.id: s.title for s in store.all_surveys(db)}
