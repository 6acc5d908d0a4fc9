-- What the operator knows of each API client: a name, when it was added and when it last
-- got a token.
ALTER TABLE vendor_clients ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE vendor_clients ADD COLUMN created TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC');
ALTER TABLE vendor_clients ADD COLUMN last_used TIMESTAMP;
