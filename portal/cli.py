"""`portal`: the front door for everything make does. Each command is a thin shell over a library call."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from accounts import users
from accounts.users import AccountProblems
from directory import analytics, backups, freshness, index, oruk, seed, upkeep
from directory.embeddings import Embedder, load_embedder
from directory.postcodes import PostcodeError
from directory.search import SearchInputError, SearchQuery, search
from directory.store import database_path, open_db
from portal import logs, mail
from portal.settings import Settings
from referrals import intake, store
from referrals.sealing import Seal, SealError
from surveys import codebook as codebook_model
from surveys.codebook_csv import classify_csv
from surveys.theme_csv import CsvProblem, theme_csv

app = typer.Typer(help="Neighbourhood Portal: the directory, its search and the resident portal.",
                  no_args_is_help=True)
directory_app = typer.Typer(help="Import, export, search and index the directory.", no_args_is_help=True)
app.add_typer(directory_app, name="directory")
users_app = typer.Typer(help="Accounts for the people who look after listings.", no_args_is_help=True)
app.add_typer(users_app, name="users")
surveys_app = typer.Typer(help="Co-design surveys and themes in residents' comments.", no_args_is_help=True)
app.add_typer(surveys_app, name="surveys")

# Messages are never wrapped by rich (soft_wrap): a terminal wraps them itself, and a path or a column name
# in a message stays whole for whoever copies it or reads the output from a script, whatever the width.
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[Path | None, typer.Option("--db", help="Database file (default: $PORTAL_DB or var/portal.db).")]


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show informational logs.")] = False) -> None:
    """Logs are scrubbed of personal details; PORTAL_LOG_FORMAT=json writes one JSON object a line."""
    logs.configure(json_lines=os.environ.get("PORTAL_LOG_FORMAT", "").lower() == "json", verbose=verbose)


@contextmanager
def _progress(label: str, total: int):  # noqa: ANN202 - yields an advance(n) callable
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=err, transient=False)
    with bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def _embed(db, label: str = "Embedding listings") -> int:  # noqa: ANN001
    upkeep.after_upgrade(db)
    embedder = load_embedder()
    if embedder is None:
        err.print("[yellow]No embedding model could load: search will use keywords only.[/yellow]")
        return 0
    stale = index.stale_documents(db, embedder)
    with _progress(f"{label} ({embedder.name})", len(stale)) as advance:
        return index.refresh_embeddings(db, embedder, advance, stale)


@app.command("check")
def check_command() -> None:
    """Say what a production set-up still lacks (secret key, public URL, HTTPS, email, backups); exit 1 if any."""
    gaps = Settings().production_gaps()
    for gap in gaps:
        out.print(f"[red]✗[/red] {gap}", highlight=False)
    if gaps:
        raise typer.Exit(1)
    out.print("Ready for production: secret key, HTTPS public address, email and a recent backup.", highlight=False)


@app.command("backup")
def backup_command(file: Annotated[Path, typer.Argument(help="Where to write the copy, e.g. backups/portal.db.")],
                   db: DbOption = None) -> None:
    """Copy the whole database while the portal runs (SQLite's online backup), checked before it is kept."""
    try:
        written = backups.backup(database_path(db), file)
    except (backups.BackupError, sqlite3.Error) as error:
        err.print(f"[red]{error}[/red]", highlight=False)
        raise typer.Exit(1) from error
    out.print(f"Backed up to {written}.", highlight=False)


@app.command("restore")
def restore_command(file: Annotated[Path, typer.Argument(help="A copy made by `portal backup`.")],
                    db: DbOption = None) -> None:
    """Put a backup back in place of the database (stop the portal first); a copy that is not whole is refused."""
    try:
        backups.restore(file, database_path(db))
    except (backups.BackupError, sqlite3.Error) as error:
        err.print(f"[red]{error}[/red]", highlight=False)
        raise typer.Exit(1) from error
    out.print(f"Restored {database_path(db)} from {file}.", highlight=False)


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (one per core is a good start).")] = 1,
    assistant: Annotated[bool, typer.Option(help="Also start the Rasa assistant and its action server.")] = False,
    worker_process: Annotated[bool, typer.Option("--worker/--no-worker",
                                                 help="Start the background worker with the portal.")] = True,
) -> None:
    """Serve the portal and the API with its background worker (and, with --assistant, the signposting
    assistant); stopping it stops them all."""
    settings = Settings(db=database_path(db), host=host, port=port)
    _refuse_unsafe(settings)
    _metrics_folder(settings)  # before anything loads prometheus_client, in this process or those it starts
    from portal.assistant_services import AssistantServices, AssistantUnavailable

    open_db(settings.db).close()  # migrated once, before the web processes and the worker open it
    background = _start_worker(settings) if worker_process else None
    services = AssistantServices(portal_url=f"http://127.0.0.1:{port}")
    if assistant:
        out.print("Starting the assistant (Rasa takes about a minute to load)...")
        try:
            services.start(settings.db.parent / "assistant")
            out.print(f"Assistant: {services.rasa_url} (actions on port {services.actions_port})")
            settings.rasa_url = services.rasa_url  # the chat talks to the assistant this command started...
            os.environ["PORTAL_RASA_URL"] = services.rasa_url  # ...in every worker process too
        except AssistantUnavailable as error:
            err.print(f"[yellow]{error} The chat will answer from the directory instead.[/yellow]")
    try:
        out.print(f"Neighbourhood Portal: http://{host}:{port}/  (database {settings.db})")
        _run_portal(settings, workers)
    finally:
        services.stop()
        if background is not None:
            _stop_worker(background)


