-- A firm's clients are listed by name, a page at a time: the client's name is kept with
-- the relation, indexed under the firm, and the firm's number of clients with the firm,
-- so a page of a firm with thousands of clients reads a page's worth of rows.
ALTER TABLE client_relations ADD COLUMN client_name TEXT NOT NULL DEFAULT '';
UPDATE client_relations
SET client_name = (SELECT name FROM organisations WHERE org_no = client_relations.client_org_no);
CREATE INDEX client_relations_listing ON client_relations (facilitator_org_no, client_name, client_org_no);
ALTER TABLE organisations ADD COLUMN client_count BIGINT NOT NULL DEFAULT 0;
UPDATE organisations
SET client_count = (SELECT COUNT(DISTINCT client_org_no) FROM client_relations
                    WHERE facilitator_org_no = organisations.org_no)
WHERE org_no IN (SELECT facilitator_org_no FROM client_relations);
