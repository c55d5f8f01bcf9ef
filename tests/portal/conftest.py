"""A portal over the seeded demonstration directory, reached through real HTTP via the ASGI app."""

import json
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from portal.app import create_app
from portal.settings import Settings

PUBLIC_URL = "https://directory.example.org"  # where residents reach the portal under test: links are built on it


@pytest.fixture
def client(seeded_path: Path) -> Iterator[TestClient]:
    settings = Settings(db=seeded_path, secret_key="test-secret", public_url=PUBLIC_URL)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802 - aiosmtpd's hook
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on loopback that keeps what it is sent; yields it and its port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


class RecordingRasa(BaseHTTPRequestHandler):
    """Rasa's REST channel, as far as the portal sees it: keeps what it is sent, answers with set replies."""

    received: list[dict] = []
    replies: list[dict] = []
    script: Callable[[str], list[dict]] | None = None  # replies for each message, instead of the same each time

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        message = type(self).received[-1]["message"]
        answer = json.dumps(type(self).script(message) if type(self).script else type(self).replies).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def scripted_rasa(seeded_path: Path) -> Iterator[tuple[TestClient, type[RecordingRasa]]]:
    """A portal whose 'Rasa' answers each message as the test's `script` says."""
    RecordingRasa.received, RecordingRasa.replies, RecordingRasa.script = [], [], None
    server = ThreadingHTTPServer(("127.0.0.1", 0), RecordingRasa)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings = Settings(db=seeded_path, secret_key="x", rasa_url=f"http://127.0.0.1:{server.server_address[1]}")
    try:
        with TestClient(create_app(settings)) as client:
            yield client, RecordingRasa
    finally:
        RecordingRasa.script = None
        server.shutdown()


@pytest.fixture
def no_assistant(seeded_path: Path):  # noqa: ANN201 - a client whose Rasa is not running
    settings = Settings(db=seeded_path, secret_key="x", rasa_url="http://127.0.0.1:9")
    with TestClient(create_app(settings)) as client:
        yield client
