"""Referrals kept in the database: only what the hand-over needs, a resident's details sealed field by field,
every look at them recorded, and erased a set time after the referral closes (the counts stay).

Who may open a referral's details is decided here, not only by the pages: the receiving organisation and the
organisation that referred, nobody else (`NotYours`).
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlite_utils

from directory.messages import N_, FieldError
from directory.taxonomy import CATEGORY_TAXONOMY
from referrals import contact
from referrals.sealing import Seal

SENT, ACCEPTED, DECLINED, CLOSED = "sent", "accepted", "declined", "closed"
REFERRER, WEB, ASSISTANT, KIOSK = "referrer", "web", "assistant", "kiosk"  # how it was made
CHANNELS = (REFERRER, WEB, ASSISTANT, KIOSK)
KEEP_MONTHS = 12  # a resident's details are erased this long after the referral closes
NAME_LIMIT, STORY_LIMIT, TIMES_LIMIT, CONSENT_LIMIT = 100, 2000, 200, 2000
SEALED = ("name", "phone", "email", "contact_times", "story", "answers", "consent")
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: a reference read aloud over the phone


class NotYours(PermissionError):
    """Only the receiving organisation and the one that referred may read a referral."""


@dataclass
class Resident:
    name: str
    phone: contact.Phone | None
    email: str
    contact_times: str
    story: str
    answers: dict[str, str] = field(default_factory=dict)
    consent: str = ""  # what was said when they agreed (it may name them, so it is sealed too)


@dataclass
class Referral:
    id: int
    reference: str
    service_id: str
    organization_id: str
    channel: str
    referrer_id: str | None
    referrer_organization_id: str | None
    status: str
    need: str
    neighbourhood: int | None
    language: str
    interpreter: bool
    consented_at: str
    consent_by: str
    created_at: str
    closed_at: str | None
    erased_at: str | None
    resident: Resident | None = None  # only when opened by someone allowed to, and not erased
    passed_on_from: int | None = None
    passed_on_to: int | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_reference(db: sqlite_utils.Database) -> str:
    """A short reference a resident can take away and read out: R-7K3Q-9F2M."""
    while True:
        letters = "".join(secrets.choice(_ALPHABET) for _ in range(8))
        reference = f"R-{letters[:4]}-{letters[4:]}"
        if not db.execute("select 1 from referrals where reference = ?", [reference]).fetchone():
            return reference


def _text(name: str, value: str, limit: int, required: bool = False) -> str:
    tidy = " ".join(value.split()) if name != "story" else value.strip()
    if required and not tidy:
        raise FieldError(name, N_("Write something here."))
    if len(tidy) > limit:
        raise FieldError(name, N_("Use {count} characters or fewer."), count=limit)
    return tidy


def refer(db: sqlite_utils.Database, seal: Seal, *, service_id: str, channel: str, name: str, phone: str = "",
          email: str = "", contact_times: str = "", story: str = "", answers: dict[str, str] | None = None,
          consent_text: str, consent_by: str, language: str = "en", interpreter: bool = False, need: str = "",
          neighbourhood: int | None = None, referrer_id: str | None = None,
          referrer_organization_id: str | None = None, passed_on_from: int | None = None) -> Referral:
    """Make a referral to a listing, all or nothing; FieldError names the first box to put right."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    found = db.execute("select organization_id from services where id = ?", [service_id]).fetchone()
    if found is None:
        raise FieldError("service", N_("We could not find that service."))
    resident = Resident(_text("name", name, NAME_LIMIT, required=channel != KIOSK),  # a kiosk has no keyboard
                        contact.phone(phone) if phone.strip() else None,
                        contact.email(email) if email.strip() else "",
                        _text("contact_times", contact_times, TIMES_LIMIT), _text("story", story, STORY_LIMIT),
                        {k[:200]: v[:STORY_LIMIT] for k, v in (answers or {}).items()})
    if _LINK.search(resident.name) or len(_LINK.findall(resident.story)) > 1:  # what spam looks like, kindly said
        raise FieldError("story" if not _LINK.search(resident.name) else "name", N_(
            "Take out the web links: the organisation does not need them to help you."))
    if resident.phone is None and not resident.email:
        raise FieldError("phone", N_("Give a phone number or an email address, so they can get in touch."))
    consent = _text("consent", consent_text, CONSENT_LIMIT, required=True)
    sealed = {f"{name}_sealed": seal.seal(value) for name, value in (
        ("name", resident.name), ("phone", resident.phone.e164 if resident.phone else ""), ("email", resident.email),
        ("contact_times", resident.contact_times), ("story", resident.story),
        ("answers", json.dumps(resident.answers, ensure_ascii=False)), ("consent", consent))}
    with db.atomic():
        referral_id = _send(db, {
            "service_id": service_id, "organization_id": found[0], "channel": channel, "referrer_id": referrer_id,
            "referrer_organization_id": referrer_organization_id, "need": need[:80], "neighbourhood": neighbourhood,
            "language": language[:10], "interpreter": int(interpreter), **sealed, "consent_by": consent_by[:100],
            "passed_on_from": passed_on_from})
    return summary(db, referral_id)  # type: ignore[return-value]