def _metrics_folder(settings: Settings) -> None:
    """Where every process of this portal writes its metrics for /metrics to add up (PROMETHEUS_MULTIPROC_DIR if
    set, as deploy/ sets it for the web processes and the worker alike), emptied for a fresh start."""
    folder = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or settings.db.parent / "metrics")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


# The worker's model passes run on one thread that sleeps when idle: a bulk job keeps to one core and never spins
# on the one residents' searches need (an OpenMP team spinning on every core made searches wait seconds).
WORKER_ENV = {"OMP_NUM_THREADS": "1", "OMP_WAIT_POLICY": "PASSIVE", "MKL_NUM_THREADS": "1",
              "OPENBLAS_NUM_THREADS": "1"}


# With several web processes, each runs its model passes on one thread that sleeps when idle: two-thread
# teams in two processes on two cores waited on each other's preempted threads (bench/load.py).
WEB_ENV = {"OMP_NUM_THREADS": "1", "OMP_WAIT_POLICY": "PASSIVE"}


def _start_worker(settings: Settings) -> subprocess.Popen:
    """The worker, told to stop when this process goes however it goes (uvicorn ends a SIGTERM'd server by
    re-raising the signal, so `_stop_worker` does not always get to run)."""
    from portal.assistant_services import die_with_parent

    out.print("Starting the background worker.")
    return subprocess.Popen([sys.executable, "-m", "portal.cli", "worker", "--db", str(settings.db)],
                            stdout=subprocess.DEVNULL, preexec_fn=die_with_parent, env={**os.environ, **WORKER_ENV})


