-- A person is named in the portal's addresses by a UUID of its own, never by the
-- identity number, which must not end up in logs and browser histories.
ALTER TABLE persons ADD COLUMN party_uuid TEXT NOT NULL DEFAULT '';
UPDATE persons SET party_uuid = gen_random_uuid()::text;
CREATE UNIQUE INDEX persons_party_uuid ON persons (party_uuid);
