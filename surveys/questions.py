"""The kinds of question a co-design survey can ask, and the standard equality-monitoring questions.

The equality questions use the Office for National Statistics' 2021 census categories for England, so
answers can be compared with the borough's population; every one offers "Prefer not to say".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from directory.messages import N_
from directory.taxonomy import NEIGHBOURHOODS

SINGLE, MULTIPLE, RATING, TEXT, NEIGHBOURHOOD = "single", "multiple", "rating", "text", "neighbourhood"
AGE, ETHNICITY, DISABILITY, CARER, LANGUAGE = "age", "ethnicity", "disability", "carer", "language"
EQUALITY = (AGE, ETHNICITY, DISABILITY, CARER, LANGUAGE)
KINDS: dict[str, str] = {
    SINGLE: N_("Choose one"), MULTIPLE: N_("Choose any"), RATING: N_("Rating from 1 to 5"),
    TEXT: N_("Free text"), NEIGHBOURHOOD: N_("Neighbourhood"), AGE: N_("Equality: age"),
    ETHNICITY: N_("Equality: ethnic group"), DISABILITY: N_("Equality: disability"), CARER: N_("Equality: carer"),
    LANGUAGE: N_("Equality: main language"),
}
WITH_OPTIONS = (SINGLE, MULTIPLE)
PREFER_NOT = "prefer-not-to-say"
TEXT_LIMIT = 2000
RATINGS = ("1", "2", "3", "4", "5")


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass
class Question:
    id: str
    kind: str
    prompt: str
    help: str = ""
    required: bool = False
    options: list[Option] = field(default_factory=list)  # single and multiple choice
    show_if: str | None = None  # the id of an earlier question ...
    show_if_values: list[str] = field(default_factory=list)  # ... and the answers to it that show this one
    position: int = 0

    @property
    def equality(self) -> bool:
        return self.kind in EQUALITY

    def choices(self) -> list[Option]:
        """What a resident may choose: the survey's own options, or the standard ones for this kind."""
        if self.kind in WITH_OPTIONS:
            return self.options
        return STANDARD_OPTIONS.get(self.kind, [])


def _options(*pairs: tuple[str, str]) -> list[Option]:
    return [Option(value, label) for value, label in pairs] + [Option(PREFER_NOT, N_("Prefer not to say"))]


STANDARD_PROMPTS: dict[str, str] = {
    NEIGHBOURHOOD: N_("Which part of Lewisham do you live in?"),
    AGE: N_("What is your age?"),
    ETHNICITY: N_("What is your ethnic group?"),
    DISABILITY: N_("Do you have any physical or mental health conditions or illnesses lasting or expected to "
                   "last 12 months or more?"),
    CARER: N_("Do you look after, or give any help or support to, anyone because they have long-term physical "
              "or mental health conditions or illnesses, or problems related to old age?"),
    LANGUAGE: N_("What is your main language?"),
}

STANDARD_OPTIONS: dict[str, list[Option]] = {
    NEIGHBOURHOOD: [Option(n.code, n.name) for n in NEIGHBOURHOODS]
    + [Option("outside", N_("I do not live in Lewisham")), Option(PREFER_NOT, N_("Prefer not to say"))],
    AGE: _options(("under-16", N_("Under 16")), ("16-24", N_("16 to 24")), ("25-34", N_("25 to 34")),
                  ("35-44", N_("35 to 44")), ("45-54", N_("45 to 54")), ("55-64", N_("55 to 64")),
                  ("65-74", N_("65 to 74")), ("75+", N_("75 or over"))),
    ETHNICITY: _options(
        ("asian-bangladeshi", N_("Asian or Asian British: Bangladeshi")),
        ("asian-chinese", N_("Asian or Asian British: Chinese")),
        ("asian-indian", N_("Asian or Asian British: Indian")),
        ("asian-pakistani", N_("Asian or Asian British: Pakistani")),
        ("asian-other", N_("Asian or Asian British: any other Asian background")),
        ("black-african", N_("Black, Black British, Caribbean or African: African")),
        ("black-caribbean", N_("Black, Black British, Caribbean or African: Caribbean")),
        ("black-other", N_("Black, Black British, Caribbean or African: any other Black background")),
        ("mixed-white-asian", N_("Mixed or multiple ethnic groups: White and Asian")),
        ("mixed-white-black-african", N_("Mixed or multiple ethnic groups: White and Black African")),
        ("mixed-white-black-caribbean", N_("Mixed or multiple ethnic groups: White and Black Caribbean")),
        ("mixed-other", N_("Mixed or multiple ethnic groups: any other mixed background")),
        ("white-british", N_("White: English, Welsh, Scottish, Northern Irish or British")),
        ("white-irish", N_("White: Irish")),
        ("white-gypsy", N_("White: Gypsy or Irish Traveller")),
        ("white-roma", N_("White: Roma")),
        ("white-other", N_("White: any other White background")),
        ("other-arab", N_("Other ethnic group: Arab")),
        ("other-any", N_("Other ethnic group: any other ethnic group")),
    ),
    DISABILITY: _options(("yes", N_("Yes")), ("no", N_("No"))),
    CARER: _options(("yes", N_("Yes")), ("no", N_("No"))),
    LANGUAGE: _options(("en", "English"), ("pl", "Polski"), ("pt", "Português"), ("es", "Español"), ("tr", "Türkçe"),
                       ("so", "Soomaali"), ("fr", "Français"), ("ar", "العربية"), ("bn", "বাংলা"), ("yo", "Yorùbá"),
                       ("other", N_("Another language"))),
}
