-- 2: full-text and embedding search tables.

CREATE TABLE "search_documents" (
   "service_id" TEXT PRIMARY KEY,
   "name" TEXT,
   "body" TEXT
);

CREATE VIRTUAL TABLE "search_documents_fts" USING FTS5 (
    "name", "body",
    tokenize='porter unicode61 remove_diacritics 2',
    content="search_documents"
);

CREATE TRIGGER "search_documents_ai" AFTER INSERT ON "search_documents" BEGIN
  INSERT INTO "search_documents_fts" (rowid, "name", "body") VALUES (new.rowid, new."name", new."body");
END;

CREATE TRIGGER "search_documents_ad" AFTER DELETE ON "search_documents" BEGIN
  INSERT INTO "search_documents_fts" ("search_documents_fts", rowid, "name", "body") VALUES('delete', old.rowid, old."name", old."body");
END;

CREATE TRIGGER "search_documents_au" AFTER UPDATE ON "search_documents" BEGIN
  INSERT INTO "search_documents_fts" ("search_documents_fts", rowid, "name", "body") VALUES('delete', old.rowid, old."name", old."body");
  INSERT INTO "search_documents_fts" (rowid, "name", "body") VALUES (new.rowid, new."name", new."body");
END;

CREATE TABLE "service_embeddings" (
   "service_id" TEXT PRIMARY KEY,
   "model" TEXT,
   "text_hash" TEXT,
   "vector" BLOB
);

CREATE TABLE "meta" (
   "key" TEXT PRIMARY KEY,
   "value" TEXT
);

INSERT INTO meta (key, value) VALUES ('generation', '0');
