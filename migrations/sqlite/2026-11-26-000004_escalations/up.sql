-- Requests forwarded to the party's access managers by someone who may not approve.
CREATE TABLE request_escalations (
    request_id TEXT PRIMARY KEY REFERENCES system_user_requests (id),
    escalated_by TEXT NOT NULL REFERENCES persons (pid),
    escalated_at TIMESTAMP NOT NULL
);
