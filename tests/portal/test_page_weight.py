"""A first visit to the search page costs a phone no more than 60 KB compressed, everything included."""

from fastapi.testclient import TestClient

from portal.page_weight import page_weight

LIMIT = 60 * 1024


def test_the_search_page_with_everything_it_loads_is_at_most_60_kb_compressed(client: TestClient) -> None:
    weight = page_weight("/search?q=I+can%27t+pay+my+rent&postcode=SE6+4RU", lambda p: client.get(p).content)
    assert {"/static/portal.css", "/static/vendor/htmx.min.js", "/static/portal.mjs",
            "/static/vendor/govuk-frontend.min.js"} <= set(weight.files)
    assert weight.total <= LIMIT, weight.files


def test_pages_and_their_files_are_sent_compressed(client: TestClient) -> None:
    for path in ("/", "/static/portal.css", "/static/vendor/htmx.min.js"):
        assert client.get(path, headers={"Accept-Encoding": "gzip"}).headers["content-encoding"] == "gzip"
