-- 24: an insight can draw on more than one survey: the same theme heard again in a later survey (the same codebook
-- theme, most often) is added to it, with its count and quotes as they stood. The insight's own columns keep the
-- survey it was first written up from.

CREATE TABLE IF NOT EXISTS "insight_sources" (
   "id" INTEGER PRIMARY KEY,
   "insight_id" INTEGER NOT NULL REFERENCES "insights" ("id"),
   "survey_id" TEXT,
   "question_id" TEXT,
   "theme_id" INTEGER,
   "answers" TEXT NOT NULL DEFAULT '',
   "quotes" TEXT NOT NULL DEFAULT '[]',
   "added_at" TEXT,
   "added_by" TEXT
);

CREATE INDEX IF NOT EXISTS "idx_insight_sources_insight_id" ON "insight_sources" ("insight_id");
