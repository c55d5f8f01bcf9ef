"""The `portal` command: import, export, seed, search, reindex and gaps, as an operator types them."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from directory.store import open_db
from portal.cli import app
from tests.builders import service

runner = CliRunner()


@pytest.fixture(autouse=True)
def narrow_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command here runs in a 40-column terminal: what it says must not depend on how wide that is."""
    monkeypatch.setenv("COLUMNS", "40")


def write(path: Path, records: list) -> Path:  # noqa: ANN001
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def test_import_then_search_from_the_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "portal.db")
    feed = write(tmp_path / "feed.json", [service("debt", "Lewisham Money Advice", "Help with rent arrears.",
                                                  ("money-debt",))])
    result = runner.invoke(app, ["directory", "import", str(feed), "--db", db])
    assert result.exit_code == 0, result.output
    assert "Imported 1 listings (1 new, 0 updated)" in result.output
    found = runner.invoke(app, ["directory", "search", "behind on my rent", "--json", "--db", db])
    assert found.exit_code == 0, found.output
    payload = json.loads(found.stdout)
    assert payload["results"][0]["name"] == "Lewisham Money Advice" and payload["total"] == 1


def test_a_bad_file_is_refused_with_each_problem_and_nothing_changes(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("PORTAL_DB", str(tmp_path / "env.db"))
    bad = service("bad", "Broken listing", "Bad.", hours=(("XX", "09:00", "17:00"),))
    feed = write(tmp_path / "feed.json", [service("ok", "Fine", "Fine."), bad])
    result = runner.invoke(app, ["directory", "import", str(feed)])
    assert result.exit_code == 1
    assert "Nothing was imported" in result.output
    assert "record 2 ('Broken listing'): schedules[0].byday" in result.output
    assert open_db(tmp_path / "env.db")["services"].count == 0


def test_export_writes_what_import_reads(tmp_path: Path) -> None:
    db = str(tmp_path / "portal.db")
    feed = write(tmp_path / "feed.json", [service("a", "Hub", "A hub."), service("b", "Pantry", "Food.")])
    runner.invoke(app, ["directory", "import", str(feed), "--db", db])
    result = runner.invoke(app, ["directory", "export", str(tmp_path / "out.json"), "--db", db])
    assert result.exit_code == 0 and "Exported 2 listings" in result.output
    assert [r["name"] for r in json.loads((tmp_path / "out.json").read_text())] == ["Hub", "Pantry"]


def test_seed_loads_once_and_never_overwrites_a_directory_in_use(tmp_path: Path) -> None:
    db = str(tmp_path / "portal.db")
    first = runner.invoke(app, ["directory", "seed", "--db", db])
    assert first.exit_code == 0, first.output
    assert "demonstration listings" in first.output
    count = open_db(db)["services"].count
    assert count >= 60
    second = runner.invoke(app, ["directory", "seed", "--db", db])
    assert "already has" in second.output and "Embedded 0 changed listings" in second.output


def test_search_input_errors_are_messages_not_tracebacks(tmp_path: Path) -> None:
    result = runner.invoke(app, ["directory", "search", "food", "--postcode", "XYZ", "--db", str(tmp_path / "p.db")])
    assert result.exit_code == 2
    assert "does not look like a postcode" in result.output
    assert "Traceback" not in result.output


def test_reindex_and_gaps(tmp_path: Path) -> None:
    db = str(tmp_path / "portal.db")
    runner.invoke(app, ["directory", "import", str(write(tmp_path / "f.json", [service("a", "Hub", "A hub.")])),
                        "--db", db])
    result = runner.invoke(app, ["directory", "reindex", "--full", "--db", db])
    assert result.exit_code == 0 and "Embedded 1 listings" in result.output
    runner.invoke(app, ["directory", "search", "zzzz unmet need", "--db", db])
    gaps = runner.invoke(app, ["directory", "gaps", "--json", "--db", db])
    assert json.loads(gaps.stdout)[0]["query"] == "zzzz unmet need"


def test_surveys_theme_csv_writes_each_rows_theme_or_nothing_at_all(tmp_path: Path) -> None:
    import csv

    source, out = tmp_path / "comments.csv", tmp_path / "themed.csv"
    comments = ["The food bank ran out of food", "More food parcels please", "Brak jedzenia w banku żywności",
                "Waited weeks for a GP appointment", "Could not see a doctor for a month", "",
                "Esperé semanas al médico"]
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "comment"])
        writer.writerows([[i, c] for i, c in enumerate(comments)])
    wrong = runner.invoke(app, ["surveys", "theme-csv", str(source), "--column", "feedback", "--out", str(out)])
    assert wrong.exit_code == 1 and "no column 'feedback'" in wrong.output and "id, comment" in wrong.output
    assert not out.exists()
    done = runner.invoke(app, ["surveys", "theme-csv", str(source), "--column", "comment", "--out", str(out),
                               "--themes", "2"])
    assert done.exit_code == 0, done.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["comment"] for r in rows] == comments and list(rows[0]) == ["id", "comment", "theme_id", "theme_label"]
    food, wait = {rows[i]["theme_id"] for i in (0, 1, 2)}, {rows[i]["theme_id"] for i in (3, 4, 6)}
    assert len(food) == 1 and len(wait) == 1 and food != wait
    assert rows[5]["theme_id"] == "" and "food" in rows[0]["theme_label"]


