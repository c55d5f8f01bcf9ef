-- 13: the assistant conversation of a visit.
-- The assistant conversation of a visit, so Back and a listing page never lose it; rows are deleted half an hour after a conversation's last message, or when a kiosk starts again.

CREATE TABLE chat_turns (id integer primary key, conversation text not null, said_at text not null, turn text not null);

CREATE INDEX chat_turns_conversation on chat_turns (conversation, id);

CREATE INDEX chat_turns_said_at on chat_turns (said_at);
