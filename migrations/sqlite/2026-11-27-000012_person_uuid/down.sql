DROP INDEX persons_party_uuid;
ALTER TABLE persons DROP COLUMN party_uuid;
