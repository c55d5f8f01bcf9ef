"""No one request can stall everyone's search: an essay sent to the API is refused, a long search is cut to one
short pass of the model, and residents' ordinary searches go ahead of it.

Timed against a baseline taken in the same test on the same machine, with a generous margin, so a busy
machine slows both alike; the load is bounded in count and time.
"""

import random
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from portal.settings import Settings
from tests.live import free_port, serve

pytestmark = [pytest.mark.slow]
NEEDS = ["help with debt", "food bank near me", "I can't pay my rent", "someone to talk to", "carers support group",
         "blood pressure check", "befriending for older people", "youth club", "job search help",
         "benefits advice", "mental health support", "baby and toddler group", "housing advice",
         "free meals", "domestic abuse help", "autism support", "English classes", "warm space",
         "bank de alimentos", "pomoc z czynszem", "ayuda con deudas", "kira yardımı", "مساعدة في الإيجار",
         "caawimo cunto"]
LOAD_FOR_S = 30.0  # the load stops after this long, whatever happens


@pytest.fixture(scope="module")
def portal(seeded_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("load") / "portal.db"
    db.write_bytes(seeded_file.read_bytes())
    with serve(Settings(db=db, secret_key="load", log_searches=False), free_port()) as base:
        yield base


def _timed_searches(client: httpx.Client, needs: list[str]) -> list[float]:
    took = []
    for need in needs:
        started = time.perf_counter()
        assert client.get("/api/v1/services", params={"text": need}).status_code == 200
        took.append(time.perf_counter() - started)
    return took


def _dense(rng: random.Random) -> str:
    """500 characters that each become a token or more: the most the API takes, the most work for the model."""
    return "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(500))


def test_long_inputs_sent_at_once_do_not_stall_ordinary_searches(portal: str) -> None:
    needs = NEEDS[:]
    random.Random(7).shuffle(needs)
    with httpx.Client(base_url=portal, timeout=60) as client:
        client.get("/api/v1/services", params={"text": "warm up"})
        baseline = statistics.median(_timed_searches(client, needs[:12]))

        stop, refused, served = threading.Event(), [], []
        deadline = time.monotonic() + LOAD_FOR_S

        def flood(seed: int) -> None:
            rng = random.Random(seed)
            with httpx.Client(base_url=portal, timeout=60) as attacker:
                while not stop.is_set() and time.monotonic() < deadline:
                    essay = attacker.get("/api/v1/services", params={"text": "help " * 4000})
                    refused.append(essay.status_code)
                    long = attacker.get("/api/v1/services", params={"text": _dense(rng)})
                    served.append(long.status_code)

        attackers = [threading.Thread(target=flood, args=(seed,)) for seed in range(4)]
        for attacker in attackers:
            attacker.start()
        try:
            while len(served) < 4 and time.monotonic() < deadline:  # every attacker is sending
                time.sleep(0.05)
            under_load = statistics.median(_timed_searches(client, needs[12:]))
        finally:
            stop.set()
            for attacker in attackers:
                attacker.join(timeout=LOAD_FOR_S + 30)
    assert set(refused) == {400} and set(served) == {200}
    assert under_load <= 6 * baseline + 0.3, f"ordinary searches took {under_load:.3f} s under load, " \
                                             f"{baseline:.3f} s alone"
