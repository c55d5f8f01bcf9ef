"""Words as residents write them, in each portal language: tokens, stop words and stems.

Word search must count words in the query's own language: "czynszu" should meet "czynsz", and the Polish
"nie" or the Portuguese "de" must never carry a listing in. Snowball stemmers cover English, Polish,
Portuguese, Spanish, Turkish, French and Arabic; Somali and Bengali, which Snowball has no stemmer for, are
cut to their first five letters (a light stemmer that is known to work for languages without one). Stop
words are the stopwords-iso lists (the English list by hand: the ISO one drops "help", "home" and "work").

Tokens keep combining marks, so a Bengali word stays one word (SQLite's and Python's own word patterns
split it at every vowel sign); Latin accents are removed and Arabic letters are normalised.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache

import regex
import snowballstemmer
import stopwordsiso

LANGUAGES = ("en", "pl", "pt", "es", "tr", "so", "fr", "ar", "bn")
_SNOWBALL = {"en": "english", "pl": "polish", "pt": "portuguese", "es": "spanish", "tr": "turkish",
             "fr": "french", "ar": "arabic"}
TRUNCATE = 5  # letters kept where there is no stemmer
_TOKEN = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*")
_ARABIC_MARKS = regex.compile(r"[\u064B-\u065F\u0670\u0640]")  # harakat, superscript alef, tatweel
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه"})

# Function words only: "help", "home", "work", "free" and "old" are what residents search for.
_ENGLISH_STOP = frozenset("""
    a about after again all also am an and any are as at be because been before being both but by can cannot
    could did do does doing down during each few for from further get gets got had has have having he her here
    hers him his how i if in into is it its itself just me more most my myself no nor not now of off on once
    only or other our ours out over own please same she should so some such than that the their theirs them
    then there these they this those through to too under until up very was we were what when where which while
    who whom why will with would you your yours im ive dont cant wont isnt anyone someone something somewhere
    need needs needed want wants looking find help helps
""".split())
# Words the ISO lists call stop words that residents search with ("work", "group").
_NEVER_STOP = frozenset({"trabajo", "trabalho", "iş", "কাজ", "grupo", "group", "praca"})


def _plain(word: str) -> str:
    """Latin accents off ("alquiler" for "alquíler"), Arabic marks off and its letter variants made one."""
    if word.isascii():
        return word
    if any("\u0600" <= ch <= "\u06ff" for ch in word):
        return _ARABIC_MARKS.sub("", word).translate(_ARABIC_LETTERS)
    decomposed = unicodedata.normalize("NFD", word)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not (
        unicodedata.category(ch) == "Mn" and "\u0300" <= ch <= "\u036f")))


def tokens(text: str) -> list[str]:
    """Lower-case words, with their marks kept within them."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())


@cache
def stop_words(language: str) -> frozenset[str]:
    if language == "en":
        return _ENGLISH_STOP
    listed = stopwordsiso.stopwords(language) if stopwordsiso.has_lang(language) else set()
    return frozenset(w.casefold() for w in listed) - _NEVER_STOP


@cache
def _stemmer(language: str) -> snowballstemmer.stemmer | None:
    return snowballstemmer.stemmer(_SNOWBALL[language]) if language in _SNOWBALL else None


def stem(word: str, language: str) -> str:
    found = _stemmer(language)
    return found.stemWord(word) if found else word[:TRUNCATE]


def stems(text: str, language: str = "en", english: frozenset[str] = frozenset()) -> list[str]:
    """The words of `text` that carry meaning, stemmed as `language` stems them, then made plain (accents off)
    so a resident who types without them still matches; a number is kept whole. Words in `english` (a
    translation that keeps "carer allowance" in English) are stemmed as English: the Spanish stemmer would
    make "carer" into "car", and "fix my car" would find Carers Lewisham."""
    if language not in LANGUAGES:
        language = "en"
    stop = stop_words(language)
    return [word if word.isdigit() else _plain(stem(word, "en" if word in english else language))
            for word in tokens(text) if word not in stop and (len(word) > 1 or word.isdigit())]


def word_stems(text: str, language: str | None = None) -> list[set[str]]:
    """Each word of a search that is not a small word in English or in the language searched in, as the set
    of its stems both ways (residents mix English words such as "universal credit" into other languages)."""
    return [set(found) for found in _word_stems(text, language)]


@lru_cache(maxsize=1024)
def _word_stems(text: str, language: str | None) -> tuple[frozenset[str], ...]:
    """word_stems, remembered: one search asks for them several times."""
    languages = ["en"] + ([language] if language in LANGUAGES and language != "en" else [])
    stop = frozenset().union(*(stop_words(lang) for lang in languages))
    return tuple(frozenset({word}) if word.isdigit() else frozenset(_plain(stem(word, lang)) for lang in languages)
                 for word in tokens(text) if word not in stop and (len(word) > 1 or word.isdigit()))


def query_stems(text: str, language: str | None = None) -> list[str]:
    """A search's stems, each once, in the order its words come."""
    return list(dict.fromkeys(s for stems_of_word in word_stems(text, language) for s in sorted(stems_of_word)))


def letters(text: str) -> int:
    """How many letters the text has: "🍞", "..." and "7" have none, so they are not words to search for."""
    return sum(1 for ch in text if ch.isalpha())
