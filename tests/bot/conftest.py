"""The portal, Rasa and the action server all running on loopback, as `make run` starts them."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from directory.store import open_db
from portal.assistant_services import AssistantServices, AssistantUnavailable
from portal.settings import Settings
from referrals import intake
from tests.live import serve


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def all_services(seeded_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The portal's address, with the assistant behind its /chat."""
    folder = tmp_path_factory.mktemp("assistant")
    db = folder / "portal.db"
    shutil.copy(seeded_file, db)
    with closing(open_db(db)) as database:
        intake.load_demo(database)  # as `make run`'s seed does: a few listings take referrals, one is the hub team
    rasa_port, actions_port, portal_port = _free_port(), _free_port(), _free_port()
    portal_url = f"http://127.0.0.1:{portal_port}"
    services = AssistantServices(portal_url=portal_url, rasa_port=rasa_port, actions_port=actions_port)
    try:
        services.start(folder / "logs")
    except AssistantUnavailable as error:
        if os.environ.get("PORTAL_REQUIRE_ASSISTANT"):
            pytest.fail(str(error))
        pytest.skip(str(error))
    settings = Settings(db=db, secret_key="assistant-tests", rasa_url=services.rasa_url)
    try:
        with serve(settings, portal_port) as base:
            yield base
    finally:
        services.stop()
