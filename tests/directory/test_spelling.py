"""'Did you mean…?' corrects words the directory does not use to the nearest ones it does."""

from directory.corpus import corpus
from directory.spelling import suggest


def test_misspelt_words_are_corrected_from_the_directorys_own_words(seeded_db) -> None:  # noqa: ANN001
    found = corpus(seeded_db, None)
    assert suggest(found, "bloood presure") == "blood pressure"
    assert suggest(found, "lewisam") == "lewisham"


def test_nothing_is_suggested_when_every_word_is_known_or_too_short(seeded_db) -> None:  # noqa: ANN001
    found = corpus(seeded_db, None)
    assert suggest(found, "food bank") is None
    assert suggest(found, "xq") is None
