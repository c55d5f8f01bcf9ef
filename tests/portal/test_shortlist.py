"""A resident's shortlist: saved in their session, printable, shareable by link and QR code, and never
putting a sensitive listing into a link someone else might see."""

import re

from fastapi.testclient import TestClient

from portal import shortlist
from tests.portal.conftest import PUBLIC_URL
from tests.portal.pages import DOMESTIC_ABUSE, csrf_token, listing_links


def _save(client: TestClient, service_id: str, htmx: bool = False) -> object:
    token = csrf_token(client)
    headers = {"HX-Request": "true", "X-CSRF-Token": token} if htmx else {}
    return client.post("/shortlist/add", data={"csrf_token": token, "service_id": service_id, "next": "/search?q=x"},
                       headers=headers, follow_redirects=False)


def test_saving_without_javascript_goes_back_to_the_page_and_the_listing_is_on_the_shortlist(client) -> None:
    sid = listing_links(client.get("/search", params={"q": "food bank"}).text)[0]
    response = _save(client, sid)
    assert response.status_code == 303 and response.headers["location"] == "/search?q=x"
    page = client.get("/shortlist").text
    assert sid in page and "Your shortlist <span id=\"np-shortlist-count\">(1)</span>" in page


def test_saving_with_htmx_swaps_the_button_and_updates_the_count(client: TestClient) -> None:
    sid = listing_links(client.get("/search", params={"q": "carers"}).text)[0]
    fragment = _save(client, sid, htmx=True).text
    assert "Remove from shortlist" in fragment and 'id="np-shortlist-count" hx-swap-oob="true">(1)' in fragment


def test_removing_takes_a_listing_off(client: TestClient) -> None:
    sid = listing_links(client.get("/search", params={"q": "food bank"}).text)[0]
    _save(client, sid)
    client.post("/shortlist/remove", data={"csrf_token": csrf_token(client), "service_id": sid, "next": "/shortlist"})
    assert sid not in client.get("/shortlist").text


def test_the_share_link_and_qr_code_leave_out_sensitive_listings(client: TestClient) -> None:
    ordinary = listing_links(client.get("/search", params={"q": "food bank"}).text)[0]
    _save(client, ordinary)
    _save(client, DOMESTIC_ABUSE)
    page = client.get("/shortlist").text
    assert DOMESTIC_ABUSE in page  # still on the resident's own list
    assert "not in the link or QR code, to keep you safe" in page
    link = re.search(rf'href="({PUBLIC_URL}/shortlist/shared\?ids=[^"]+)"', page).group(1)
    token = link.split("ids=")[1]
    assert shortlist.ids_from_token(token) == [ordinary]
    assert 'src="data:image/svg+xml' in page and 'alt="QR code for the link to this list"' in page
    shared = client.get(link.removeprefix(PUBLIC_URL)).text
    assert ordinary in shared and DOMESTIC_ABUSE not in shared


def test_a_shared_link_of_only_sensitive_listings_offers_nothing_to_share(client: TestClient) -> None:
    _save(client, DOMESTIC_ABUSE)
    page = client.get("/shortlist").text
    assert "Share this list" not in page and "shortlist/shared" not in page


def test_links_are_short_enough_for_a_qr_code(client: TestClient) -> None:
    ids = [i for i in listing_links(client.get("/search", params={"free": "1"}).text) if i != DOMESTIC_ABUSE]
    ids = [i for i in ids if "exit-this-page" not in client.get(f"/services/{i}").text][:8]
    for sid in ids:
        _save(client, sid)
    link = re.search(rf'href="({PUBLIC_URL}/shortlist/shared\?ids=[^"]+)"', client.get("/shortlist").text).group(1)
    assert len(link) < 300 and sorted(shortlist.ids_from_token(link.split("ids=")[1])) == sorted(ids)


def test_a_shared_link_with_unknown_or_garbled_ids_shows_what_it_can(client: TestClient) -> None:
    response = client.get("/shortlist/shared", params={"ids": "nonsense.AAAAAAAAAAAAAAAAAAAAAA"})
    assert response.status_code == 200 and "no longer in the directory" in response.text


def test_only_pages_on_this_site_are_returned_to_after_saving(client: TestClient) -> None:
    sid = listing_links(client.get("/search", params={"q": "food bank"}).text)[0]
    token = csrf_token(client)
    for bad in ("https://evil.example", "//evil.example", "/\\evil.example"):
        response = client.post("/shortlist/add", data={"csrf_token": token, "service_id": sid, "next": bad},
                               follow_redirects=False)
        assert response.headers["location"] == "/shortlist"
