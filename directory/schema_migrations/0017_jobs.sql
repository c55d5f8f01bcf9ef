-- 17: background jobs and what they report.
-- Long work (finding themes, imports, reindexing, mail) runs in the worker, not in a web request. The queue
-- itself is huey's, in its own file; this is what the pages that started a job show: how far it has got, its
-- result, or why it failed. `params` holds what the job needs; for mail it is emptied once the job is done,
-- so no address stays behind.

CREATE TABLE jobs (
   id INTEGER PRIMARY KEY,
   kind TEXT NOT NULL,
   subject TEXT NOT NULL DEFAULT '',
   params TEXT NOT NULL DEFAULT '{}',
   status TEXT NOT NULL DEFAULT 'queued',
   done INTEGER NOT NULL DEFAULT 0,
   total INTEGER NOT NULL DEFAULT 0,
   result TEXT NOT NULL DEFAULT '{}',
   error TEXT NOT NULL DEFAULT '',
   attempts INTEGER NOT NULL DEFAULT 0,
   created_by TEXT NOT NULL DEFAULT '',
   created_at TEXT NOT NULL,
   started_at TEXT,
   finished_at TEXT
);

CREATE INDEX jobs_kind_subject ON jobs (kind, subject, id);

CREATE INDEX jobs_status ON jobs (status);
