ALTER TABLE organisations ADD COLUMN client_count BIGINT NOT NULL DEFAULT 0;
UPDATE organisations
SET client_count = (SELECT COUNT(DISTINCT client_org_no) FROM client_relations
    WHERE client_relations.facilitator_org_no = organisations.org_no);
