-- 16: surveys, questions, translations, anonymous answers and themes.
-- Surveys had their own runner (table survey_migrations, version 1 the same tables as here), so a database
-- that has them keeps them (IF NOT EXISTS) and the old runner's table goes: one runner for the whole file.

CREATE TABLE IF NOT EXISTS "surveys" (
   "id" TEXT PRIMARY KEY,
   "code" TEXT,
   "title" TEXT,
   "purpose" TEXT,
   "audience" TEXT,
   "opens_on" TEXT,
   "closes_on" TEXT,
   "published" INTEGER,
   "closed_at" TEXT,
   "created_by" TEXT,
   "created_at" TEXT,
   "you_said" TEXT,
   "we_did" TEXT
);

CREATE UNIQUE INDEX IF NOT EXISTS "idx_surveys_code"
    ON "surveys" ("code");

CREATE TABLE IF NOT EXISTS "survey_questions" (
   "id" TEXT PRIMARY KEY,
   "survey_id" TEXT,
   "position" INTEGER,
   "kind" TEXT,
   "prompt" TEXT,
   "help" TEXT,
   "required" INTEGER,
   "options" TEXT,
   "show_if" TEXT,
   "show_if_values" TEXT
);

CREATE INDEX IF NOT EXISTS "idx_survey_questions_survey_id_position"
    ON "survey_questions" ("survey_id", "position");

CREATE TABLE IF NOT EXISTS "survey_texts" (
   "survey_id" TEXT,
   "language" TEXT,
   "key" TEXT,
   "text" TEXT,
   PRIMARY KEY ("survey_id", "language", "key")
);

CREATE TABLE IF NOT EXISTS "survey_responses" (
   "id" INTEGER PRIMARY KEY,
   "survey_id" TEXT,
   "submitted_on" TEXT,
   "language" TEXT,
   "channel" TEXT
);

CREATE INDEX IF NOT EXISTS "idx_survey_responses_survey_id"
    ON "survey_responses" ("survey_id");

CREATE TABLE IF NOT EXISTS "survey_answers" (
   "response_id" INTEGER,
   "question_id" TEXT,
   "value" TEXT,
   PRIMARY KEY ("response_id", "question_id")
);

CREATE INDEX IF NOT EXISTS "idx_survey_answers_question_id"
    ON "survey_answers" ("question_id");

CREATE TABLE IF NOT EXISTS "survey_themes" (
   "id" INTEGER PRIMARY KEY,
   "survey_id" TEXT,
   "question_id" TEXT,
   "label" TEXT,
   "words" TEXT,
   "label_edited" INTEGER,
   "centre" BLOB,
   "merged_into" INTEGER,
   "created_at" TEXT
);

CREATE INDEX IF NOT EXISTS "idx_survey_themes_question_id"
    ON "survey_themes" ("question_id");

CREATE TABLE IF NOT EXISTS "survey_theme_members" (
   "response_id" INTEGER,
   "question_id" TEXT,
   "theme_id" INTEGER,
   "pinned" INTEGER,
   PRIMARY KEY ("response_id", "question_id")
);

CREATE INDEX IF NOT EXISTS "idx_survey_theme_members_theme_id"
    ON "survey_theme_members" ("theme_id");

CREATE TABLE IF NOT EXISTS "survey_answer_vectors" (
   "response_id" INTEGER,
   "question_id" TEXT,
   "vector" BLOB,
   PRIMARY KEY ("response_id", "question_id")
);

DROP TABLE IF EXISTS survey_migrations;
