"""Residents' reports of problems reach the listing's organisation and the moderators, with nothing that
identifies the resident."""

import pytest

from directory.reports import ReportError, check_report, open_reports, report_problem


def _two_listings(seeded_db) -> list[tuple[str, str]]:  # noqa: ANN001
    return seeded_db.execute(
        "select id, organization_id from services where publication_status = 'published' "
        "group by organization_id order by id limit 2").fetchall()


def test_a_report_goes_to_the_listings_organisation_queue(seeded_db) -> None:  # noqa: ANN001
    (first, first_org), (second, second_org) = _two_listings(seeded_db)
    report_problem(seeded_db, first, "closed", "It shut last month")
    report_problem(seeded_db, second, "times", "")
    assert [r.service_id for r in open_reports(seeded_db, first_org)] == [first]
    assert {r.service_id for r in open_reports(seeded_db)} == {first, second}


def test_contact_details_typed_into_a_report_are_removed(seeded_db) -> None:  # noqa: ANN001
    (service, org), _ = _two_listings(seeded_db)
    report_problem(seeded_db, service, "contact", "Email me at jo@example.com or ring 020 7946 0123, I live at SE6 4RU")
    details = open_reports(seeded_db, org)[0].details
    assert "jo@example.com" not in details and "7946" not in details and "4RU" not in details


def test_a_report_must_say_what_is_wrong(seeded_db) -> None:  # noqa: ANN001
    assert [e.field for e in check_report("", "")] == ["problem"]
    assert [e.field for e in check_report("other", "  ")] == ["details"]
    (service, _), _ = _two_listings(seeded_db)
    with pytest.raises(ReportError):
        report_problem(seeded_db, service, "nonsense", "")
    with pytest.raises(ReportError):
        report_problem(seeded_db, "no-such-listing", "closed", "")
    assert seeded_db["listing_reports"].count == 0


def test_a_report_is_resolved_once_with_a_scrubbed_note(seeded_db) -> None:  # noqa: ANN001
    from directory.reports import recently_resolved, report, resolve

    service_id = seeded_db.execute("select id from services limit 1").fetchone()[0]
    made = report_problem(seeded_db, service_id, "times", "")
    with pytest.raises(ReportError, match="Say what you did"):
        resolve(seeded_db, made, "u-1", "  ")
    done = resolve(seeded_db, made, "u-1", "Rang them on 020 7946 0000 and fixed the hours")
    assert (done.status, done.resolved_by) == ("resolved", "u-1")
    assert done.resolution_note == "Rang them on [phone] and fixed the hours"
    assert made not in [r.id for r in open_reports(seeded_db)] and recently_resolved(seeded_db)[0].id == made
    with pytest.raises(ReportError, match="already been resolved"):
        resolve(seeded_db, made, "u-2", "again")
    assert report(seeded_db, made).resolved_by == "u-1"