def _send(db: sqlite_utils.Database, values: dict) -> int:  # type: ignore[type-arg]
    """Keep a new referral and its first event (inside the caller's transaction)."""
    now = _now()
    referral_id = int(db["referrals"].insert({**values, "reference": new_reference(db), "status": SENT,
                                              "consented_at": now, "created_at": now}).last_pk)
    record(db, referral_id, SENT, "", values["referrer_id"], values["referrer_organization_id"])
    return referral_id


PASSED_ON = "passed_on"


def pass_on(db: sqlite_utils.Database, seal: Seal, referral_id: int, to_service_id: str, consent_text: str,
            by_user: str, by_organization: str) -> Referral:
    """Send a declined referral to another listing that takes referrals, so the resident does not tell their
    story twice: their details go across sealed as they were, with the new consent, and the new referral's history
    begins with the old one's. The organisation passing it on sees it from then on as its referrer."""
    rows = list(db["referrals"].rows_where("id = ?", [referral_id]))
    if not rows or by_organization not in (rows[0]["organization_id"], rows[0]["referrer_organization_id"]):
        raise NotYours(referral_id)
    row = rows[0]
    if row["status"] != DECLINED:
        raise FieldError("action", N_("Only a declined referral can be passed on."))
    if row["passed_on_to"] or row["erased_at"]:
        raise FieldError("action", N_("This referral has already been passed on."))
    target = db.execute("select s.organization_id from services s join referral_intake i on i.service_id = s.id "
                        "where s.id = ? and i.accepts = 1", [to_service_id]).fetchone()
    if target is None or to_service_id == row["service_id"]:
        raise FieldError("service", N_("Choose another service that takes referrals."))
    consent = _text("consent", consent_text, CONSENT_LIMIT, required=True)
    kept = {f"{name}_sealed": row[f"{name}_sealed"] for name in SEALED if name != "consent"}
    with db.atomic():
        record(db, referral_id, PASSED_ON, "", by_user, by_organization)  # first, so the history reads in order
        noted = db.execute("select max(id) from referral_events where referral_id = ?", [referral_id]).fetchone()[0]
        new_id = _send(db, {
            "service_id": to_service_id, "organization_id": target[0], "channel": row["channel"],
            "referrer_id": by_user, "referrer_organization_id": row["referrer_organization_id"] or by_organization,
            "need": row["need"], "neighbourhood": row["neighbourhood"], "language": row["language"],
            "interpreter": row["interpreter"], **kept, "consent_sealed": seal.seal(consent),
            "consent_by": by_user, "passed_on_from": referral_id})
        db.execute("update referrals set passed_on_to = ? where id = ?", [new_id, referral_id])
        new = summary(db, new_id)
        db.execute("update referral_events set detail = ? where id = ?", [new.reference if new else "", noted])
    return new  # type: ignore[return-value]


def need_of(listing: dict) -> str:  # type: ignore[type-arg]
    """The need a referral is about, for the partnership's counts: the listing's category in the borough's
    taxonomy ("food", "mental-health"), or "" when it has none."""
    for attribute in listing.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        if term.get("taxonomy") == CATEGORY_TAXONOMY and term.get("code"):
            return str(term["code"])[:80]
    return ""


def record(db: sqlite_utils.Database, referral_id: int, kind: str, detail: str, by_user: str | None,
           by_organization: str | None) -> None:
    db["referral_events"].insert({"referral_id": referral_id, "kind": kind, "detail": detail[:500], "at": _now(),
                                  "by_user": by_user, "by_organization": by_organization})


def _referral(row: dict) -> Referral:  # type: ignore[type-arg]
    return Referral(row["id"], row["reference"], row["service_id"], row["organization_id"], row["channel"],
                    row["referrer_id"], row["referrer_organization_id"], row["status"], row["need"],
                    row["neighbourhood"], row["language"], bool(row["interpreter"]), row["consented_at"],
                    row["consent_by"], row["created_at"], row["closed_at"], row["erased_at"], None,
                    row["passed_on_from"], row["passed_on_to"])


