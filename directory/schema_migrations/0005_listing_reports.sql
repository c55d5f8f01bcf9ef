-- 5: residents' reports of problems with listings.

CREATE TABLE "listing_reports" (
   "id" INTEGER PRIMARY KEY,
   "service_id" TEXT,
   "organization_id" TEXT,
   "problem" TEXT,
   "details" TEXT,
   "language" TEXT,
   "reported_at" TEXT,
   "status" TEXT,
   "resolved_at" TEXT,
   "resolution_note" TEXT
);

CREATE INDEX "idx_listing_reports_organization_id_status"
    ON "listing_reports" ("organization_id", "status");

CREATE INDEX "idx_listing_reports_service_id"
    ON "listing_reports" ("service_id");
