ALTER TABLE relation_packages DROP COLUMN client_org_forms;
ALTER TABLE access_packages DROP COLUMN delegable;
ALTER TABLE access_packages DROP COLUMN assignable;
DROP INDEX organisations_party_uuid;
ALTER TABLE organisations DROP COLUMN party_uuid;
ALTER TABLE organisations DROP COLUMN org_form;