def summary(db: sqlite_utils.Database, referral_id: int) -> Referral | None:
    """A referral without the resident's details: what lists and counts need, nothing recorded."""
    rows = list(db["referrals"].rows_where("id = ?", [referral_id]))
    return _referral(rows[0]) if rows else None


def open_details(db: sqlite_utils.Database, seal: Seal, referral_id: int, user_id: str,
                 organization_id: str) -> Referral:
    """The referral with the resident's details, for someone of the receiving or referring organisation; the look
    is recorded (who, which organisation, when) before anything is shown."""
    rows = list(db["referrals"].rows_where("id = ?", [referral_id]))
    if not rows or organization_id not in (rows[0]["organization_id"], rows[0]["referrer_organization_id"]):
        raise NotYours(referral_id)
    row = rows[0]
    found = _referral(row)
    db["referral_views"].insert({"referral_id": referral_id, "user_id": user_id, "organization_id": organization_id,
                                 "at": _now()})
    if row["erased_at"]:
        return found
    opened = {name: seal.open(row[f"{name}_sealed"]) for name in SEALED}
    found.resident = Resident(opened["name"], contact.Phone(opened["phone"]) if opened["phone"] else None,
                              opened["email"], opened["contact_times"], opened["story"], json.loads(opened["answers"]),
                              opened["consent"])
    return found


def received(db: sqlite_utils.Database, organization_id: str) -> list[Referral]:
    """An organisation's referrals, newest first, without anyone's details (nothing is recorded: nothing is read)."""
    return [_referral(row) for row in db["referrals"].rows_where("organization_id = ?", [organization_id],
                                                                 order_by="created_at desc, id desc")]


def made(db: sqlite_utils.Database, organization_id: str) -> list[Referral]:
    """The referrals an organisation made (or passed on), newest first, so its referrers see where each stands."""
    return [_referral(row) for row in db["referrals"].rows_where("referrer_organization_id = ?", [organization_id],
                                                                 order_by="created_at desc, id desc")]


@dataclass(frozen=True)
class Look:
    referral_id: int
    reference: str
    user_id: str
    organization_id: str | None
    at: str


def access_log(db: sqlite_utils.Database, organization_id: str, limit: int = 500) -> list[Look]:
    """Every look at residents' details in referrals this organisation received or made, newest first, for its
    administrators: who, from which organisation, when."""
    return [Look(*row) for row in db.execute(
        "select v.referral_id, r.reference, v.user_id, v.organization_id, v.at from referral_views v "
        "join referrals r on r.id = v.referral_id where r.organization_id = ? or r.referrer_organization_id = ? "
        "order by v.id desc limit ?", [organization_id, organization_id, limit])]


def views(db: sqlite_utils.Database, referral_id: int) -> list[tuple[str, str | None, str]]:
    """Who looked at a resident's details, for the organisations' administrators: (user, organisation, when)."""
    return [(u, o, at) for u, o, at in db.execute(
        "select user_id, organization_id, at from referral_views where referral_id = ? order by id", [referral_id])]


DECLINE_REASONS = {"capacity": N_("No capacity just now"), "eligibility": N_("Not the right service for them"),
                   "other": N_("Another reason")}
OUTCOMES = {"attended": N_("Seen: they came or were helped"), "not_needed": N_("No longer needed"),
            "unreachable": N_("Could not reach them"), "referred_on": N_("Referred on elsewhere")}
ATTEMPT = "attempt"


def _receiving(db: sqlite_utils.Database, referral_id: int, by_organization: str) -> Referral:
    found = summary(db, referral_id)
    if found is None or found.organization_id != by_organization:
        raise NotYours(referral_id)
    return found


def accept(db: sqlite_utils.Database, referral_id: int, by_user: str, by_organization: str) -> None:
    found = _receiving(db, referral_id, by_organization)
    if found.status != SENT:
        raise FieldError("action", N_("This referral has already been answered."))
    with db.atomic():
        db.execute("update referrals set status = ? where id = ?", [ACCEPTED, referral_id])
        record(db, referral_id, ACCEPTED, "", by_user, by_organization)


