-- 7: listing history and changes waiting for a moderator.
-- Every version of every listing (never changed or deleted), and changes waiting for a moderator. Listings
-- already here are marked to get a first version as they stand (written by today's code after the upgrade,
-- directory.upkeep), so their first edit shows only what changed.

CREATE TABLE "listing_versions" (
   "id" INTEGER PRIMARY KEY,
   "service_id" TEXT,
   "version" INTEGER,
   "record" TEXT,
   "action" TEXT,
   "changed_by" TEXT,
   "changed_at" TEXT,
   "changes" TEXT
);

CREATE UNIQUE INDEX "idx_listing_versions_service_id_version"
    ON "listing_versions" ("service_id", "version");

CREATE TRIGGER listing_versions_keep_update before update on listing_versions begin select raise(abort, 'listing history is never changed or deleted'); end;

CREATE TRIGGER listing_versions_keep_delete before delete on listing_versions begin select raise(abort, 'listing history is never changed or deleted'); end;

CREATE TABLE "listing_changes" (
   "id" INTEGER PRIMARY KEY,
   "service_id" TEXT,
   "organization_id" TEXT,
   "record" TEXT,
   "base_version" INTEGER,
   "status" TEXT,
   "submitted_by" TEXT,
   "submitted_at" TEXT,
   "decided_by" TEXT,
   "decided_at" TEXT,
   "reason" TEXT
);

CREATE INDEX "idx_listing_changes_status_organization_id"
    ON "listing_changes" ("status", "organization_id");

CREATE INDEX "idx_listing_changes_organization_id_submitted_at"
    ON "listing_changes" ("organization_id", "submitted_at");

CREATE INDEX "idx_listing_changes_service_id_status"
    ON "listing_changes" ("service_id", "status");

INSERT OR REPLACE INTO meta (key, value) SELECT 'listing_history', 'backfill'
    WHERE EXISTS (SELECT 1 FROM services);
