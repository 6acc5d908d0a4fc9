ALTER TABLE organisations ADD COLUMN client_count BIGINT NOT NULL DEFAULT 0;
UPDATE organisations o SET client_count = c.n
FROM (SELECT facilitator_org_no, COUNT(DISTINCT client_org_no) AS n FROM client_relations GROUP BY facilitator_org_no) c
WHERE c.facilitator_org_no = o.org_no;
