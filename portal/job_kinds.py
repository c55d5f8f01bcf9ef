"""The long work the portal hands to its worker: finding themes, imports, reindexing and mail.

Each kind reads what it needs from the job's params, reports progress on the job's row and returns a small
result to show. A kind fails by raising JobFailed with a reason a member of staff can act on; anything else is
reported as an unexpected failure, logged by type with the job's id (never its params: mail jobs carry
addresses). Each is safe to run again after a restart: themes place only unplaced answers, an import puts back
what an interrupted run wrote before starting again, and reindexing only does what is still to do.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from accounts import tokens, users
from directory import audit, index, oruk, publishing, sources
from directory.embeddings import Embedder, shared_embedder
from directory.messages import N_
from directory.store import bump_generation, open_db
from portal import job_records, mail, metrics
from portal.i18n import translator
from portal.settings import Settings
from referrals import follow_up, store
from surveys import codebooks, theming

log = logging.getLogger(__name__)

THEMES, IMPORT, REINDEX, PASSWORD_RESET, MAIL = "themes", "import", "reindex", "password_reset", "mail"
SYNC, AUDIT, CLASSIFY = "sync", "audit", "classify"
REFERRAL_REMINDERS, REFERRAL_ERASURE = "referral_reminders", "referral_erasure"


class JobFailed(Exception):
    """The job cannot be done as asked; the message says why, for the person who started it."""


@dataclass
class Work:
    """One run of one job: its settings, its own database connection and its row."""

    settings: Settings
    db: sqlite_utils.Database
    job: job_records.Job

    @property
    def params(self) -> dict[str, Any]:
        return self.job.params

    def progress(self, done: int, total: int) -> None:
        job_records.progress(self.db, self.job.id, done, total)

    def keep(self, **params: Any) -> None:
        """Remember more for this job (what to put back if it is interrupted)."""
        self.job.params = {**self.job.params, **params}
        job_records.keep(self.db, self.job.id, self.job.params)

    def embedder(self) -> Embedder | None:
        return shared_embedder(self.settings.embedder)


def find_themes(work: Work) -> dict[str, Any]:
    embedder = work.embedder()
    if embedder is None:
        raise JobFailed(N_("The model that finds themes could not be loaded. Ask your administrator to check it."))
    placed = theming.run(work.db, work.params["survey_id"], work.params["question_id"], embedder, work.progress)
    return {"placed": placed}


def classify_answers(work: Work) -> dict[str, Any]:
    """A question's answers placed under its codebook's themes, learning from what people placed before."""
    embedder = work.embedder()
    if embedder is None:
        raise JobFailed(N_("The model that places answers could not be loaded. Ask your administrator to check it."))
    question_id = work.params["question_id"]
    try:
        placed = codebooks.classify(work.db, question_id, embedder, work.progress)
    except codebooks.CodebookError as error:
        raise JobFailed(error.message) from None
    return {"placed": placed, "unsure": codebooks.review_queue(work.db, question_id, limit=0)[1]}


def import_feed(work: Work) -> dict[str, Any]:
    """An Open Referral UK feed, all or nothing; an earlier interrupted run is put back first."""
    if work.params.get("undo"):
        oruk.undo_import(work.db, work.params["undo"])
        work.keep(undo=None)
    try:
        records = oruk.read_feed_file(work.params["file"])
    except oruk.FeedError as error:
        raise JobFailed(str(error)) from error
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        work.progress(done, len(records))

    try:
        report = oruk.import_services(work.db, records, advance, keep_undo=lambda before: work.keep(undo=before))
    except oruk.ImportRejected as rejected:
        raise JobFailed(str(rejected)) from rejected
    work.keep(undo=None)  # published: nothing to put back any more
    embedded = publishing.embed_listings(work.db, work.embedder(), report.service_ids)
    Path(work.params["file"]).unlink(missing_ok=True)
    return {"created": report.created, "updated": report.updated, "embedded": embedded}


def sync_source(work: Work) -> dict[str, Any]:
    """One publisher's feed, all or nothing (directory/sources.py); an earlier interrupted run is put back first."""
    if work.params.get("undo"):
        oruk.undo_import(work.db, work.params["undo"])
        work.keep(undo=None)
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        work.progress(done, done)

    try:
        report = sources.sync(work.db, work.params["source"], progress=advance,
                              keep_undo=lambda before: work.keep(undo=before))
    except sources.SyncFailed as failed:
        raise JobFailed(str(failed)) from failed
    work.keep(undo=None)
    embedded = publishing.embed_listings(work.db, work.embedder(), report.service_ids)
    return {"summary": report.summary(), "created": report.created, "updated": report.updated,
            "archived": report.archived, "held": len(report.held), "embedded": embedded}


def audit_feed(work: Work) -> dict[str, Any]:
    """The feed audit (directory/audit.py) of the published directory, or of one source's listings."""
    found = audit.audit(work.db, work.embedder(), work.params.get("source"))
    return {"listings": found.listings, "skipped": found.skipped,
            "findings": [finding.as_dict() for finding in found.findings]}


