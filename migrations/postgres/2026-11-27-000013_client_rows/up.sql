-- A firm's client list reads one row a client, without joins: each relation keeps the
-- client's form and all its relation roles with the firm, and the client's first role's
-- row is marked as the one listed.
ALTER TABLE client_relations ADD COLUMN client_org_form TEXT NOT NULL DEFAULT '';
ALTER TABLE client_relations ADD COLUMN client_roles TEXT NOT NULL DEFAULT '';
ALTER TABLE client_relations ADD COLUMN first_role BOOLEAN NOT NULL DEFAULT TRUE;
UPDATE client_relations r SET client_org_form = o.org_form FROM organisations o WHERE o.org_no = r.client_org_no;
UPDATE client_relations r SET
    client_roles = (SELECT string_agg(o.role_code, ',' ORDER BY o.role_code) FROM client_relations o
        WHERE o.facilitator_org_no = r.facilitator_org_no AND o.client_org_no = r.client_org_no),
    first_role = NOT EXISTS (SELECT 1 FROM client_relations o
        WHERE o.facilitator_org_no = r.facilitator_org_no AND o.client_org_no = r.client_org_no
          AND o.role_code < r.role_code);
DROP INDEX client_relations_listing;
CREATE INDEX client_relations_listing ON client_relations (facilitator_org_no, first_role, client_name, client_org_no);
