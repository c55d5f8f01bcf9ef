-- 18: other publishers' Open Referral UK feeds this directory syncs from, and where each synced listing came from.
-- A listing keeps the publisher's name and its id there, when it was fetched and a digest of the publisher's
-- record as fetched (so a sync that brings nothing new leaves it, and a local edit, alone), and the version the
-- sync made (a later version means someone here changed it since).

CREATE TABLE feed_sources (
   name TEXT PRIMARY KEY,
   url TEXT NOT NULL,
   every_s INTEGER,
   added_at TEXT NOT NULL,
   last_run_at TEXT,
   last_success_at TEXT,
   last_status TEXT NOT NULL DEFAULT 'never',
   last_report TEXT NOT NULL DEFAULT ''
);

CREATE TABLE listing_sources (
   service_id TEXT PRIMARY KEY,
   source TEXT NOT NULL,
   remote_id TEXT NOT NULL,
   fetched_at TEXT NOT NULL,
   remote_digest TEXT NOT NULL,
   synced_version INTEGER
);

CREATE UNIQUE INDEX listing_sources_remote ON listing_sources (source, remote_id);

-- "What changed since" (the API's modified_after and Last-Modified) reads the newest change.
CREATE INDEX listing_versions_changed_at ON listing_versions (changed_at);