def _stop_worker(process: subprocess.Popen) -> None:
    """SIGTERM lets the job in hand finish its step; one interrupted is run again when the worker next starts."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _refuse_unsafe(settings: Settings) -> None:
    """Stop before serving anything when the configuration would be unsafe, saying what to change."""
    problems = settings.problems()
    for problem in problems:
        err.print(f"[red]{problem}[/red]", highlight=False)
    if problems:
        raise typer.Exit(2)


def _run_portal(settings: Settings, workers: int) -> None:
    import uvicorn

    from portal.app import create_app

    # The client's address comes from X-Forwarded-For only when it is sent by the configured reverse proxy.
    proxy = {"proxy_headers": bool(settings.trusted_proxy), "forwarded_allow_ips": settings.trusted_proxy or None}
    if workers == 1:
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning",
                    log_config=None, access_log=False, **proxy)
        return
    os.environ["PORTAL_DB"] = str(settings.db)  # each worker process builds its app from the environment
    for name, value in WEB_ENV.items():  # one model thread per web process: each has a core of its own
        os.environ.setdefault(name, value)
    settings.session_secret()  # made once here, so every worker signs sessions with the same key
    uvicorn.run("portal.app:create_app", factory=True, host=settings.host, port=settings.port, workers=workers,
                log_level="warning", log_config=None, access_log=False, **proxy)


@directory_app.command("import")
def import_(file: Annotated[Path, typer.Argument(help="An Open Referral UK JSON feed (3.0 or 1.x).")],
            db: DbOption = None) -> None:
    """Import an Open Referral UK feed: all records or none, a batch at a time while the portal keeps running.

    It runs as a job, here and now: if it is stopped part-way (even by kill -9), the worker puts back what it
    wrote and runs it again when it next starts."""
    from portal import job_kinds, job_records

    try:
        records = oruk.read_feed_file(file)
    except oruk.FeedError as error:
        err.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    settings = Settings(db=database_path(db))
    database = open_db(settings.db)
    kept = settings.db.parent / "imports" / f"feed-{secrets.token_hex(8)}.json"
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(file, kept)  # the job's own copy, which it removes once imported
    job_id = job_records.create(database, job_kinds.IMPORT, "directory", {"file": str(kept)}, "command line")
    out.print(f"Importing {len(records)} listings...")
    job_kinds.run(settings, job_id)
    job = job_records.get(database, job_id)
    if job is None or job.status != job_records.DONE:
        err.print(f"[red]{job.error if job else 'The import did not finish.'}[/red]", highlight=False)
        raise typer.Exit(1)
    created, updated = job.result["created"], job.result["updated"]
    out.print(f"Imported {created + updated} listings ({created} new, {updated} updated) into {settings.db}.")
    out.print(f"Embedded {job.result['embedded']} changed listings.")


referrals_app = typer.Typer(help="Referrals: keys, erasure and the hub team.", no_args_is_help=True)
app.add_typer(referrals_app, name="referrals")


@referrals_app.command("rotate-keys")
def rotate_keys(db: DbOption = None) -> None:
    """Re-seal every resident's details with the newest key (the first in PORTAL_REFERRAL_KEYS), so an older
    key can then be removed from the list."""
    database = open_db(db)
    settings = Settings(db=db) if db else Settings()
    try:
        done = store.rotate_all(database, Seal(settings.referral_key_list()))
    except SealError:
        out.print("A referral was sealed with a key that is not in PORTAL_REFERRAL_KEYS: nothing was changed.")
        raise typer.Exit(1) from None
    out.print(f"Re-sealed {done} fields with the newest key.")


@referrals_app.command("erase")
def erase(db: DbOption = None) -> None:
    """Erase residents' details of referrals closed longer ago than PORTAL_REFERRAL_KEEP_MONTHS (the worker does
    this every hour; this is for doing it now)."""
    settings = Settings(db=db) if db else Settings()
    out.print(f"Erased the details of {store.erase_closed(open_db(db), settings.referral_keep_months)} referrals.")


@referrals_app.command("hub")
def hub(listing: Annotated[str, typer.Argument(help="The hub team's listing id.")], db: DbOption = None) -> None:
    """Make a listing the partnership's hub team: "can someone call me?" from the assistant or a kiosk, with no
    listing chosen, goes to it (it then takes referrals)."""
    database = open_db(db)
    if not database.execute("select 1 from services where id = ?", [listing]).fetchone():
        out.print(f"No listing has the id {listing}.")
        raise typer.Exit(1)
    intake.make_hub(database, listing, "cli")
    out.print(f"{listing} is now the hub team.")


sources_app = typer.Typer(help="Other publishers' Open Referral UK feeds this directory syncs from.",
                          no_args_is_help=True)
directory_app.add_typer(sources_app, name="sources")


@sources_app.command("add")
def sources_add(name: Annotated[str, typer.Argument(help="A short name, like family-hubs.")],
                url: Annotated[str, typer.Argument(help="The feed's API root or its /services address.")],
                every: Annotated[str | None, typer.Option("--every", help="Sync on a schedule: 6h, 30m, 1d.")] = None,
                db: DbOption = None) -> None:
    """Add a publisher's feed to sync from."""
    from directory import sources

    database = open_db(database_path(db))
    try:
        added = sources.add_source(database, name, url, every)
    except sources.SourceError as error:
        err.print(f"[red]{error}[/red]", highlight=False)
        raise typer.Exit(2) from error
    schedule = f"every {every}" if added.every_s else "when you run `portal directory sync`"
    out.print(f"Added {added.name} ({added.url}): synced {schedule}.", highlight=False)


@sources_app.command("list")
def sources_list(db: DbOption = None) -> None:
    """The feeds this directory syncs from, and how each last sync went."""
    from directory import sources

    found = sources.all_sources(open_db(database_path(db)))
    if not found:
        out.print("No sources yet: `portal directory sources add NAME URL` adds one.")
        return
    for each in found:  # a line each, never cut to the terminal's width: a name or address is copied from here
        every = (f"every {each.every_s // 3600}h" if each.every_s and each.every_s % 3600 == 0
                 else f"every {each.every_s // 60}m" if each.every_s else "by hand")
        out.print(f"{each.name}  {each.url}  {every}  last sync: {each.last_run_at or 'never'} ({each.last_status})",
                  highlight=False, soft_wrap=True)


