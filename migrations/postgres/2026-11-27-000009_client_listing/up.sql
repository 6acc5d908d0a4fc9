-- A firm's clients are listed by name, a page at a time: the client's name is kept with
-- the relation, indexed under the firm, and the firm's number of clients with the firm,
-- so a page of a firm with thousands of clients reads a page's worth of rows.
ALTER TABLE client_relations ADD COLUMN client_name TEXT NOT NULL DEFAULT '';
UPDATE client_relations r SET client_name = o.name FROM organisations o WHERE o.org_no = r.client_org_no;
CREATE INDEX client_relations_listing ON client_relations (facilitator_org_no, client_name, client_org_no);
ALTER TABLE organisations ADD COLUMN client_count BIGINT NOT NULL DEFAULT 0;
UPDATE organisations o SET client_count = c.n
FROM (SELECT facilitator_org_no, COUNT(DISTINCT client_org_no) AS n FROM client_relations GROUP BY facilitator_org_no) c
WHERE o.org_no = c.facilitator_org_no;
