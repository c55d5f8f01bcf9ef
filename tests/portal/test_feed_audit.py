"""The feed audit finds what would let a resident down, each finding linking to its listing: from the command
line (`portal directory audit`) and on the moderators' page, which runs it as a job."""

from __future__ import annotations

import copy

import sqlite_utils
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from directory import audit, oruk
from directory.embeddings import Embedder
from directory.publishing import embed_listings
from directory.taxonomy import category_by_code
from portal.cli import app as cli
from tests.builders import service
from tests.portal.staff import post, run_jobs, sign_in, staff

BAD = [
    # Nobody can reach it: no phone, email or website.
    service("silent", "Quiet Hour Club", "A calm hour of board games on Wednesdays.", ("activities",),
            postcode="SE13 6LH", organisation="Lewisham Games Circle", assured_date="2026-11-01"),
    # The same pantry, published twice by the same organisation at the same postcode.
    service("pantry-a", "Hither Green Food Pantry", "Low-cost groceries and fresh vegetables every Friday.",
            ("food",), postcode="SE13 6TJ", organisation="Hither Green Mutual Aid", email="food@example.org",
            assured_date="2026-11-01"),
    service("pantry-b", "Hither Green Food Pantry (Fridays)", "Fresh vegetables and low-cost groceries on Fridays.",
            ("food",), postcode="SE13 6TJ", organisation="Hither Green Mutual Aid", email="pantry@example.org",
            assured_date="2026-11-01"),
    # A debt advice service filed only under "Carers".
    service("misfiled", "Ladywell Debt Line", "Free advice on rent arrears, council tax debt, bailiffs and "
            "benefit claims, by phone.", ("carers",), postcode=None, url="https://debt.example.org",
            assured_date="2026-11-01"),
    # Not reviewed for years.
    service("old", "Forest Hill Toddler Group", "Play sessions for under-fives and their carers.", ("family",),
            postcode="SE23 3HZ", email="play@example.org", assured_date="2023-01-10"),
]


def _with_bad_listings(db: sqlite_utils.Database, embedder: Embedder) -> None:
    oruk.import_services(db, copy.deepcopy(BAD))
    embed_listings(db, embedder, [record["id"] for record in BAD])


def test_each_kind_of_problem_is_found_and_names_its_listing(seeded_db: sqlite_utils.Database,
                                                             embedder: Embedder) -> None:
    _with_bad_listings(seeded_db, embedder)
    found = audit.audit(seeded_db, embedder).by_kind()
    names = {kind: {f.name for f in findings} for kind, findings in found.items()}
    assert "Quiet Hour Club" in names[audit.NO_CONTACT]
    assert "Forest Hill Toddler Group" in names[audit.OUT_OF_DATE]
    pair = next(f for f in found[audit.LIKELY_DUPLICATE] if "Hither Green" in f.name)
    assert {pair.name, pair.other_name} == {"Hither Green Food Pantry", "Hither Green Food Pantry (Fridays)"}
    misfit = next(f for f in found[audit.CATEGORY_MISFIT] if f.name == "Ladywell Debt Line")
    assert misfit.value == "carers" and misfit.other_name == "money-debt"
    assert "Quiet Hour Club" not in names[audit.OUT_OF_DATE] | names[audit.CATEGORY_MISFIT]


def test_the_demonstration_directory_has_no_false_duplicates_or_ids(seeded_db: sqlite_utils.Database,
                                                                   embedder: Embedder) -> None:
    """Branches of one service in different places (the pharmacies, one team per neighbourhood) say the same
    thing without being duplicates."""
    found = audit.audit(seeded_db, embedder).by_kind()
    assert found[audit.LIKELY_DUPLICATE] == []
    assert found[audit.INVALID_ID] == [] and found[audit.SHARED_ID] == [] and found[audit.NO_CONTACT] == []
    assert found[audit.CATEGORY_MISFIT] == []


def test_ids_other_directories_would_refuse_are_found(seeded_db: sqlite_utils.Database) -> None:
    odd = service("odd", "Odd Id Service", "A service with an id that is not a UUID.", ("food",), postcode=None,
                  email="x@example.org")
    odd["id"] = "SRV-0001"
    for attribute in odd["attributes"]:
        attribute["link_id"] = "SRV-0001"
    seeded_db["services"].insert({"id": "SRV-0001", "name": "Odd Id Service", "publication_status": "published",
                                  "email": "x@example.org"})
    found = audit.audit(seeded_db, None)
    assert [f.value for f in found.by_kind()[audit.INVALID_ID]] == ["SRV-0001"]
    assert found.skipped  # no model: the checks by meaning say they were not done


def test_the_command_lists_findings_with_links_and_fails_when_there_are_any(seeded_path, embedder) -> None:  # noqa: ANN001
    from directory.store import open_db

    db = open_db(seeded_path)
    _with_bad_listings(db, embedder)
    result = CliRunner().invoke(cli, ["directory", "audit", "--db", str(seeded_path)])
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "Quiet Hour Club: no phone number, email address or website" in text
    assert f"/moderation/listings/{BAD[0]['id']}" in result.output.replace("\n", "")
    missing = CliRunner().invoke(cli, ["directory", "audit", "--source", "nobody", "--db", str(seeded_path)])
    assert missing.exit_code == 2


def test_moderators_run_the_audit_as_a_job_and_each_finding_links_to_its_listing(
        client: TestClient, seeded_db: sqlite_utils.Database, embedder: Embedder) -> None:
    _with_bad_listings(seeded_db, embedder)
    people = staff(seeded_db)
    sign_in(client, people["editor_a"].email)
    assert client.get("/moderation/audit", follow_redirects=False).status_code in (303, 403)
    client.cookies.clear()
    sign_in(client, people["moderator"].email)
    assert "Run the audit" in client.get("/moderation/audit").text
    assert post(client, "/moderation/audit", "/moderation/audit").status_code == 303
    assert "Waiting to start" in client.get("/moderation/audit").text
    run_jobs(client)
    page = client.get("/moderation/audit").text
    assert "Quiet Hour Club" in page and f'href="/moderation/listings/{BAD[0]["id"]}"' in page
    assert "Filed under “Carers”, but “Money and debt” fits what it says better." in page
    assert category_by_code("money-debt").name == "Money and debt"
    assert client.get("/pl/moderation/audit").status_code == 200
