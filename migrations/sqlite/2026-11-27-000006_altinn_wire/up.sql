-- Requests are soft-deleted, as in Altinn: a vendor renews a request by deleting it and
-- sending it again. One live request per party, system, external reference and kind.
ALTER TABLE system_user_requests ADD COLUMN deleted_at TIMESTAMP;
UPDATE system_user_requests SET deleted_at = created
WHERE EXISTS (
    SELECT 1 FROM system_user_requests newer
    WHERE newer.party_org_no = system_user_requests.party_org_no
      AND newer.system_id = system_user_requests.system_id
      AND newer.external_ref = system_user_requests.external_ref
      AND newer.user_type = system_user_requests.user_type
      AND (newer.created > system_user_requests.created
           OR (newer.created = system_user_requests.created AND newer.id > system_user_requests.id))
);
DROP INDEX system_user_requests_pending;
CREATE UNIQUE INDEX system_user_requests_live
    ON system_user_requests (party_org_no, system_id, external_ref, user_type) WHERE deleted_at IS NULL;

-- A change request's id is the vendor's correlation id, so several may wait for one
-- system user.
DROP INDEX change_requests_pending;
CREATE INDEX change_requests_user ON change_requests (system_user_id);

-- A system's internal GUID (what Altinn answers a registration with), and its names and
-- descriptions as the vendor sent them (any languages).
ALTER TABLE systems ADD COLUMN internal_id TEXT NOT NULL DEFAULT '';
UPDATE systems SET internal_id = lower(
    hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
    substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)));
CREATE UNIQUE INDEX systems_internal_id ON systems (internal_id);
ALTER TABLE systems ADD COLUMN names TEXT NOT NULL DEFAULT '{}';
ALTER TABLE systems ADD COLUMN descriptions TEXT NOT NULL DEFAULT '{}';
UPDATE systems SET
    names = json_object('nb', name, 'nn', name_nn, 'en', name_en),
    descriptions = json_object('nb', description, 'nn', description_nn, 'en', description_en);