def reindex(work: Work) -> dict[str, Any]:
    """The word index for every listing, then the meaning of every listing whose text changed."""
    with work.db.atomic():
        words = index.refresh_text_index(work.db)
        bump_generation(work.db)  # every listing may have changed
    embedder = work.embedder()
    if embedder is None:
        return {"words": words, "embedded": 0}
    stale = index.stale_documents(work.db, embedder)
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        work.progress(done, len(stale))

    return {"words": words, "embedded": index.refresh_embeddings(work.db, embedder, advance, stale)}


def password_reset(work: Work) -> dict[str, Any]:
    """A reset link for a staff email address, by email; with no mail set up, a request an administrator sees.
    An unknown address does the same work as far as it can and sends nothing."""
    t = translator(work.params.get("language") or "en")
    user = users.by_email(work.db, work.params["email"])
    if user and mail.configured(work.settings):
        raw = tokens.issue(work.db, tokens.RESET, by=user.id, user_id=user.id)
        sent = mail.send(work.settings, user.email, t.gettext("Reset your password"),
                         t.gettext("Use this link within 24 hours to choose a new password:") + "\n\n"
                         + work.settings.link(f"/account/reset/{raw}"))
        if not sent:
            raise JobFailed(N_("The mail server did not take the message. Try again in a few minutes."))
    elif user:
        tokens.request_reset(work.db, user.id)
    return {}


def send_mail(work: Work) -> dict[str, Any]:
    if not mail.send(work.settings, work.params["to"], work.params["subject"], work.params["body"]):
        raise JobFailed(N_("The mail server did not take the message. Try again in a few minutes."))
    return {}


def remind_late_referrals(work: Work) -> dict[str, Any]:
    """Email the receiving organisation's editors once for each late step of a referral: its reference and a link,
    never the resident's details. Without email set up nothing is marked, and moderators still see it late."""
    settings = work.settings
    late = [item for item in follow_up.overdue(work.db, accept_days=settings.referral_accept_days,
                                               contact_days=settings.referral_contact_days) if not item.reminded]
    if not mail.configured(settings):
        return {"late": len(late), "reminded": 0}
    reminded = 0
    everyone = users.everyone(work.db)
    for item in late:
        editors = [user for user in everyone if user.edits_for(item.organization_id)]
        sent = sum(mail.send(settings, editor.email, *referral_reminder(settings, item)) for editor in editors)
        if sent:
            follow_up.mark_reminded(work.db, item)
            reminded += 1
    return {"late": len(late), "reminded": reminded}


def referral_reminder(settings: Settings, item: follow_up.Late) -> tuple[str, str]:
    """The subject and body of a reminder (English, like the portal's other staff email)."""
    waiting = ("has not been accepted or declined" if item.step == follow_up.ACCEPT
               else "was accepted, but no try at contact has been noted")
    return (f"Referral {item.reference} is waiting",
            f"Referral {item.reference} {waiting} after {item.working_days} working days.\n\n"
            f"Please open it and answer it:\n{settings.link(f'/manage/referrals/{item.referral_id}')}\n")


def erase_referral_details(work: Work) -> dict[str, Any]:
    """Residents' details of referrals closed longer ago than the configured months; the counts stay."""
    return {"erased": store.erase_closed(work.db, work.settings.referral_keep_months)}


@dataclass(frozen=True)
class Kind:
    run: Callable[[Work], dict[str, Any]]
    private: bool = False  # its params name a person: emptied once done, and never put in an error


KINDS: dict[str, Kind] = {
    THEMES: Kind(find_themes), CLASSIFY: Kind(classify_answers),
    IMPORT: Kind(import_feed), REINDEX: Kind(reindex), SYNC: Kind(sync_source),
    AUDIT: Kind(audit_feed), REFERRAL_REMINDERS: Kind(remind_late_referrals),
    REFERRAL_ERASURE: Kind(erase_referral_details),
    PASSWORD_RESET: Kind(password_reset, private=True), MAIL: Kind(send_mail, private=True),
}


def run(settings: Settings, job_id: int) -> str | None:
    """Run one job if it is still queued; returns how it ended (done or failed), None if it was not queued."""
    with closing(open_db(settings.db)) as db:
        job = job_records.claim(db, job_id)
        if job is None:
            return None
        kind = KINDS.get(job.kind)
        started = time.monotonic()
        try:
            if kind is None:
                raise JobFailed(f"Unknown kind of job: {job.kind}")
            result = kind.run(Work(settings, db, job))
        except JobFailed as failed:
            job_records.fail(db, job_id, str(failed))
        except Exception as error:  # noqa: BLE001 - any failure is reported on the job, not lost in a log
            # The kind and the error's type only: a message or traceback could carry what the params held.
            log.error("job %s (%s) failed: %s", job_id, job.kind, type(error).__name__)
            job_records.fail(db, job_id, N_("Something went wrong that we did not expect. Try again; if it "
                                            "fails again, ask your administrator to look at the worker's log."))
        else:
            job_records.finish(db, job_id, result, forget_params=kind.private)
        ended = job_records.get(db, job_id)
        outcome = ended.status if ended else job_records.FAILED
        metrics.JOB_SECONDS.labels(job.kind, outcome).observe(time.monotonic() - started)
        return outcome
