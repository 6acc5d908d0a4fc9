DROP TABLE client_kinds;
DROP INDEX client_relations_kinds;
DROP INDEX client_relations_listing;
CREATE INDEX client_relations_listing ON client_relations (facilitator_org_no, first_role, client_name, client_org_no);
ALTER TABLE client_relations DROP COLUMN client_sort;
