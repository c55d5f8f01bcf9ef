-- 11: which listings each change touched.
-- Which listings each generation changed (a null id: possibly all of them), so a search worker can update its copy of those listings alone instead of reloading thousands.

CREATE TABLE changed_listings (generation integer not null, service_id text);

CREATE INDEX changed_listings_generation on changed_listings (generation);
