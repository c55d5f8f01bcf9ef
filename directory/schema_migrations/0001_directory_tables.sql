-- 1: directory tables shaped on Open Referral UK.

CREATE TABLE "taxonomies" (
   "id" TEXT PRIMARY KEY,
   "name" TEXT,
   "description" TEXT,
   "uri" TEXT,
   "version" TEXT,
   "extra" TEXT
);

CREATE TABLE "taxonomy_terms" (
   "id" TEXT PRIMARY KEY,
   "name" TEXT,
   "description" TEXT,
   "parent_id" TEXT,
   "taxonomy" TEXT,
   "taxonomy_id" TEXT,
   "term_uri" TEXT,
   "term" TEXT,
   "code" TEXT,
   "extra" TEXT
);

CREATE TABLE "organizations" (
   "id" TEXT PRIMARY KEY,
   "name" TEXT,
   "alternate_name" TEXT,
   "description" TEXT,
   "email" TEXT,
   "website" TEXT,
   "logo" TEXT,
   "uri" TEXT,
   "legal_status" TEXT,
   "year_incorporated" TEXT,
   "parent_organization_id" TEXT,
   "extra" TEXT
);

CREATE TABLE "locations" (
   "id" TEXT PRIMARY KEY,
   "location_type" TEXT,
   "name" TEXT,
   "alternate_name" TEXT,
   "description" TEXT,
   "transportation" TEXT,
   "latitude" REAL,
   "longitude" REAL,
   "external_identifier" TEXT,
   "external_identifier_type" TEXT,
   "extra" TEXT
);

CREATE TABLE "addresses" (
   "id" TEXT PRIMARY KEY,
   "location_id" TEXT,
   "attention" TEXT,
   "address_1" TEXT,
   "address_2" TEXT,
   "city" TEXT,
   "region" TEXT,
   "state_province" TEXT,
   "postal_code" TEXT,
   "country" TEXT,
   "address_type" TEXT,
   "extra" TEXT
);

CREATE TABLE "accessibility" (
   "id" TEXT PRIMARY KEY,
   "location_id" TEXT,
   "description" TEXT,
   "details" TEXT,
   "url" TEXT,
   "extra" TEXT
);

CREATE TABLE "services" (
   "id" TEXT PRIMARY KEY,
   "organization_id" TEXT,
   "name" TEXT,
   "alternate_name" TEXT,
   "description" TEXT,
   "url" TEXT,
   "email" TEXT,
   "status" TEXT,
   "publication_status" TEXT,
   "interpretation_services" TEXT,
   "application_process" TEXT,
   "fees" TEXT,
   "fees_description" TEXT,
   "accreditations" TEXT,
   "eligibility_description" TEXT,
   "minimum_age" REAL,
   "maximum_age" REAL,
   "last_reviewed" TEXT,
   "assurer_email" TEXT,
   "alert" TEXT,
   "last_modified" TEXT,
   "extra" TEXT
);

CREATE TABLE "service_at_locations" (
   "id" TEXT PRIMARY KEY,
   "service_id" TEXT,
   "location_id" TEXT,
   "description" TEXT,
   "extra" TEXT
);

CREATE TABLE "schedules" (
   "id" TEXT PRIMARY KEY,
   "service_id" TEXT,
   "location_id" TEXT,
   "service_at_location_id" TEXT,
   "valid_from" TEXT,
   "valid_to" TEXT,
   "dtstart" TEXT,
   "until" TEXT,
   "timezone" TEXT,
   "freq" TEXT,
   "interval" INTEGER,
   "byday" TEXT,
   "bymonthday" TEXT,
   "byweekno" TEXT,
   "byyearday" TEXT,
   "opens_at" TEXT,
   "closes_at" TEXT,
   "description" TEXT,
   "schedule_link" TEXT,
   "attending_type" TEXT,
   "notes" TEXT,
   "extra" TEXT
);

CREATE TABLE "service_areas" (
   "id" TEXT PRIMARY KEY,
   "service_id" TEXT,
   "name" TEXT,
   "description" TEXT,
   "extent" TEXT,
   "extent_type" TEXT,
   "uri" TEXT,
   "service_area" TEXT,
   "extra" TEXT
);

CREATE TABLE "languages" (
   "id" TEXT PRIMARY KEY,
   "service_id" TEXT,
   "location_id" TEXT,
   "phone_id" TEXT,
   "name" TEXT,
   "code" TEXT,
   "note" TEXT,
   "extra" TEXT
);

CREATE TABLE "cost_options" (
   "id" TEXT PRIMARY KEY,
   "service_id" TEXT,
   "valid_from" TEXT,
   "valid_to" TEXT,
   "option" TEXT,
   "amount" REAL,
   "currency" TEXT,
   "amount_description" TEXT,
   "extra" TEXT
);

CREATE TABLE "phones" (
   "id" TEXT PRIMARY KEY,
   "service_id" TEXT,
   "contact_id" TEXT,
   "number" TEXT,
   "extension" TEXT,
   "type" TEXT,
   "description" TEXT,
   "extra" TEXT
);

CREATE TABLE "contacts" (
   "id" TEXT PRIMARY KEY,
   "service_id" TEXT,
   "name" TEXT,
   "title" TEXT,
   "department" TEXT,
   "email" TEXT,
   "extra" TEXT
);

CREATE TABLE "attributes" (
   "id" TEXT PRIMARY KEY,
   "link_id" TEXT,
   "link_type" TEXT,
   "link_entity" TEXT,
   "taxonomy_term_id" TEXT,
   "value" TEXT,
   "label" TEXT,
   "extra" TEXT
);

CREATE INDEX "idx_addresses_location_id"
    ON "addresses" ("location_id");

CREATE INDEX "idx_accessibility_location_id"
    ON "accessibility" ("location_id");

CREATE INDEX "idx_services_organization_id"
    ON "services" ("organization_id");

CREATE INDEX "idx_service_at_locations_service_id"
    ON "service_at_locations" ("service_id");

CREATE INDEX "idx_service_at_locations_location_id"
    ON "service_at_locations" ("location_id");

CREATE INDEX "idx_schedules_service_id"
    ON "schedules" ("service_id");

CREATE INDEX "idx_schedules_location_id"
    ON "schedules" ("location_id");

CREATE INDEX "idx_service_areas_service_id"
    ON "service_areas" ("service_id");

CREATE INDEX "idx_languages_service_id"
    ON "languages" ("service_id");

CREATE INDEX "idx_languages_location_id"
    ON "languages" ("location_id");

CREATE INDEX "idx_cost_options_service_id"
    ON "cost_options" ("service_id");

CREATE INDEX "idx_phones_service_id"
    ON "phones" ("service_id");

CREATE INDEX "idx_phones_contact_id"
    ON "phones" ("contact_id");

CREATE INDEX "idx_contacts_service_id"
    ON "contacts" ("service_id");

CREATE INDEX "idx_attributes_link_id"
    ON "attributes" ("link_id");

CREATE INDEX "idx_services_publication_status"
    ON "services" ("publication_status");
