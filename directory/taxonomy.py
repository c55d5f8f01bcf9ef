"""The partnership's categories of need and the borough's neighbourhoods.

Ids are stable UUIDs derived from codes so that seed data, imports and the API agree
without a lookup table.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://neighbourhood-portal.example.org/")

CATEGORY_TAXONOMY = "lewisham-needs"
NEIGHBOURHOOD_EXTENT = "neighbourhood"
BOROUGH_WIDE = "Borough-wide"


def stable_id(kind: str, code: str) -> str:
    """A UUID that is the same every time for the same kind of thing and code."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}/{code}"))


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    description: str

    @property
    def id(self) -> str:
        return stable_id("taxonomy_term", self.code)


@dataclass(frozen=True)
class Neighbourhood:
    number: int
    name: str
    places: str

    @property
    def code(self) -> str:
        return f"n{self.number}"


CATEGORIES: tuple[Category, ...] = (
    Category("money-debt", "Money and debt", "Debt advice, benefits checks, budgeting and cost of living help"),
    Category("mental-health", "Mental health", "Talking therapies, counselling, peer support and wellbeing"),
    Category("social-prescribing", "Social prescribing", "Link workers who connect you to local activities"),
    Category("family", "Family and children", "Family hubs, Start for Life, parenting and early years"),
    Category("young-people", "Young people", "Youth clinics, youth clubs and support for 11 to 25 year olds"),
    Category("carers", "Carers", "Support for people who look after someone"),
    Category("older-people", "Older people", "Staying well, active and connected in later life"),
    Category("food", "Food", "Food banks, community pantries and free meals"),
    Category("housing", "Housing", "Help with rent, homelessness, repairs and housing advice"),
    Category("health-checks", "Health checks", "Blood pressure, NHS health checks and screening"),
    Category("community-hubs", "Community hubs", "Local places to meet, get advice and find activities"),
    Category("employment", "Work and skills", "Help finding work, training and volunteering"),
    Category("disability-autism", "Disability and autism", "Support for disabled and autistic people of all ages"),
    Category("activities", "Activities and wellbeing", "Creative, social and physical activities"),
    Category("safety", "Safety and abuse", "Domestic abuse, sexual violence and crisis support"),
)

# Services in these categories are sensitive: residents may be at risk if seen using them.
SENSITIVE_CATEGORY_CODES: frozenset[str] = frozenset({"safety"})

NEIGHBOURHOODS: tuple[Neighbourhood, ...] = (
    Neighbourhood(1, "Neighbourhood 1 (North Lewisham)", "Deptford, New Cross, Brockley and Telegraph Hill"),
    Neighbourhood(2, "Neighbourhood 2 (Central Lewisham)", "Lewisham, Ladywell, Lee, Blackheath and Hither Green"),
    Neighbourhood(3, "Neighbourhood 3 (South East Lewisham)", "Catford, Bellingham, Downham, Grove Park and Whitefoot"),
    Neighbourhood(4, "Neighbourhood 4 (South West Lewisham)", "Sydenham, Forest Hill, Perry Vale and Crofton Park"),
)


def category_by_code(code: str) -> Category | None:
    return next((c for c in CATEGORIES if c.code == code), None)


def neighbourhood_by_name(name: str) -> Neighbourhood | None:
    """Find a neighbourhood by its full name, its code (n1) or its number."""
    wanted = name.strip().lower()
    for n in NEIGHBOURHOODS:
        if wanted in (n.name.lower(), n.code, str(n.number), f"neighbourhood {n.number}"):
            return n
    return None


def ensure_categories(db) -> None:  # noqa: ANN001 - a sqlite_utils.Database; kept import-free
    """Make sure the partnership's category taxonomy and all its terms are in the database."""
    taxonomy_id = stable_id("taxonomy", CATEGORY_TAXONOMY)
    db["taxonomies"].insert(
        {"id": taxonomy_id, "name": CATEGORY_TAXONOMY,
         "description": "Categories of need used by the Lewisham neighbourhood directory",
         "uri": None, "version": "1", "extra": None},
        replace=True,
    )
    for category in CATEGORIES:
        db["taxonomy_terms"].insert(
            {"id": category.id, "name": category.name, "description": category.description,
             "parent_id": None, "taxonomy": CATEGORY_TAXONOMY, "taxonomy_id": taxonomy_id,
             "term_uri": None, "term": category.code, "code": category.code, "extra": None},
            replace=True,
        )
