-- 12: how many listings hold each word.
-- How many listings hold each word, read straight from the word index.

CREATE VIRTUAL TABLE search_words_vocab using fts5vocab(search_words_fts, row);
