-- Login sessions. The cookie carries the id; the database keeps only its hash, when it
-- began, when it was last used and when it was ended, so logout and the timeouts hold on
-- every node.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    pid TEXT NOT NULL REFERENCES persons (pid),
    started_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP
);
CREATE INDEX sessions_pid ON sessions (pid);
