-- 3: search log without personal data.

CREATE TABLE "search_log" (
   "id" INTEGER PRIMARY KEY,
   "searched_at" TEXT,
   "query" TEXT,
   "language" TEXT,
   "outcode" TEXT,
   "filters" TEXT,
   "result_count" INTEGER,
   "mode" TEXT
);

CREATE INDEX "idx_search_log_searched_at"
    ON "search_log" ("searched_at");
