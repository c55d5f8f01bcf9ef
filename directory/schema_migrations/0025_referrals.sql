-- 25: referrals, a consented hand-over of a resident to an organisation's listing. A resident's details (name,
-- phone, email, when to call, what they need in their own words, answers to the organisation's questions) are
-- and the consent as it was given (what was said, in case it names them) are kept only sealed, one token per field (`*_sealed`; the keys live in configuration, never here), and erased a
-- set time after the referral closes, when `erased_at` is set; what is counted (need, neighbourhood, language,
-- organisation, status, outcome, times) stays. Every status change is an event; every look at a resident's
-- details is recorded in referral_views.

CREATE TABLE IF NOT EXISTS "referrals" (
   "id" INTEGER PRIMARY KEY,
   "reference" TEXT NOT NULL UNIQUE,
   "service_id" TEXT NOT NULL,
   "organization_id" TEXT NOT NULL,
   "channel" TEXT NOT NULL,
   "referrer_id" TEXT,
   "referrer_organization_id" TEXT,
   "status" TEXT NOT NULL,
   "outcome" TEXT NOT NULL DEFAULT '',
   "decline_reason" TEXT NOT NULL DEFAULT '',
   "need" TEXT NOT NULL DEFAULT '',
   "neighbourhood" INTEGER,
   "language" TEXT NOT NULL DEFAULT 'en',
   "interpreter" INTEGER NOT NULL DEFAULT 0,
   "name_sealed" TEXT,
   "phone_sealed" TEXT,
   "email_sealed" TEXT,
   "contact_times_sealed" TEXT,
   "story_sealed" TEXT,
   "answers_sealed" TEXT,
   "consent_sealed" TEXT,
   "consented_at" TEXT NOT NULL,
   "consent_by" TEXT NOT NULL,
   "passed_on_from" INTEGER,
   "created_at" TEXT NOT NULL,
   "first_contact_at" TEXT,
   "closed_at" TEXT,
   "erased_at" TEXT
);

CREATE INDEX IF NOT EXISTS "idx_referrals_organization_id" ON "referrals" ("organization_id");
CREATE INDEX IF NOT EXISTS "idx_referrals_referrer_organization_id" ON "referrals" ("referrer_organization_id");

CREATE TABLE IF NOT EXISTS "referral_events" (
   "id" INTEGER PRIMARY KEY,
   "referral_id" INTEGER NOT NULL REFERENCES "referrals" ("id"),
   "kind" TEXT NOT NULL,
   "detail" TEXT NOT NULL DEFAULT '',
   "at" TEXT NOT NULL,
   "by_user" TEXT,
   "by_organization" TEXT
);

CREATE INDEX IF NOT EXISTS "idx_referral_events_referral_id" ON "referral_events" ("referral_id");

CREATE TABLE IF NOT EXISTS "referral_views" (
   "id" INTEGER PRIMARY KEY,
   "referral_id" INTEGER NOT NULL,
   "user_id" TEXT NOT NULL,
   "organization_id" TEXT,
   "at" TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS "idx_referral_views_referral_id" ON "referral_views" ("referral_id");
