-- 22: the outcomes log, from "you said" to "we did": an insight (a theme from a survey, with its counts and quotes
-- as they stood) becomes recommendations, each taken to a named board or meeting on a date, with a decision, an
-- owner, actions, a status and finally an outcome. Every change is kept in outcome_history, who and when.

CREATE TABLE IF NOT EXISTS "insights" (
   "id" INTEGER PRIMARY KEY,
   "title" TEXT NOT NULL,
   "you_said" TEXT NOT NULL DEFAULT '',
   "topic" TEXT NOT NULL DEFAULT '',
   "neighbourhood" INTEGER,
   "survey_id" TEXT,
   "question_id" TEXT,
   "theme_id" INTEGER,
   "answers" TEXT NOT NULL DEFAULT '',
   "quotes" TEXT NOT NULL DEFAULT '[]',
   "created_at" TEXT,
   "created_by" TEXT
);

CREATE TABLE IF NOT EXISTS "recommendations" (
   "id" INTEGER PRIMARY KEY,
   "insight_id" INTEGER NOT NULL REFERENCES "insights" ("id"),
   "text" TEXT NOT NULL,
   "board" TEXT NOT NULL DEFAULT '',
   "meeting_on" TEXT,
   "decision" TEXT NOT NULL DEFAULT '',
   "owner" TEXT NOT NULL DEFAULT '',
   "actions" TEXT NOT NULL DEFAULT '',
   "status" TEXT NOT NULL,
   "outcome" TEXT NOT NULL DEFAULT '',
   "updated_at" TEXT
);

CREATE INDEX IF NOT EXISTS "idx_recommendations_insight_id" ON "recommendations" ("insight_id");

CREATE TABLE IF NOT EXISTS "outcome_history" (
   "id" INTEGER PRIMARY KEY,
   "insight_id" INTEGER NOT NULL,
   "recommendation_id" INTEGER,
   "field" TEXT NOT NULL,
   "before" TEXT,
   "after" TEXT,
   "changed_at" TEXT NOT NULL,
   "changed_by" TEXT
);

CREATE INDEX IF NOT EXISTS "idx_outcome_history_insight_id" ON "outcome_history" ("insight_id");
