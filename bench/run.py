"""`make bench`: run every benchmark and write bench/results.md.

    python -m bench.run                  # everything (about 15 minutes on 2 cores)
    python -m bench.run --only relevance # one section; the others keep their last figures
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from bench import (  # noqa: E402
    api_latency,
    assistant,
    codebook,
    conversations,
    crisis,
    crosslingual,
    latency,
    load,
    pages,
    publishing,
    relevance,
    themes,
)
from directory.embeddings import shared_embedder  # noqa: E402

RESULTS = Path(__file__).with_name("results.md")
# Sizes whose build may be used part embedded (PORTAL_BENCH_UNFINISHED=20000): embedding 20,000 listings takes
# about 40 minutes on 2 cores, more than a session may have; search and publishing costs do not depend on it.
UNFINISHED = tuple(int(n) for n in os.environ.get("PORTAL_BENCH_UNFINISHED", "").split(",") if n.strip())
SECTIONS = ("latency", "api", "crosslingual", "relevance", "pages", "assistant", "crisis", "conversations",
            "publishing", "themes", "codebook", "load")


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def _section(name: str) -> str:
    embedder = shared_embedder()  # one model for every section, as in the portal
    if name == "latency":
        return latency.table(latency.run(embedder, unfinished=UNFINISHED))
    if name == "crosslingual":
        return crosslingual.table(crosslingual.run())
    if name == "assistant":
        return assistant.table(assistant.run(embedder))
    if name == "crisis":  # held-out only: the development split is for `python -m bench.crisis`
        return crisis.table(crisis.run("heldout"), "heldout")
    if name == "conversations":  # held-out only: the development split is for `python -m bench.conversations`
        return conversations.table(conversations.run(embedder, "heldout"), "heldout")
    if name == "codebook":
        return codebook.table(codebook.run(embedder))
    if name == "themes":
        return themes.table(themes.run(embedder))
    if name == "publishing":
        return publishing.table(publishing.run(embedder, unfinished=publishing.SIZE in UNFINISHED))
    if name == "pages":
        return pages.table(pages.run(embedder))
    if name == "api":
        return api_latency.table(api_latency.run(embedder))
    if name == "load":
        return load.table(load.run(embedder))
    # relevance: the held-out split first (what is reported), then the development split (what was tuned on)
    return "\n\n".join(relevance.table(relevance.run(split, embedder), split) for split in ("heldout", "dev"))


def _commit() -> str:
    """The commit the figures ran on, saying so when the working tree had changes on top of it."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short=10", "HEAD"], capture_output=True, text=True,
                                check=True, cwd=RESULTS.parent).stdout.strip()
        dirty = [line for line in subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, check=True,
            cwd=RESULTS.parent).stdout.splitlines() if not line.endswith(".md")]  # prose, not measured code
    except (OSError, subprocess.CalledProcessError):
        return "an unknown commit"
    return f"commit {commit}" + (" with uncommitted changes" if dirty else "")


def _replace(document: str, name: str, body: str) -> str:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = (f"{start}\n_Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC at {_commit()}, on {_machine()}._\n\n"
             f"{body}\n{end}")
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    return pattern.sub(lambda _: block, document) if pattern.search(document) else f"{document}\n{block}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=SECTIONS, action="append")
    wanted = parser.parse_args().only or list(SECTIONS)
    document = RESULTS.read_text(encoding="utf-8")
    for name in wanted:
        started = time.perf_counter()
        print(f"bench: {name} ...", flush=True)
        document = _replace(document, name, _section(name))
        RESULTS.write_text(document, encoding="utf-8")
        print(f"bench: {name} done in {time.perf_counter() - started:.0f} s", flush=True)
    print(f"bench: wrote {RESULTS}")


if __name__ == "__main__":
    main()
