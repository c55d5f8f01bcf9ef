"""A portal over the seeded demonstration directory, reached through real HTTP via the ASGI app."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from portal.app import create_app
from portal.settings import Settings


@pytest.fixture
def client(seeded_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=seeded_path, secret_key="test-secret"))) as test_client:
        yield test_client
