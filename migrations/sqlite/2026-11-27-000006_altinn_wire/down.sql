DROP INDEX systems_internal_id;
ALTER TABLE systems DROP COLUMN descriptions;
ALTER TABLE systems DROP COLUMN names;
ALTER TABLE systems DROP COLUMN internal_id;
DROP INDEX change_requests_user;
CREATE UNIQUE INDEX change_requests_pending ON change_requests (system_user_id) WHERE status = 'New';
DROP INDEX system_user_requests_live;
DELETE FROM request_rights WHERE request_id IN (SELECT id FROM system_user_requests WHERE deleted_at IS NOT NULL);
DELETE FROM request_access_packages WHERE request_id IN (SELECT id FROM system_user_requests WHERE deleted_at IS NOT NULL);
DELETE FROM request_escalations WHERE request_id IN (SELECT id FROM system_user_requests WHERE deleted_at IS NOT NULL);
DELETE FROM system_user_requests WHERE deleted_at IS NOT NULL;
CREATE UNIQUE INDEX system_user_requests_pending
    ON system_user_requests (party_org_no, system_id, external_ref) WHERE status = 'New';
ALTER TABLE system_user_requests DROP COLUMN deleted_at;
