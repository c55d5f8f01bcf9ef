-- 10: listings' translations embedded.
-- A listing's name and description in another language, embedded too, so a search in that language meets its translation as well as its English.

CREATE TABLE translation_embeddings (service_id text, language text, model text, text_hash text, vector blob, primary key (service_id, language));
