"""A portal over the seeded demonstration directory, reached through real HTTP via the ASGI app."""

import socket
from collections.abc import Iterator
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
