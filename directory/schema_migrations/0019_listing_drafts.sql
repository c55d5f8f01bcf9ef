-- 19: a listing being edited a section at a time, saved as the editor goes.
-- An editor works through a listing's sections (about, who it is for, opening times...) on separate pages;
-- each page saves its answers here, as the form holds them, so nothing is lost between pages or sessions. The
-- draft becomes a change (for a moderator, or published) only when the editor checks the answers and sends it;
-- `base` is the listing's version and newest change when the editing began, so a change made by someone else in
-- the meantime is shown beside the editor's, never written over.

CREATE TABLE listing_drafts (
   service_id TEXT PRIMARY KEY,
   organization_id TEXT NOT NULL,
   answers TEXT NOT NULL,
   base TEXT NOT NULL DEFAULT '',
   is_new INTEGER NOT NULL DEFAULT 0,
   updated_by TEXT NOT NULL,
   updated_at TEXT NOT NULL
);

CREATE INDEX listing_drafts_organization ON listing_drafts (organization_id);
