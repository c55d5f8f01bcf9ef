"""`make screenshots`: the home, results and listing pages at phone width, in English and Arabic.

Written to docs/screenshots/ from the demonstration directory, through Debian's Chromium.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import uvicorn  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from directory import index, seed  # noqa: E402
from directory.embeddings import load_embedder  # noqa: E402
from directory.store import open_db  # noqa: E402
from portal.app import create_app  # noqa: E402
from portal.settings import Settings  # noqa: E402

OUT = Path(__file__).with_name("screenshots")
CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
PORT = 8791


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "portal.db"
        db = open_db(db_path)
        seed.load_demo(db)
        index.refresh_embeddings(db, load_embedder())
        listing = next(iter(seed.demo_translations()))  # one with an Arabic translation
        db.close()
        server = uvicorn.Server(uvicorn.Config(create_app(Settings(db=db_path, secret_key="shots")),
                                               host="127.0.0.1", port=PORT, log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.1)
        pages = {"home": "/", "results": "/search?q=I+can%27t+pay+my+rent&postcode=SE6+4RU",
                 "listing": f"/services/{listing}"}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                 args=["--no-sandbox", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 360, "height": 740})
            OUT.mkdir(exist_ok=True)
            for language in ("en", "ar"):
                for name, path in pages.items():
                    page.goto(f"http://127.0.0.1:{PORT}/{language}{path}")
                    target = OUT / f"{name}-{language}.png"
                    page.screenshot(path=str(target), full_page=True,
                                    clip={"x": 0, "y": 0, "width": 360, "height": 740 * 2})
                    print(f"wrote {target}")
            browser.close()
        server.should_exit = True


if __name__ == "__main__":
    main()
