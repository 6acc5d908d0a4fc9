DROP INDEX client_relations_listing;
CREATE INDEX client_relations_listing ON client_relations (facilitator_org_no, client_name, client_org_no);
ALTER TABLE client_relations DROP COLUMN first_role;
ALTER TABLE client_relations DROP COLUMN client_roles;
ALTER TABLE client_relations DROP COLUMN client_org_form;
