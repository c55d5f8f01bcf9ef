-- 9: words stemmed in each listing's languages.
-- Words stemmed in each listing's own languages replace the English-only porter index. The rows are written by the indexer (a migration never runs today's code), so the index is marked to be rebuilt.

DROP TABLE IF EXISTS search_documents_fts;

DROP TABLE IF EXISTS search_documents;

CREATE TABLE search_words (service_id text primary key, name text, body text);

CREATE VIRTUAL TABLE search_words_fts using fts5(name, body, content=search_words, content_rowid=rowid, tokenize="unicode61 remove_diacritics 0 categories 'L* M* N* Co'");

CREATE TRIGGER search_words_ai after insert on search_words begin insert into search_words_fts(rowid, name, body) values (new.rowid, new.name, new.body); end;

CREATE TRIGGER search_words_ad after delete on search_words begin insert into search_words_fts(search_words_fts, rowid, name, body) values ('delete', old.rowid, old.name, old.body); end;

CREATE TRIGGER search_words_au after update on search_words begin insert into search_words_fts(search_words_fts, rowid, name, body) values ('delete', old.rowid, old.name, old.body); insert into search_words_fts(rowid, name, body) values (new.rowid, new.name, new.body); end;

INSERT OR REPLACE INTO meta (key, value) SELECT 'search_words', 'rebuild'
    WHERE EXISTS (SELECT 1 FROM services);
