"""Signing staff in and posting forms as a browser would, with the page's own CSRF token."""

from __future__ import annotations

import html
import re

import sqlite_utils
from fastapi.testclient import TestClient

from accounts import users
from directory import organisations

PASSWORD = "kettle orbit plum sandal"


def token(client: TestClient, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def post(client: TestClient, path: str, form_page: str, **data: str):  # noqa: ANN201
    return client.post(path, data={"csrf_token": token(client, form_page), **data}, follow_redirects=False)


def send_changed(client: TestClient, path: str, **changed: str | list[str]):  # noqa: ANN201
    """Open a form, change some answers as a person would, and send it."""
    fields = form_fields(client.get(path).text)
    for name, value in changed.items():
        fields[name] = value if isinstance(value, list) else [value]
    return client.post(path, data=fields, follow_redirects=False)


def sign_in(client: TestClient, email: str, password: str = PASSWORD):  # noqa: ANN201
    return post(client, "/account/sign-in", "/account/sign-in", email=email, password=password)


def form_fields(html: str) -> dict[str, list[str]]:
    """What a browser would send from the first form with a CSRF token: text, ticked boxes, chosen options."""
    form = html[html.rfind("<", 0, html.index('name="csrf_token"')):]
    form = form[:form.index("</form>")]
    fields: dict[str, list[str]] = {}
    for tag in re.findall(r"<input [^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name or (kind and kind.group(1) == "checkbox" and " checked" not in tag):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        fields.setdefault(name.group(1), []).append(_unescape(value.group(1) if value else ""))
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        fields.setdefault(name, []).append(_unescape(body))
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body) or re.search(r'<option value="([^"]*)"', body)
        fields.setdefault(name, []).append(_unescape(chosen.group(1)))
    return fields


def _unescape(text: str) -> str:
    return html.unescape(text)


def staff(db: sqlite_utils.Database) -> dict[str, users.User]:
    """The six people of the authorisation sweep (anonymous is no one): two organisations' editors and the
    partnership's three roles. Organisation A runs the first seeded listing; B is new and runs none."""
    org_a = db.execute("select organization_id from services order by name limit 1").fetchone()[0]
    org_b = organisations.create(db, "Brockley Befrienders")
    made = {
        "editor_a": users.create(db, "a@example.org", "Ana Editor", PASSWORD, users.EDITOR),
        "editor_b": users.create(db, "b@example.org", "Ben Editor", PASSWORD, users.EDITOR),
        "moderator": users.create(db, "mod@example.org", "Mo Moderator", PASSWORD, users.MODERATOR),
        "engagement_lead": users.create(db, "lead@example.org", "Lee Lead", PASSWORD, users.ENGAGEMENT_LEAD),
        "admin": users.create(db, "admin@example.org", "Ada Admin", PASSWORD, users.ADMIN),
    }
    users.add_membership(db, made["editor_a"].id, org_a)
    users.add_membership(db, made["editor_b"].id, org_b)
    return {name: users.get(db, person.id) for name, person in made.items()}


def run_jobs(client: TestClient) -> int:
    """Do what the worker would: run every job the pages queued, here and now. Returns how many ran."""
    from portal.job_queue import job_queue

    return job_queue(client.app.state.settings).work_waiting()
