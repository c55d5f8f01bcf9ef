"""How Open Referral UK objects map onto SQLite tables.

One description drives the migrations, saving and loading, so the three cannot drift apart.
Fields that a table does not model are kept in its `extra` JSON column, so any valid ORUK
record survives a round trip.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Nested:
    """A list of child objects (or one shared object) held under `key` in the JSON."""

    key: str
    table: Table
    shared: bool = False  # shared objects (a location, a taxonomy term) outlive their parent
    single: bool = False  # the JSON holds one object, not a list
    where: str | None = None  # narrows the child rows, where one table has two kinds of parent


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    parent_key: str | None = None
    nested: tuple[Nested, ...] = ()
    types: dict[str, type] = field(default_factory=dict)
    # JSON key -> column, where the product's word differs from Open Referral's
    renames: dict[str, str] = field(default_factory=dict)

    def column_for(self, key: str) -> str:
        return self.renames.get(key, key)

    def key_for(self, column: str) -> str:
        for key, col in self.renames.items():
            if col == column:
                return key
        return column


TAXONOMY = Table("taxonomies", ("id", "name", "description", "uri", "version"))

TAXONOMY_TERM = Table(
    "taxonomy_terms",
    ("id", "name", "description", "parent_id", "taxonomy", "taxonomy_id", "term_uri", "term", "code"),
)

ATTRIBUTE = Table(
    "attributes",
    ("id", "link_id", "link_type", "link_entity", "taxonomy_term_id", "value", "label"),
    parent_key="link_id",
    nested=(Nested("taxonomy_term", TAXONOMY_TERM, shared=True, single=True),),
)

ADDRESS = Table(
    "addresses",
    ("id", "location_id", "attention", "address_1", "address_2", "city", "region", "state_province",
     "postal_code", "country", "address_type"),
    parent_key="location_id",
)

ACCESSIBILITY = Table(
    "accessibility",
    ("id", "location_id", "description", "details", "url"),
    parent_key="location_id",
)

LOCATION = Table(
    "locations",
    ("id", "location_type", "name", "alternate_name", "description", "transportation", "latitude",
     "longitude", "external_identifier", "external_identifier_type"),
    types={"latitude": float, "longitude": float},
    nested=(Nested("addresses", ADDRESS), Nested("accessibility", ACCESSIBILITY)),
)

SERVICE_AT_LOCATION = Table(
    "service_at_locations",
    ("id", "service_id", "location_id", "description"),
    parent_key="service_id",
    nested=(Nested("location", LOCATION, shared=True, single=True),),
)

SCHEDULE = Table(
    "schedules",
    ("id", "service_id", "location_id", "service_at_location_id", "valid_from", "valid_to", "dtstart",
     "until", "timezone", "freq", "interval", "byday", "bymonthday", "byweekno", "byyearday",
     "opens_at", "closes_at", "description", "schedule_link", "attending_type", "notes"),
    parent_key="service_id",
    types={"interval": int},
)

SERVICE_AREA = Table(
    "service_areas",
    ("id", "service_id", "name", "description", "extent", "extent_type", "uri", "service_area"),
    parent_key="service_id",
)

LANGUAGE = Table(
    "languages",
    ("id", "service_id", "location_id", "phone_id", "name", "code", "note"),
    parent_key="service_id",
)

COST_OPTION = Table(
    "cost_options",
    ("id", "service_id", "valid_from", "valid_to", "option", "amount", "currency", "amount_description"),
    parent_key="service_id",
    types={"amount": float},
)

PHONE = Table(
    "phones",
    ("id", "service_id", "contact_id", "number", "extension", "type", "description"),
    parent_key="service_id",
)

CONTACT_PHONE = Table(PHONE.name, PHONE.columns, parent_key="contact_id")

CONTACT = Table(
    "contacts",
    ("id", "service_id", "name", "title", "department", "email"),
    parent_key="service_id",
    nested=(Nested("phones", CONTACT_PHONE),),
)

ORGANIZATION = Table(
    "organizations",
    ("id", "name", "alternate_name", "description", "email", "website", "logo", "uri", "legal_status",
     "year_incorporated", "parent_organization_id"),
)

SERVICE = Table(
    "services",
    ("id", "organization_id", "name", "alternate_name", "description", "url", "email", "status",
     "publication_status", "interpretation_services", "application_process", "fees",
     "fees_description", "accreditations", "eligibility_description", "minimum_age", "maximum_age",
     "last_reviewed", "assurer_email", "alert", "last_modified"),
    types={"minimum_age": float, "maximum_age": float},
    renames={"assured_date": "last_reviewed"},
    nested=(
        Nested("organization", ORGANIZATION, shared=True, single=True),
        Nested("service_areas", SERVICE_AREA),
        Nested("service_at_locations", SERVICE_AT_LOCATION),
        Nested("schedules", SCHEDULE),
        Nested("languages", LANGUAGE),
        Nested("cost_options", COST_OPTION),
        Nested("phones", PHONE, where="contact_id is null"),
        Nested("contacts", CONTACT),
        Nested("attributes", ATTRIBUTE),
    ),
)

# Every table once, in an order where parents come before their children.
ALL_TABLES: tuple[Table, ...] = (
    TAXONOMY, TAXONOMY_TERM, ORGANIZATION, LOCATION, ADDRESS, ACCESSIBILITY, SERVICE,
    SERVICE_AT_LOCATION, SCHEDULE, SERVICE_AREA, LANGUAGE, COST_OPTION, PHONE, CONTACT, ATTRIBUTE,
)

PUBLICATION_STATUSES = ("draft", "published", "archived")
SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")
