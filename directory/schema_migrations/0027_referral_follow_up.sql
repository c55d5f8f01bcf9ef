-- 27: nothing falls through the gap. A referral remembers the last reminder sent about it (which step was late:
-- "accept" or "contact") so each is sent once, and the referral it was passed on to after a decline. A listing can
-- be the partnership's hub team, where a resident's "can someone call me?" goes when no listing was chosen.

ALTER TABLE "referrals" ADD COLUMN "reminded" TEXT NOT NULL DEFAULT '';
ALTER TABLE "referrals" ADD COLUMN "passed_on_to" INTEGER;
ALTER TABLE "referral_intake" ADD COLUMN "hub" INTEGER NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS "idx_referrals_status" ON "referrals" ("status");
