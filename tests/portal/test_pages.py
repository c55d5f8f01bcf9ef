"""Resident pages: search and listings work without JavaScript, say when data is for demonstration,
and turn bad input into a message on the page."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from portal.app import create_app
from portal.settings import Settings


@pytest.fixture
def client(seeded_path: Path):  # noqa: ANN201
    with TestClient(create_app(Settings(db=seeded_path))) as test_client:
        yield test_client


def test_home_offers_search_topics_and_neighbourhoods_and_labels_demo_data(client: TestClient) -> None:
    page = client.get("/").text
    assert "What do you need help with?" in page
    assert "Demonstration data" in page
    assert "Money and debt" in page and "Neighbourhood 3 (South East Lewisham)" in page
    assert "Contains OS data © Crown copyright" in page


def test_a_directory_not_loaded_from_the_demo_is_not_labelled_demo(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(db=tmp_path / "empty.db"))) as empty:
        assert "Demonstration data" not in empty.get("/").text


def test_searching_shows_results_that_link_to_listings(client: TestClient) -> None:
    page = client.get("/search", params={"q": "I can't pay my rent", "postcode": "SE6 4RU"}).text
    assert "places found" in page and "near SE6 4RU" in page and "km away" in page
    first_link = page.split('<a href="/services/')[1].split('"')[0]
    listing = client.get(f"/services/{first_link}")
    assert listing.status_code == 200 and "Last reviewed" in listing.text


def test_a_bad_postcode_is_explained_on_the_page(client: TestClient) -> None:
    response = client.get("/search", params={"q": "food", "postcode": "not a postcode"})
    assert response.status_code == 200
    assert "does not look like a postcode" in response.text


def test_text_is_escaped_not_run(client: TestClient) -> None:
    page = client.get("/search", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_portal_serve_listens_on_loopback_and_answers(seeded_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PORTAL_DB": str(seeded_path)}
    server = subprocess.Popen([sys.executable, "-m", "portal.cli", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/v1/services", params={"text": "food bank"})
                break
            except httpx.ConnectError:
                time.sleep(0.3)
        else:
            pytest.fail("portal serve did not start within 60 s")
        assert response.status_code == 200 and response.json()["total_items"] > 0
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert f"http://127.0.0.1:{port}/" in output
