"""The held-out search queries stay held out: none of them is a development query, a sentence the scope
classifier is trained on, or an out-of-scope question used to tune it. A figure reported on held-out
queries that were also tuned on would flatter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import relevance, scope_training

EVAL = Path(relevance.__file__).with_name("eval")


def _queries(split: str, name: str) -> set[str]:
    items = json.loads((EVAL / split / f"{name}.json").read_text(encoding="utf-8"))
    return {" ".join(item["query"].casefold().split()) for item in items}


def _normal(texts: list[str]) -> set[str]:
    return {" ".join(t.casefold().split()) for t in texts}


HELD_OUT = set().union(*(_queries("heldout", name) for name in ("demo", "miami211", "nonsense")))


@pytest.mark.parametrize("name", ["demo", "miami211", "nonsense"])
def test_no_held_out_query_is_a_development_query(name: str) -> None:
    assert not _queries("heldout", name) & set().union(*(_queries("dev", n) for n in ("demo", "miami211",
                                                                                          "nonsense")))


def test_no_held_out_query_teaches_the_scope_classifier() -> None:
    needs, not_needs = scope_training.training_sentences()
    assert not HELD_OUT & _normal(needs + not_needs)


def test_out_of_scope_questions_are_tuned_on_one_split_and_reported_on_the_other() -> None:
    tuned, reported = relevance.out_of_scope("dev"), relevance.out_of_scope("heldout")
    assert not _normal([t for texts in tuned.values() for t in texts]) & _normal(
        [t for texts in reported.values() for t in texts])
    assert any(name.startswith("CLINC150 oos_train") for name in tuned)
    assert any(name.startswith("CLINC150 oos_val") for name in reported)


def test_each_set_is_big_enough_to_report_and_covers_every_portal_language() -> None:
    from portal.languages import LANGUAGES

    queries = [item for split in ("dev", "heldout") for name in ("demo", "miami211")
               for item in json.loads((EVAL / split / f"{name}.json").read_text(encoding="utf-8"))]
    assert len(queries) >= 150
    assert {language.code for language in LANGUAGES} <= {item["lang"] for item in queries}


def test_held_out_crisis_messages_and_conversations_are_not_development_ones() -> None:
    import yaml

    from bench.crisis import messages

    def said(split: str) -> set[str]:
        crisis = messages(split)
        talks = yaml.safe_load((EVAL / split / "conversations.yml").read_text(encoding="utf-8"))["conversations"]
        return _normal([t for kinds in crisis.values() for texts in kinds.values() for t in texts]
                       + [turn["say"] for talk in talks for turn in talk["turns"]])

    assert not said("heldout") & said("dev")


def test_the_codebook_held_out_comments_are_fixed_and_well_formed() -> None:
    from bench import codebook_split

    held = json.loads(codebook_split.HELD_OUT.read_text(encoding="utf-8"))
    assert len(held["row_index"]) == len(set(held["row_index"])) == held["held_out"]
    assert all(0 <= i < held["rows"] for i in held["row_index"])
    assert 0.15 < held["held_out"] / held["rows"] < 0.25


def test_no_held_out_comment_is_a_training_example() -> None:
    """By text, not by row: "Nothing." answered by 400 people is on one side only. Also that the committed split
    is exactly what the script makes, so it cannot have been moved after seeing a result."""
    from bench import codebook_split, themes

    if not themes.DATA.exists():
        pytest.skip(f"the feedback comments are not here ({themes.DATA})")
    rows = themes.load()
    train, held = codebook_split.load_split(rows)
    assert not {codebook_split.normal(r["feedback"]) for r in train} & \
        {codebook_split.normal(r["feedback"]) for r in held}
    assert {r["subcategory"] for r in held} == {r["subcategory"] for r in rows}
    assert sorted(int(r["row_index"]) for r in held) == codebook_split.split(rows)[1]
