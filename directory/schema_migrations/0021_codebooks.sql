-- 21: codebooks: named themes an engagement lead keeps from one survey to the next, each with a plain
-- description and example answers (in any language), and the themes a question's answers were placed under.
-- An example is written by a lead, taken from a discovered theme, or is an answer a person placed (a correction,
-- kept redacted so the classifier learns from it). An answer's theme says who decided it: the machine, with its
-- confidence, or a person.

CREATE TABLE IF NOT EXISTS "codebooks" (
   "id" INTEGER PRIMARY KEY,
   "name" TEXT NOT NULL,
   "description" TEXT NOT NULL DEFAULT '',
   "created_at" TEXT,
   "updated_at" TEXT
);

CREATE TABLE IF NOT EXISTS "codebook_themes" (
   "id" INTEGER PRIMARY KEY,
   "codebook_id" INTEGER NOT NULL REFERENCES "codebooks" ("id"),
   "name" TEXT NOT NULL,
   "description" TEXT NOT NULL DEFAULT '',
   "created_at" TEXT,
   UNIQUE ("codebook_id", "name")
);

CREATE TABLE IF NOT EXISTS "codebook_examples" (
   "id" INTEGER PRIMARY KEY,
   "theme_id" INTEGER NOT NULL REFERENCES "codebook_themes" ("id"),
   "text" TEXT NOT NULL,
   "source" TEXT NOT NULL,
   "vector" BLOB,
   "created_at" TEXT
);

CREATE INDEX IF NOT EXISTS "idx_codebook_examples_theme_id" ON "codebook_examples" ("theme_id");

CREATE TABLE IF NOT EXISTS "survey_question_codebooks" (
   "question_id" TEXT PRIMARY KEY,
   "codebook_id" INTEGER NOT NULL REFERENCES "codebooks" ("id")
);

CREATE TABLE IF NOT EXISTS "survey_answer_codes" (
   "response_id" INTEGER,
   "question_id" TEXT,
   "theme_id" INTEGER,
   "confidence" REAL,
   "decided_by" TEXT,
   "decided_at" TEXT,
   PRIMARY KEY ("response_id", "question_id", "theme_id")
);

CREATE INDEX IF NOT EXISTS "idx_survey_answer_codes_question_id" ON "survey_answer_codes" ("question_id");
