"""Accounts and what each may do: editors belong to organisations; the partnership's roles do not.

Residents never need an account. An editor may belong to several organisations and acts only on
theirs; moderators, engagement leads and administrators work across the whole directory.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlite_utils

from accounts import passwords
from directory.messages import N_, FieldError, ResidentError

EDITOR, MODERATOR, ENGAGEMENT_LEAD, ADMIN = "editor", "moderator", "engagement_lead", "admin"
ROLES: dict[str, str] = {
    EDITOR: N_("Organisation editor"),
    MODERATOR: N_("Moderator"),
    ENGAGEMENT_LEAD: N_("Engagement lead"),
    ADMIN: N_("Administrator"),
}


class AccountError(FieldError):
    """Something about an account that the person can put right; `field` names the form field."""


@dataclass(frozen=True)
class User:
    id: str
    email: str
    name: str
    role: str
    organizations: tuple[str, ...] = field(default=())

    def edits_for(self, organization_id: str | None) -> bool:
        """May this person change listings of that organisation?"""
        return self.role == EDITOR and organization_id is not None and organization_id in self.organizations


def now_iso(at: datetime | None = None) -> str:
    return (at or datetime.now(UTC)).isoformat(timespec="seconds")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str) -> list[AccountError]:
    address = normalise_email(email)
    local, _, domain = address.partition("@")
    if not local or "." not in domain or " " in address or len(address) > 254:
        return [AccountError("email", N_("Enter an email address like name@example.org."))]
    return []


def check_name(name: str) -> list[AccountError]:
    if not name.strip():
        return [AccountError("name", N_("Enter your name."))]
    if len(name) > 100:
        return [AccountError("name", N_("Use {count} characters or fewer."), count=100)]
    return []


def _user(db: sqlite_utils.Database, row: dict) -> User:
    orgs = tuple(r[0] for r in db.execute(
        "select organization_id from memberships where user_id = ? order by organization_id", [row["id"]]))
    return User(row["id"], row["email"], row["name"], row["role"], orgs)


def get(db: sqlite_utils.Database, user_id: str) -> User | None:
    rows = list(db["users"].rows_where("id = ? and disabled_at is null", [user_id]))
    return _user(db, rows[0]) if rows else None


def by_email(db: sqlite_utils.Database, email: str) -> User | None:
    rows = list(db["users"].rows_where("email = ? and disabled_at is null", [normalise_email(email)]))
    return _user(db, rows[0]) if rows else None


def everyone(db: sqlite_utils.Database) -> list[User]:
    return [_user(db, row) for row in db["users"].rows_where("disabled_at is null", order_by="name, email")]


def create(db: sqlite_utils.Database, email: str, name: str, password: str, role: str,
           organization_id: str | None = None) -> User:
    """A new account with a checked password; raises AccountError/PasswordError listing what to fix."""
    found: list[ResidentError] = [*check_email(email), *check_name(name),
                                  *passwords.problems(password, (name, email))]
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if not found and db.execute("select 1 from users where email = ?", [normalise_email(email)]).fetchone():
        found.append(AccountError("email", N_("There is already an account with this email address.")))
    if found:
        raise AccountProblems(found)
    user_id = uuid.uuid4().hex
    hashed = passwords.hash_password(password)  # slow on purpose: done before the transaction, not inside it
    with db.atomic():
        db["users"].insert({"id": user_id, "email": normalise_email(email), "name": name.strip(),
                            "password_hash": hashed, "role": role, "created_at": now_iso(), "disabled_at": None})
        if organization_id:
            add_membership(db, user_id, organization_id)
    return get(db, user_id)  # type: ignore[return-value]


def add_membership(db: sqlite_utils.Database, user_id: str, organization_id: str) -> None:
    db["memberships"].insert({"user_id": user_id, "organization_id": organization_id, "added_at": now_iso()},
                             ignore=True)


def set_password(db: sqlite_utils.Database, user: User, password: str) -> None:
    """Change a password after checking it; every session the person had is ended."""
    found = passwords.problems(password, (user.name, user.email))
    if found:
        raise AccountProblems(found)
    with db.atomic():
        db["users"].update(user.id, {"password_hash": passwords.hash_password(password)})
        db.execute("delete from user_sessions where user_id = ?", [user.id])


def authenticate(db: sqlite_utils.Database, email: str, password: str) -> User | None:
    """The account these credentials open, or None; as slow for an unknown email as for a wrong password."""
    rows = list(db["users"].rows_where("email = ? and disabled_at is null", [normalise_email(email)]))
    stored = rows[0]["password_hash"] if rows else None
    if not passwords.verify(stored, password):
        return None
    if passwords.needs_rehash(stored):
        db["users"].update(rows[0]["id"], {"password_hash": passwords.hash_password(password)})
    return _user(db, rows[0])


def disable(db: sqlite_utils.Database, user_id: str) -> None:
    """Accounts are disabled, never deleted, so the audit history keeps who made each change."""
    with db.atomic():
        db["users"].update(user_id, {"disabled_at": now_iso()})
        db.execute("delete from user_sessions where user_id = ?", [user_id])


class AccountProblems(Exception):
    """All the problems with a form's answers at once, so the form can show each beside its field."""

    def __init__(self, problems: list[ResidentError]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))
