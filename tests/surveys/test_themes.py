"""Answers that mean the same thing, in any language, share a theme named by the words that set it apart."""

import numpy as np

from surveys import themes

FOOD = ["The food bank ran out of food", "Need more food parcels for families", "Food is too expensive now",
        "El banco de alimentos no tenía comida", "Potrzebujemy więcej paczek żywnościowych"]
WAIT = ["Waited three weeks for a GP appointment", "Could not get a doctor's appointment",
        "The GP waiting list is too long", "Esperé semanas para ver al médico", "Czekałem miesiąc na wizytę u lekarza"]


def test_answers_about_one_need_share_a_theme_across_languages(embedder) -> None:  # noqa: ANN001
    found = themes.find_themes(FOOD + WAIT, embedder, count=2)
    assert len(set(found.assignments[:5])) == 1 and len(set(found.assignments[5:])) == 1
    assert found.assignments[0] != found.assignments[5]
    food = next(t for t in found.themes if t.number == found.assignments[0])
    assert "food" in food.words and food.size == 5
    assert len(food.quotes) == 3 and all(q in FOOD for q in food.quotes)


def test_quotes_prefer_answers_that_needed_nothing_redacted(embedder) -> None:  # noqa: ANN001
    answers = ["Call me on 020 7946 0000 about the food bank", "The food bank needs more food", "More food please",
               "Food parcels helped us"]
    found = themes.find_themes(answers, embedder, count=1)
    assert "[phone]" not in " ".join(found.themes[0].quotes[:3])
    assert all("7946" not in q for q in found.themes[0].quotes)


def test_identical_answers_are_embedded_once_and_long_ones_by_their_start(embedder) -> None:  # noqa: ANN001
    vectors = themes.embed(["Nothing", "Nothing", "x " * 500], embedder)
    assert np.allclose(vectors[0], vectors[1]) and vectors.shape == (3, embedder.dim)
    assert len(themes.prepare("word " * 100)) <= themes.MAX_CHARS


def test_the_number_of_themes_grows_slowly_with_the_answers() -> None:
    assert [themes.choose_count(n) for n in (3, 12, 40, 1000, 10_000, 100_000)] == [1, 2, 4, 22, 30, 30]


def test_a_theme_is_never_named_after_a_redaction_marker_or_a_stop_word_in_any_portal_language() -> None:
    """A theme was named "email, name, open" after the markers that replaced people's contact details."""
    texts = ["Please email me at sam.jones@example.org about the Saturday opening",
             "Call me on 07700 900123 or write to Jo Smith about Saturday opening",
             "My postcode is SE6 4RU, Saturday opening would help",
             "Saturday opening please, contact me at amir@example.org",
             "Chciałabym, żeby było otwarte także w sobotę, jest to dla mnie ważne",
             "Sería muy bueno que estuviera abierto también los sábados",
             "শনিবার খোলা থাকলে আমার জন্য খুব ভালো হতো এবং সুবিধা হতো"]
    found = themes.distinctive_words(texts, [0] * len(texts), 12)[0]
    assert not {"email", "name", "phone", "postcode"} & set(found)
    assert not {"jest", "dla", "que", "muy", "এবং", "জন্য"} & set(found)
    assert "saturday" in found
