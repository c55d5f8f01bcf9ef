-- 14: every resident-facing text of a listing in other languages.
-- Who a listing is for, how to start, its cost, opening-time notes and access, in other languages too (JSON by field name), so a translated page is translated throughout; the word index is rebuilt to hold them.

ALTER TABLE service_translations ADD COLUMN fields TEXT NOT NULL DEFAULT '{}';

INSERT OR REPLACE INTO meta (key, value) SELECT 'search_words', 'rebuild'
    WHERE EXISTS (SELECT 1 FROM service_translations);
