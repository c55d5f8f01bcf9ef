"""The partnership's categories of need and the borough's neighbourhoods.

Ids are stable UUIDs derived from codes so that seed data, imports and the API agree
without a lookup table.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from directory.messages import N_

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
    Category("money-debt", N_("Money and debt"), N_("Debt advice, benefits checks, budgeting and cost of living help")),
    Category("mental-health", N_("Mental health"), N_("Talking therapies, counselling, peer support and wellbeing")),
    Category("social-prescribing", N_("Social prescribing"), N_("Link workers who connect you to local activities")),
    Category("family", N_("Family and children"), N_("Family hubs, Start for Life, parenting and early years")),
    Category("young-people", N_("Young people"), N_("Youth clinics, youth clubs and support for 11 to 25 year olds")),
    Category("carers", N_("Carers"), N_("Support for people who look after someone")),
    Category("older-people", N_("Older people"), N_("Staying well, active and connected in later life")),
    Category("food", N_("Food"), N_("Food banks, community pantries and free meals")),
    Category("housing", N_("Housing"), N_("Help with rent, homelessness, repairs and housing advice")),
    Category("health-checks", N_("Health checks"), N_("Blood pressure, NHS health checks and screening")),
    Category("community-hubs", N_("Community hubs"), N_("Local places to meet, get advice and find activities")),
    Category("employment", N_("Work and skills"), N_("Help finding work, training and volunteering")),
    Category(
        "disability-autism", N_("Disability and autism"),
        N_("Support for disabled and autistic people of all ages"),
    ),
    Category("activities", N_("Activities and wellbeing"), N_("Creative, social and physical activities")),
    Category("safety", N_("Safety and abuse"), N_("Domestic abuse, sexual violence and crisis support")),
)

# Services in these categories are sensitive: residents may be at risk if seen using them.
SENSITIVE_CATEGORY_CODES: frozenset[str] = frozenset({"safety"})

NEIGHBOURHOODS: tuple[Neighbourhood, ...] = (
    Neighbourhood(1, N_("Neighbourhood 1 (North Lewisham)"), N_("Deptford, New Cross, Brockley and Telegraph Hill")),
    Neighbourhood(
        2, N_("Neighbourhood 2 (Central Lewisham)"),
        N_("Lewisham, Ladywell, Lee, Blackheath and Hither Green"),
    ),
    Neighbourhood(
        3, N_("Neighbourhood 3 (South East Lewisham)"),
        N_("Catford, Bellingham, Downham, Grove Park and Whitefoot"),
    ),
    Neighbourhood(
        4, N_("Neighbourhood 4 (South West Lewisham)"),
        N_("Sydenham, Forest Hill, Perry Vale and Crofton Park"),
    ),
)


# The neighbourhood most of each Lewisham postcode district lies in. Districts straddle boundaries, so this
# is for counting searches by area, never for deciding what a resident is shown.
NEIGHBOURHOOD_OF_OUTCODE: dict[str, str] = {
    "SE8": "n1", "SE14": "n1", "SE4": "n1", "SE13": "n2", "SE12": "n2", "SE3": "n2", "SE6": "n3", "BR1": "n3",
    "SE9": "n3", "SE23": "n4", "SE26": "n4",
}


def category_by_code(code: str) -> Category | None:
    return next((c for c in CATEGORIES if c.code == code), None)


def neighbourhood_by_name(name: str) -> Neighbourhood | None:
    """Find a neighbourhood by its full name, its code (n1), its number, or a place in it ("Catford")."""
    wanted = name.strip().lower()
    for n in NEIGHBOURHOODS:
        if wanted in (n.name.lower(), n.code, str(n.number), f"neighbourhood {n.number}"):
            return n
    for n in NEIGHBOURHOODS:
        places = [p.strip().lower() for p in n.places.replace(" and ", ", ").split(",")]
        if wanted in places:
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
