-- A person is named in the portal's addresses by a UUID of its own, never by the
-- identity number, which must not end up in logs and browser histories.
ALTER TABLE persons ADD COLUMN party_uuid TEXT NOT NULL DEFAULT '';
UPDATE persons SET party_uuid =
    lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2)
    || '-' || substr('89ab', 1 + abs(random()) % 4, 1) || substr(lower(hex(randomblob(2))), 2)
    || '-' || lower(hex(randomblob(6)));
CREATE UNIQUE INDEX persons_party_uuid ON persons (party_uuid);
