"""Starting and stopping the assistant's two servers (Rasa and its action server) beside the portal.

Both run from the bot's own Python 3.10 environment, on loopback only, with telemetry off. Rasa takes
most of a minute to load, so `start` waits on its /status before saying it is up. `stop` asks politely
(SIGTERM) and insists (SIGKILL) after a grace period.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

BOT = Path(__file__).resolve().parent.parent / "bot"
MODEL = BOT / "models" / "current.tar.gz"
STARTUP_TIMEOUT_S = 180.0
GRACE_S = 10.0


def die_with_parent() -> None:
    """In the child before exec: on Linux, be sent SIGTERM when the portal goes, however it goes.

    uvicorn ends a SIGTERM'd server by re-raising the signal, so the portal's own clean-up never runs;
    without this the assistant's servers would be left behind holding their ports.
    """
    with contextlib.suppress(OSError, AttributeError):  # not Linux: `stop` on a normal exit is the clean-up
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


class AssistantUnavailable(RuntimeError):
    """The assistant's environment or model is missing, or it did not start; the message says how to fix it."""


@dataclass
class AssistantServices:
    portal_url: str
    rasa_port: int = 5005
    actions_port: int = 5055
    bot_dir: Path = BOT
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _binary(self) -> Path:
        rasa = self.bot_dir / ".venv" / "bin" / "rasa"
        if not rasa.exists():
            raise AssistantUnavailable("The assistant is not installed: run `make bot-install` (needs Python 3.10).")
        if not (self.bot_dir / "models" / "current.tar.gz").exists():
            raise AssistantUnavailable("The assistant has no trained model: run `make bot-train`.")
        return rasa

    def start(self, log_dir: Path) -> None:
        rasa = self._binary()
        log_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SANIC_HOST": "127.0.0.1",
               "PORTAL_URL": self.portal_url, "PYTHONPATH": str(self.bot_dir), "HF_HUB_OFFLINE": "1"}
        endpoints = log_dir / "endpoints.yml"
        endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{self.actions_port}/webhook"\n')
        commands = {
            "actions": [str(rasa), "run", "actions", "--actions", "actions", "-p", str(self.actions_port)],
            "rasa": [str(rasa), "run", "--enable-api", "-i", "127.0.0.1", "-p", str(self.rasa_port),
                     "-m", "models/current.tar.gz", "--endpoints", str(endpoints)],
        }
        for name, command in commands.items():
            with (log_dir / f"{name}.log").open("ab") as log:
                self.processes.append(subprocess.Popen(command, cwd=self.bot_dir, env=env, stdout=log,
                                                       stderr=subprocess.STDOUT, preexec_fn=die_with_parent))
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.processes):
                self.stop()
                raise AssistantUnavailable("The assistant stopped while starting: see its log in var/assistant/.")
            try:
                if httpx.get(f"{self.rasa_url}/status", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(1)
        self.stop()
        raise AssistantUnavailable(f"The assistant did not start within {STARTUP_TIMEOUT_S:.0f} s.")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + GRACE_S
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()
