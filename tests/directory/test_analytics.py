"""The search log keeps what was needed and how much was found, never who asked."""

from directory import analytics


def test_emails_phone_numbers_and_full_postcodes_are_stripped() -> None:
    text = "help JANE.DOE@EXAMPLE.ORG call 020 7946 0123 or +44 7700 900123, I live at se6 4ru"
    scrubbed = analytics.scrub(text)
    assert "JANE" not in scrubbed and "7946" not in scrubbed and "900123" not in scrubbed
    assert "4RU" not in scrubbed.upper() and "SE6" in scrubbed
    assert scrubbed == "help [email] call [phone] or [phone], I live at SE6"


def test_a_logged_search_keeps_only_the_outcode_and_the_filters_used(db) -> None:  # noqa: ANN001
    analytics.log_search(db, "rent arrears", 3, language="pl", postcode="SE13 6LH",
                         filters={"free": True, "open_now": False, "category": None})
    [row] = db["search_log"].rows
    assert (row["query"], row["language"], row["outcode"], row["result_count"]) == ("rent arrears", "pl", "SE13", 3)
    assert row["filters"] == '{"free": true}'


def test_filter_values_are_scrubbed_and_cut_short_however_they_were_sent(db) -> None:  # noqa: ANN001
    analytics.log_search(db, "food", 1, language="x" * 5000, filters={
        "category": "jane.doe@example.org " + "a" * 10_000, "languages": ["call 020 7946 0123"] * 500,
        **{f"k{i}": "v" for i in range(100)}})
    [row] = db["search_log"].rows
    assert len(row["filters"]) < 2_000 and len(row["language"]) <= 12
    assert "jane" not in row["filters"] and "7946" not in row["filters"] and "[email]" in row["filters"]


def test_gaps_list_needs_that_found_little_most_searched_first(db) -> None:  # noqa: ANN001
    for text, found in [("sign language café", 0), ("Sign language café", 0), ("debt advice", 5),
                        ("allotments", 1), ("swimming for seniors", 3)]:
        analytics.log_search(db, text, found, language="en")
    gaps = analytics.gaps(db, few=2)
    assert [(g.query, g.searches) for g in gaps] == [("sign language café", 2), ("allotments", 1)]


def test_gaps_are_counted_by_the_neighbourhood_chosen_or_the_postcode_given(db) -> None:  # noqa: ANN001
    analytics.log_search(db, "allotment", 0, language="pl", postcode="SE6 4RU")  # Catford: neighbourhood 3
    analytics.log_search(db, "allotment", 1, language="pl", filters={"neighbourhood": "Deptford"})
    analytics.log_search(db, "allotment", 0, language="pl", postcode="N1 9GU")  # outside Lewisham
    by_area = {g.neighbourhood: g.searches for g in analytics.gaps(db)}
    assert by_area == {"n3": 1, "n1": 1, None: 1}
    assert [g.neighbourhood for g in analytics.gaps(db, neighbourhood="n1")] == ["n1"]
    assert analytics.gaps(db, language="en") == [] and analytics.gaps(db, month="1999-01") == []
