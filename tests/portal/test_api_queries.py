"""A page of the API costs the same number of database queries whether it holds 2 items or 50: partners
page through thousands of listings, and one or two queries for each item made big pages slow."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from directory.store import connect
from portal.app import create_app
from portal.dependencies import get_db
from portal.settings import Settings


@pytest.fixture
def counted(seeded_path: Path) -> Iterator[tuple[TestClient, list[str]]]:
    statements: list[str] = []
    app = create_app(Settings(db=seeded_path, secret_key="x", embedder="none"))

    def traced() -> Iterator:  # noqa: ANN202
        db = connect(seeded_path)
        db.conn.set_trace_callback(statements.append)
        try:
            yield db
        finally:
            db.close()

    app.dependency_overrides[get_db] = traced
    with TestClient(app) as client:
        yield client, statements


@pytest.mark.parametrize("path", ["/api/v1/services", "/api/v1/service_at_locations", "/api/v1/taxonomy_terms",
                                  "/api/v1/taxonomies"])
def test_a_page_of_fifty_needs_no_more_queries_than_a_page_of_two(counted: tuple[TestClient, list[str]],
                                                                  path: str) -> None:
    client, statements = counted
    costs = {}
    for size in (2, 50):
        client.get(path, params={"per_page": size})  # the first request of a size may warm a cache
        statements.clear()
        page = client.get(path, params={"per_page": size}).json()
        assert page["size"] == min(size, page["total_items"])
        costs[size] = len([s for s in statements if s.lstrip().lower().startswith("select")])
    assert costs[50] == costs[2], costs
