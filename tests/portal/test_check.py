"""`portal check` says what a production set-up still lacks, and is content only when nothing is."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from portal.cli import app

PRODUCTION = {"PORTAL_SECRET_KEY": "k" * 40, "PORTAL_PUBLIC_URL": "https://directory.example.org",
              "PORTAL_HTTPS": "true", "PORTAL_SMTP_HOST": "smtp.example.org",
              "PORTAL_REFERRAL_KEYS": "r8bT6bS3wZ5m2p8Q0x0b0y2wQk9kQm1Y5xqk3vJf0Zs="}


def test_a_bare_set_up_is_told_each_thing_to_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (*PRODUCTION, "PORTAL_BACKUP_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PORTAL_DB", str(tmp_path / "portal.db"))
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 1
    for name in ("PORTAL_SECRET_KEY", "PORTAL_PUBLIC_URL", "PORTAL_HTTPS", "PORTAL_SMTP_HOST", "PORTAL_BACKUP_DIR",
                 "PORTAL_REFERRAL_KEYS"):
        assert name in result.output


def test_a_complete_set_up_with_a_fresh_backup_passes_and_a_stale_one_does_not(monkeypatch: pytest.MonkeyPatch,
                                                                                tmp_path: Path) -> None:
    for name, value in {**PRODUCTION, "PORTAL_BACKUP_DIR": str(tmp_path)}.items():
        monkeypatch.setenv(name, value)
    copy = tmp_path / "portal-2026-12-07.db"
    copy.write_bytes(b"")
    assert CliRunner().invoke(app, ["check"]).exit_code == 0
    two_days_ago = time.time() - 48 * 3600
    os.utime(copy, (two_days_ago, two_days_ago))
    stale = CliRunner().invoke(app, ["check"])
    assert stale.exit_code == 1 and "No backup in" in stale.output