@directory_app.command("sync")
def sync_command(name: Annotated[str | None, typer.Argument(help="One source; all of them if left out.")] = None,
                 db: DbOption = None) -> None:
    """Sync from other publishers' feeds now, each all or nothing, as the worker does on their schedule."""
    from directory import sources
    from portal import job_kinds, job_records

    settings = Settings(db=database_path(db))
    database = open_db(settings.db)
    names = [name] if name else [each.name for each in sources.all_sources(database)]
    if name and sources.source(database, name) is None:
        err.print(f"[red]There is no source called {name!r}: `portal directory sources list` shows them.[/red]",
                  highlight=False)
        raise typer.Exit(2)
    failed = 0
    for each in names:
        job_id = job_records.create(database, job_kinds.SYNC, each, {"source": each}, "command line")
        job_kinds.run(settings, job_id)
        job = job_records.get(database, job_id)
        if job is not None and job.status == job_records.DONE:
            out.print(job.result["summary"], highlight=False)
        else:
            failed += 1
            err.print(f"[red]{each}: {job.error if job else 'the sync did not finish.'}[/red]", highlight=False)
    if failed:
        raise typer.Exit(1)


@directory_app.command("audit")
def audit_command(source: Annotated[str | None, typer.Option("--source", help="Only this source's listings.")] = None,
                  db: DbOption = None) -> None:
    """The feed audit: listings nobody can contact, ids other directories would refuse, reviews out of date,
    likely duplicates and categories that do not fit; each with its address. Exits 1 if it found anything."""
    from directory import audit, sources

    settings = Settings(db=database_path(db))
    database = open_db(settings.db)
    if source and sources.source(database, source) is None:
        err.print(f"[red]There is no source called {source!r}: `portal directory sources list` shows them.[/red]",
                  highlight=False)
        raise typer.Exit(2)
    found = audit.audit(database, load_embedder(settings.embedder), source)
    out.print(f"Checked {found.listings} published listings{f' from {source}' if source else ''}: "
              f"{len(found.findings)} findings.", highlight=False)
    for skipped in found.skipped:
        out.print(f"Not checked (no search model): {skipped}.", highlight=False)
    for kind, findings in found.by_kind().items():
        if not findings:
            continue
        out.print(f"\n{kind.replace('_', ' ').capitalize()} ({len(findings)})", style="bold", highlight=False)
        for finding in findings:
            out.print(f"- {finding.name}: {finding.detail}", highlight=False)
            out.print(f"  {settings.link('/moderation/listings/' + finding.service_id)}", highlight=False,
                      soft_wrap=True)
    if found.findings:
        raise typer.Exit(1)


@app.command()
def worker(db: DbOption = None) -> None:
    """Run the background worker (themes, imports, reindexing, mail) until stopped; `portal serve` starts one."""
    from portal.job_queue import job_queue

    settings = Settings(db=database_path(db))
    open_db(settings.db).close()  # migrated before the first job
    out.print(f"Worker for {settings.db}: waiting for jobs.")
    job_queue(settings).serve()


@directory_app.command("export")
def export(file: Annotated[Path, typer.Argument(help="Where to write the Open Referral UK JSON.")],
           db: DbOption = None) -> None:
    """Export every listing as Open Referral UK 3.0 JSON (the format import reads)."""
    records = oruk.export_services(open_db(db))
    oruk.write_feed(records, file)
    out.print(f"Exported {len(records)} listings to {file}.")


@directory_app.command("seed")
def seed_(db: DbOption = None,
          force: Annotated[bool, typer.Option(help="Load even if the directory already has listings.")] = False
          ) -> None:
    """Load the Lewisham demonstration directory, unless the directory already has listings."""
    database = open_db(db)
    count = database["services"].count
    if count and not force:
        out.print(f"The directory already has {count} listings: demonstration data not loaded (use --force).")
    else:
        records = seed.demo_records()
        with _progress("Loading demonstration listings", len(records)) as advance:
            report = seed.load_demo(database, advance)
        out.print(f"Loaded {report.created + report.updated} demonstration listings.")
    if seed.is_demo(database) and intake.hub_service(database) is None:
        out.print(f"{intake.load_demo(database)} demonstration listings take referrals.")
    embedded = _embed(database)
    out.print(f"Embedded {embedded} changed listings.")


