-- 20: a survey question that has answers is never changed under them.
-- Changing what it asks makes a new version in its place (`replaces` names the one before) and retires the old
-- one; removing it retires it. A retired question is no longer asked, and its answers stay, with its words.

ALTER TABLE survey_questions ADD COLUMN retired_at TEXT;

ALTER TABLE survey_questions ADD COLUMN replaces TEXT;
