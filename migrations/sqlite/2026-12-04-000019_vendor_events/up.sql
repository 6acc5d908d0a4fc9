-- What vendors are told: one row an event. `seq` orders the rows a transaction writes;
-- `position` is the feed's order, given when the transaction commits (under the clock's
-- lock, so positions are handed out in commit order and never behind a poller).
CREATE TABLE vendor_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    position BIGINT UNIQUE,
    id TEXT NOT NULL UNIQUE,
    vendor_org_no TEXT NOT NULL,
    event_type TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    system_user_id TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX vendor_events_feed ON vendor_events (vendor_org_no, position);
CREATE INDEX vendor_events_unsealed ON vendor_events (seq) WHERE position IS NULL;

-- The last position handed out: one row, updated by every transaction that tells.
CREATE TABLE vendor_event_clock (
    id INTEGER PRIMARY KEY,
    last BIGINT NOT NULL
);
INSERT INTO vendor_event_clock (id, last) VALUES (1, 0);

-- Where a vendor wants its events pushed. `types` is ' a b ' (spaces around each), or ''
-- for every type.
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY NOT NULL,
    vendor_org_no TEXT NOT NULL,
    url TEXT NOT NULL,
    types TEXT NOT NULL,
    secret TEXT NOT NULL,
    created TIMESTAMP NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1,
    disabled_reason TEXT
);
CREATE INDEX webhooks_vendor ON webhooks (vendor_org_no);

-- The outbox: one row an event a webhook is to get, written with the event.
CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_position BIGINT NOT NULL REFERENCES vendor_events (position),
    ordering_key TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created TIMESTAMP NOT NULL,
    next_at TIMESTAMP NOT NULL,
    first_tried_at TIMESTAMP,
    leased_until TIMESTAMP,
    last_at TIMESTAMP,
    last_code INTEGER,
    last_error TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_at);
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (webhook_id, ordering_key, state, event_position);
CREATE INDEX webhook_deliveries_of ON webhook_deliveries (webhook_id, id);

-- When the vendor was told a request timed out (a request's timing out is otherwise only
-- read from its age; those already expired are told once, at the first start).
ALTER TABLE system_user_requests ADD COLUMN timeout_told_at TIMESTAMP;
CREATE INDEX system_user_requests_untold ON system_user_requests (status, created)
    WHERE timeout_told_at IS NULL AND deleted_at IS NULL;
