-- 26: whether a listing takes referrals, set by its organisation's editors: how they want to be contacted about
-- a new one, and the few questions they need answered (kept as a JSON list of their wording).

CREATE TABLE IF NOT EXISTS "referral_intake" (
   "service_id" TEXT PRIMARY KEY,
   "accepts" INTEGER NOT NULL DEFAULT 0,
   "contact_by" TEXT NOT NULL DEFAULT '',
   "questions" TEXT NOT NULL DEFAULT '[]',
   "updated_at" TEXT,
   "updated_by" TEXT
);
