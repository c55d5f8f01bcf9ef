-- 8: who resolved a resident's report.
-- Who resolved a report, so an organisation and the moderators can see it was dealt with.

ALTER TABLE "listing_reports" ADD COLUMN "resolved_by" TEXT;