def decline(db: sqlite_utils.Database, referral_id: int, reason: str, note: str, by_user: str,
            by_organization: str) -> None:
    """Say no, with a reason ("no capacity" counts as unmet need); the referral can then be passed on."""
    found = _receiving(db, referral_id, by_organization)
    if found.status not in (SENT, ACCEPTED):
        raise FieldError("action", N_("This referral has already been answered."))
    if reason not in DECLINE_REASONS:
        raise FieldError("reason", N_("Choose a reason."))
    with db.atomic():
        db.execute("update referrals set status = ?, decline_reason = ?, closed_at = ? where id = ?",
                   [DECLINED, reason, _now(), referral_id])
        record(db, referral_id, DECLINED, f"{reason}: {note.strip()[:300]}" if note.strip() else reason, by_user,
               by_organization)


def attempt(db: sqlite_utils.Database, referral_id: int, note: str, by_user: str, by_organization: str) -> None:
    """A try at reaching the person (the first one is when contact began, for the partnership's counts)."""
    found = _receiving(db, referral_id, by_organization)
    if found.status not in (SENT, ACCEPTED):
        raise FieldError("action", N_("This referral is closed."))
    with db.atomic():
        db.execute("update referrals set first_contact_at = coalesce(first_contact_at, ?) where id = ?",
                   [_now(), referral_id])
        record(db, referral_id, ATTEMPT, note.strip()[:300], by_user, by_organization)


def close(db: sqlite_utils.Database, referral_id: int, outcome: str, by_user: str, by_organization: str) -> None:
    found = _receiving(db, referral_id, by_organization)
    if found.status == CLOSED or found.status == DECLINED:
        raise FieldError("action", N_("This referral is closed."))
    if outcome not in OUTCOMES:
        raise FieldError("outcome", N_("Choose what happened."))
    with db.atomic():
        db.execute("update referrals set status = ?, outcome = ?, closed_at = ? where id = ?",
                   [CLOSED, outcome, _now(), referral_id])
        record(db, referral_id, CLOSED, outcome, by_user, by_organization)


def chain(db: sqlite_utils.Database, referral_id: int) -> list[int]:
    """The referral and those it was passed on from, earliest first."""
    ids: list[int] = []
    current: int | None = referral_id
    while current is not None and current not in ids:
        ids.insert(0, current)
        row = db.execute("select passed_on_from from referrals where id = ?", [current]).fetchone()
        current = row[0] if row else None
    return ids


def events(db: sqlite_utils.Database, referral_id: int) -> list[tuple[str, str, str, str | None]]:
    """What happened, in order, from the first referral it was passed on from: (kind, detail, when, who)."""
    ids = chain(db, referral_id)
    marks = ", ".join("?" for _ in ids)
    return [(k, d, at, u) for k, d, at, u in db.execute(
        f"select kind, detail, at, by_user from referral_events where referral_id in ({marks}) order by id", ids)]


def due_for_erasure(db: sqlite_utils.Database, months: int = KEEP_MONTHS, now: datetime | None = None) -> list[int]:
    """Referrals closed more than `months` ago whose details are still kept."""
    moment = now or datetime.now(UTC)
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    cutoff = moment.replace(year=year, month=month + 1, day=min(moment.day, 28)).isoformat(timespec="seconds")
    return [row[0] for row in db.execute("select id from referrals where closed_at is not null and closed_at < ? "
                                         "and erased_at is null", [cutoff])]


def erase_closed(db: sqlite_utils.Database, months: int = KEEP_MONTHS, now: datetime | None = None) -> int:
    """Erase the details of referrals closed more than `months` ago; returns how many. Counts and events stay."""
    moment = now or datetime.now(UTC)
    nulls = ", ".join(f"{name}_sealed = null" for name in SEALED)
    due = due_for_erasure(db, months, moment)
    marks = ", ".join("?" for _ in due)
    with db.atomic():
        db.execute(f"update referrals set {nulls}, erased_at = ? where id in ({marks})",
                   [moment.isoformat(timespec="seconds"), *due])
        # Staff notes on tries at contact and declines may name the person: only the reason code stays.
        db.execute(f"update referral_events set detail = case when kind = ? then '' when instr(detail, ':') > 0 "
                   f"then substr(detail, 1, instr(detail, ':') - 1) else detail end "
                   f"where kind in (?, ?) and referral_id in ({marks})", [ATTEMPT, ATTEMPT, DECLINED, *due])
    return len(due)


def rotate_all(db: sqlite_utils.Database, seal: Seal) -> int:
    """Re-seal every kept field with the newest key, so an older key can be dropped; returns fields re-sealed."""
    done = 0
    with db.atomic():
        for row in db["referrals"].rows_where("erased_at is null"):
            update = {f"{name}_sealed": seal.rotate(row[f"{name}_sealed"]) for name in SEALED
                      if row[f"{name}_sealed"]}
            db["referrals"].update(row["id"], update)
            done += len(update)
    return done
