"""With SMTP configured, invitations are emailed (to a real SMTP server on loopback); without it, nothing is."""

import email
import json
import re

import sqlite_utils
from fastapi.testclient import TestClient

from accounts import users
from directory import organisations
from portal import job_records
from portal.app import create_app
from portal.job_kinds import MAIL, PASSWORD_RESET
from portal.job_queue import job_queue
from portal.settings import Settings
from tests.portal.staff import PASSWORD, post, run_jobs, sign_in


def test_an_invitation_is_emailed_when_smtp_is_set_up(seeded_path, inbox) -> None:
    handler, port = inbox
    settings = Settings(db=seeded_path, secret_key="x", smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
                        public_url="https://directory.example.org")
    db = sqlite_utils.Database(seeded_path)
    admin = users.create(db, "admin@example.org", "Ada Admin", PASSWORD, users.ADMIN)
    org = organisations.create(db, "Deptford Action Group")
    with TestClient(create_app(settings)) as client:
        sign_in(client, admin.email)
        page = post(client, f"/admin/organisations/{org}/invitations", f"/admin/organisations/{org}",
                    email="helper@example.org")
        assert not handler.messages  # the worker sends it, after the page has answered
        assert run_jobs(client) == 1
    assert "An email with this link is on its way to helper@example.org" in page.text
    assert len(handler.messages) == 1
    [job] = job_records.recent(db, MAIL)
    assert job.status == job_records.DONE and job.params == {}  # no address or link left behind
    body = handler.messages[0].decode()
    assert "To: helper@example.org" in body
    assert re.search(r"https://directory\.example\.org/account/invitation/[\w-]+", body)


def test_the_first_administrator_is_made_from_the_command_line(tmp_path) -> None:
    from typer.testing import CliRunner

    from portal.cli import app

    runner = CliRunner()
    db_path = tmp_path / "portal.db"
    weak = runner.invoke(app, ["users", "create-admin", "--db", str(db_path), "--email", "a@example.org",
                               "--name", "Ada"], input="password1234\npassword1234\n")
    assert weak.exit_code == 1 and "most common passwords" in weak.output
    made = runner.invoke(app, ["users", "create-admin", "--db", str(db_path), "--email", "a@example.org",
                               "--name", "Ada"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert made.exit_code == 0, made.output
    assert users.by_email(sqlite_utils.Database(db_path), "a@example.org").role == users.ADMIN


def test_directory_stale_lists_due_listings_by_organisation_and_emails_their_editors(seeded_path, inbox,
                                                                                     monkeypatch) -> None:
    from typer.testing import CliRunner

    from portal.cli import app

    handler, port = inbox
    db = sqlite_utils.Database(seeded_path)
    org, name = db.execute("select organization_id, name from services order by name limit 1").fetchone()
    db.execute("update services set last_reviewed = '2020-01-01' where name = ?", [name])
    db.conn.commit()
    editor = users.create(db, "keeper@example.org", "Kay Keeper", PASSWORD, users.EDITOR, organization_id=org)
    users.create(db, "other@example.org", "Olu Other", PASSWORD, users.EDITOR,
                 organization_id=organisations.create(db, "Nothing Due Group"))
    runner = CliRunner()
    quiet = runner.invoke(app, ["directory", "stale", "--json", "--db", str(seeded_path)])
    assert quiet.exit_code == 0
    listed = [item for due in json.loads(quiet.stdout).values() for item in due]
    assert {"name": name, "last_reviewed": "2020-01-01"}.items() <= next(i for i in listed if i["name"] == name).items()
    assert handler.messages == []  # no SMTP set up: the list is printed, nothing is sent
    monkeypatch.setenv("PORTAL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PORTAL_SMTP_PORT", str(port))
    monkeypatch.setenv("PORTAL_SMTP_STARTTLS", "false")
    unsafe = runner.invoke(app, ["directory", "stale", "--db", str(seeded_path)])
    assert unsafe.exit_code == 2 and "PORTAL_PUBLIC_URL" in unsafe.output  # no address to link to: nothing sent
    assert handler.messages == []
    monkeypatch.setenv("PORTAL_PUBLIC_URL", "https://directory.example.org")
    sent = runner.invoke(app, ["directory", "stale", "--db", str(seeded_path)])
    assert sent.exit_code == 0, sent.output
    messages = [email.message_from_bytes(m) for m in handler.messages]
    recipients = [m["To"] for m in messages]
    assert editor.email in recipients and "other@example.org" not in recipients
    mine = messages[recipients.index(editor.email)].get_payload(decode=True).decode()
    assert name in mine and f"https://directory.example.org/manage/organisations/{org}" in mine


def test_forgotten_password_mail_is_sent_after_the_answer_and_asking_is_rate_limited(seeded_path, inbox) -> None:
    handler, port = inbox
    settings = Settings(db=seeded_path, secret_key="x", smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
                        public_url="https://directory.example.org")
    users.create(sqlite_utils.Database(seeded_path), "ed@example.org", "Ed Itor", PASSWORD, users.EDITOR)
    with TestClient(create_app(settings)) as client:
        asked = [post(client, "/account/forgot-password", "/account/forgot-password", email=email)
                 for email in ["ed@example.org"] * 4 + ["nobody@example.org", "ed@example.org"]]
        assert not handler.messages  # nothing is looked up or sent while the person waits
        run_jobs(client)
    pages = [re.sub(r'name="csrf_token" value="[^"]+"', "", a.text) for a in asked]
    assert all(a.status_code == 200 for a in asked[:5]) and len(set(pages[:5])) == 1  # the same for everyone
    assert len(handler.messages) == 3  # at most three links for one account in ten minutes
    assert asked[5].status_code == 400 and "Wait a few minutes" in asked[5].text  # six from one address


def test_mail_the_server_refuses_is_a_failed_job_that_can_be_tried_again(seeded_path, inbox) -> None:
    handler, port = inbox
    down = Settings(db=seeded_path, secret_key="x", smtp_host="127.0.0.1", smtp_port=1, smtp_starttls=False,
                    public_url="https://directory.example.org")
    db = sqlite_utils.Database(seeded_path)
    users.create(db, "ed@example.org", "Ed Itor", PASSWORD, users.EDITOR)
    with TestClient(create_app(down)) as client:
        post(client, "/account/forgot-password", "/account/forgot-password", email="ed@example.org")
        run_jobs(client)
    [job] = job_records.recent(db, PASSWORD_RESET)
    assert job.status == job_records.FAILED and "mail server did not take the message" in job.error
    assert "ed@example.org" not in job.error
    up = Settings(**{**down.model_dump(), "smtp_port": port})
    with TestClient(create_app(up)) as client:
        assert job_queue(up).retry(job.id)
        run_jobs(client)
    assert job_records.get(db, job.id).status == job_records.DONE and len(handler.messages) == 1
    assert job_records.get(db, job.id).params == {}