def test_surveys_classify_csv_places_each_row_under_the_codebook_or_writes_nothing(tmp_path: Path) -> None:
    import csv

    source, book, out = tmp_path / "comments.csv", tmp_path / "codebook.csv", tmp_path / "placed.csv"
    source.write_text("id,comment\n1,Necesitamos más comida\n2,Czekałem miesiąc na lekarza\n3,\n", encoding="utf-8")
    book.write_text("theme,description,example\nFood,Food banks,The food bank ran out\nFood,,More food parcels\n"
                    "Seeing a GP,,Could not get a GP appointment\nSeeing a GP,,Waited weeks for the doctor\n",
                    encoding="utf-8")
    arguments = ["surveys", "classify-csv", str(source), "--column", "comment", "--codebook", str(book), "--out",
                 str(out)]
    done = runner.invoke(app, arguments)
    assert done.exit_code == 0, done.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["themes"], r["confidence"] != "") for r in rows] == [("Food", True), ("Seeing a GP", True), ("", False)]
    assert "Unsure" in done.output and "Wrote 3 rows" in done.output
    out.unlink()
    book.write_text("theme,example\nFood,bread\n", encoding="utf-8")
    small = runner.invoke(app, arguments)
    assert small.exit_code == 1 and "at least two themes" in small.output and not out.exists()


def test_referral_keys_are_rotated_from_the_command_line_then_the_old_key_can_go(seeded_path: Path,
                                                                                  monkeypatch) -> None:  # noqa: ANN001
    from referrals import store
    from referrals.sealing import Seal, new_key

    old, new = new_key(), new_key()
    db = open_db(seeded_path)
    listing = db.execute("select id from services order by name limit 1").fetchone()[0]
    made = store.refer(db, Seal([old]), service_id=listing, channel=store.WEB, name="Sam", phone="07700 900123",
                       consent_text="Agreed", consent_by="resident")
    monkeypatch.setenv("PORTAL_REFERRAL_KEYS", new)  # the old key missing: refused, nothing changed
    refused = runner.invoke(app, ["referrals", "rotate-keys", "--db", str(seeded_path)])
    assert refused.exit_code == 1 and "nothing was changed" in refused.output
    monkeypatch.setenv("PORTAL_REFERRAL_KEYS", f"{new},{old}")
    done = runner.invoke(app, ["referrals", "rotate-keys", "--db", str(seeded_path)])
    assert done.exit_code == 0 and "Re-sealed 7 fields" in done.output
    assert store.open_details(db, Seal([new]), made.id, "u", made.organization_id).resident.name == "Sam"


def test_the_hub_team_is_set_from_the_command_line(seeded_path: Path) -> None:
    from referrals import intake

    db = open_db(seeded_path)
    listing = db.execute("select id from services order by name limit 1").fetchone()[0]
    assert runner.invoke(app, ["referrals", "hub", "nope", "--db", str(seeded_path)]).exit_code == 1
    assert runner.invoke(app, ["referrals", "hub", listing, "--db", str(seeded_path)]).exit_code == 0
    assert intake.hub_service(db) == listing
