-- 6: accounts, organisation membership, sign-in tokens and sessions.
-- People who look after listings, the organisations they belong to, and what keeps them signed in.

CREATE TABLE "users" (
   "id" TEXT PRIMARY KEY,
   "email" TEXT,
   "name" TEXT,
   "password_hash" TEXT,
   "role" TEXT,
   "created_at" TEXT,
   "disabled_at" TEXT
);

CREATE UNIQUE INDEX "idx_users_email"
    ON "users" ("email");

CREATE TABLE "memberships" (
   "user_id" TEXT,
   "organization_id" TEXT,
   "added_at" TEXT,
   PRIMARY KEY ("user_id", "organization_id")
);

CREATE INDEX "idx_memberships_organization_id"
    ON "memberships" ("organization_id");

CREATE TABLE "organization_policies" (
   "organization_id" TEXT PRIMARY KEY,
   "publishes_directly" INTEGER
);

CREATE TABLE "account_tokens" (
   "token_hash" TEXT PRIMARY KEY,
   "kind" TEXT,
   "email" TEXT,
   "user_id" TEXT,
   "organization_id" TEXT,
   "role" TEXT,
   "created_by" TEXT,
   "created_at" TEXT,
   "expires_at" TEXT,
   "used_at" TEXT
);

CREATE TABLE "user_sessions" (
   "id_hash" TEXT PRIMARY KEY,
   "user_id" TEXT,
   "created_at" TEXT,
   "seen_at" TEXT,
   "expires_at" TEXT
);

CREATE INDEX "idx_user_sessions_user_id"
    ON "user_sessions" ("user_id");

CREATE TABLE "login_failures" (
   "id" INTEGER PRIMARY KEY,
   "key" TEXT,
   "failed_at" TEXT
);

CREATE INDEX "idx_login_failures_key_failed_at"
    ON "login_failures" ("key", "failed_at");
