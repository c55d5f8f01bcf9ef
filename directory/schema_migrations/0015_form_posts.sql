-- 15: public forms sent, by hashed address, for their rate limits.
-- When each public form was last sent from each (hashed) address, so a flood of reports can be slowed.

CREATE TABLE form_posts (key text not null, posted_at text not null);

CREATE INDEX form_posts_key on form_posts (key, posted_at);