@directory_app.command()
def reindex(db: DbOption = None,
            full: Annotated[bool, typer.Option(help="Recompute every embedding, not just changed ones.")] = False
            ) -> None:
    """Rebuild the full-text index and embed listings that changed."""
    database = open_db(db)
    with database.atomic():
        if full:
            database.execute("delete from service_embeddings")
        count = index.refresh_text_index(database)
    out.print(f"Full-text index: {count} listings.")
    embedded = _embed(database)
    out.print(f"Embedded {embedded} listings.")


@directory_app.command("search")
def search_(
    text: Annotated[str, typer.Argument(help="What the resident needs, in any language.")] = "",
    postcode: Annotated[str | None, typer.Option(help="Sort or limit by distance from this postcode.")] = None,
    near_km: Annotated[float | None, typer.Option("--near-km", help="Only listings within N km.")] = None,
    category: Annotated[list[str] | None, typer.Option(help="Category code, e.g. money-debt (repeatable).")] = None,
    neighbourhood: Annotated[str | None, typer.Option(help="Neighbourhood number or name.")] = None,
    free: Annotated[bool, typer.Option("--free", help="Only free listings.")] = False,
    open_now: Annotated[bool, typer.Option("--open-now", help="Only listings open now (London time).")] = False,
    language: Annotated[str | None, typer.Option(help="A language spoken at the service.")] = None,
    sort: Annotated[str, typer.Option(help="relevance or distance.")] = "relevance",
    limit: Annotated[int, typer.Option(help="How many results.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Search the directory the way the portal does."""
    database = open_db(db)
    upkeep.after_upgrade(database)
    query = SearchQuery(text=text, categories=category or [], neighbourhood=neighbourhood, free_only=free,
                        open_now=open_now, language=language, postcode=postcode, near_km=near_km,
                        sort=sort, limit=limit)
    try:
        results = search(database, query, load_embedder())
    except (SearchInputError, PostcodeError) as error:
        err.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    analytics.log_search(database, text, results.total, postcode=postcode, mode=results.mode,
                         filters={"category": category, "free": free, "open_now": open_now})
    if as_json:
        payload = {"total": results.total, "mode": results.mode, "results": [
            {"id": h.listing.id, "name": h.listing.name, "summary": h.listing.summary, "score": round(h.score, 5),
             "matched_by": h.matched_by, "distance_km": None if h.distance_km is None else round(h.distance_km, 2),
             "open_now": h.open_now} for h in results.hits]}
        out.print_json(json.dumps(payload, ensure_ascii=False))
        return
    table = Table(title=f"{results.total} found ({results.mode} search)")
    for column in ("Name", "What it is", "Distance", "Open now"):
        table.add_column(column)
    for hit in results.hits:
        distance = "" if hit.distance_km is None else f"{hit.distance_km:.1f} km"
        table.add_row(hit.listing.name, hit.listing.summary, distance, "yes" if hit.open_now else "")
    out.print(table)


@directory_app.command("gaps")
def gaps(db: DbOption = None,
         few: Annotated[int, typer.Option(help="Count searches with this many results or fewer.")] = 2,
         as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Needs residents searched for and found nothing or little."""
    found = analytics.gaps(open_db(db), few=few)
    if as_json:
        out.print_json(json.dumps([asdict(g) for g in found], ensure_ascii=False))
        return
    table = Table(title="Searches that found little")
    for column in ("Search", "Language", "Month", "Times", "Most results"):
        table.add_column(column)
    for gap in found:
        table.add_row(gap.query, gap.language or "", gap.month, str(gap.searches), str(gap.best_result_count))
    out.print(table)


@directory_app.command("stale")
def stale(db: DbOption = None,
          email: Annotated[bool, typer.Option("--email/--no-email",
                                              help="Email each organisation's editors (when SMTP is set).")] = True,
          as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
          ) -> None:
    """Listings not checked for 6 months, by organisation; emails their editors when SMTP is configured."""
    database = open_db(db)
    grouped = freshness.stale_by_organization(database)
    if as_json:
        listed = {organisation: [asdict(item) for item in due] for organisation, due in grouped.items()}
        out.print_json(json.dumps(listed, ensure_ascii=False))
    else:
        table = Table(title=f"{sum(len(v) for v in grouped.values())} listings due for review")
        for column in ("Organisation", "Listing", "Last checked"):
            table.add_column(column)
        for organisation, due in grouped.items():
            for item in due:
                table.add_row(organisation, item.name, item.last_reviewed or "never")
        out.print(table)
    settings = Settings()
    if not email or not mail.configured(settings):
        return
    _refuse_unsafe(settings)
    sent = 0
    for due in grouped.values():
        editors = [u for u in users.everyone(database) if u.edits_for(due[0].organization_id)]
        body = "\n".join(
            ["These listings have not been checked for 6 months, so residents are told they may be out of date.",
             "Please check each one, then change it or press \"Still correct\":", ""]
            + [f"- {item.name}" for item in due]
            + ["", settings.link(f"/manage/organisations/{due[0].organization_id}")])
        sent += sum(mail.send(settings, editor.email, "Listings due for review", body) for editor in editors)
    out.print(f"{sent} reminder email(s) sent.")


def _embedder_or_exit(doing: str) -> Embedder:
    embedder = load_embedder()
    if embedder is None:
        err.print(f"[red]No embedding model could load, so comments cannot be {doing} by meaning.[/red]")
        raise typer.Exit(1)
    return embedder


@surveys_app.command("theme-csv")
def theme_csv_command(
    source: Annotated[Path, typer.Argument(help="A CSV file of comments, UTF-8.")],
    column: Annotated[str, typer.Option(help="The column holding the comments.")],
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the rows with theme_id and theme_label.")],
    themes: Annotated[int | None, typer.Option(min=1, max=200, help="How many themes (default: from the count).")]
    = None,
) -> None:
    """Group comments in any language into themes, and write each row's theme."""
    embedder = _embedder_or_exit("themed")
    started = time.perf_counter()
    try:
        done = theme_csv(source, column, out_path, embedder, themes)
    except CsvProblem as problem:
        err.print(f"[red]{problem}[/red]")
        raise typer.Exit(1) from None
    table = Table(title=f"{len(done.theming.themes)} themes in {done.answered} comments "
                        f"({time.perf_counter() - started:.0f} s)")
    for heading in ("Theme", "Label", "Comments", "A typical comment"):
        table.add_column(heading)
    for theme in done.theming.themes:
        table.add_row(str(theme.number), theme.label, str(theme.size), theme.quotes[0] if theme.quotes else "")
    out.print(table)
    err.print(f"Wrote {done.rows} rows to {out_path}")


@surveys_app.command("classify-csv")
def classify_csv_command(
    source: Annotated[Path, typer.Argument(help="A CSV file of comments, UTF-8.")],
    column: Annotated[str, typer.Option(help="The column holding the comments.")],
    codebook: Annotated[Path, typer.Option(help="The codebook: a CSV with columns theme, description, example "
                                                "(one example a row).")],
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the rows with themes and confidence.")],
) -> None:
    """Place comments in any language under a codebook's named themes, and write each row's themes."""
    embedder = _embedder_or_exit("placed")
    started = time.perf_counter()
    try:
        done = classify_csv(source, column, codebook, out_path, embedder)
    except CsvProblem as problem:
        err.print(f"[red]{problem}[/red]")
        raise typer.Exit(1) from None
    for theme, count in done.counts.most_common():
        out.print(f"{count:>6}  {theme}")
    err.print(f"{done.answered} comments placed in {time.perf_counter() - started:.0f} s. Unsure (confidence under "
              f"{codebook_model.UNSURE:.0%}, worth a person's look): {done.unsure}. Wrote {done.rows} rows to "
              f"{out_path}")


@users_app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Option(prompt=True, help="The administrator's email address.")],
    name: Annotated[str, typer.Option(prompt=True, help="Their name.")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True,
                                          envvar="PORTAL_ADMIN_PASSWORD",
                                          help="Asked for when not given (or from $PORTAL_ADMIN_PASSWORD).")],
    db: DbOption = None,
) -> None:
    """Create the first administrator, who then invites everyone else from the portal."""
    try:
        user = users.create(open_db(db), email, name, password, users.ADMIN)
    except AccountProblems as found:
        for problem in found.problems:
            err.print(f"[red]{problem}[/red]")
        raise typer.Exit(1) from None
    out.print(f"Administrator {user.email} created. Sign in at /account/sign-in.")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
