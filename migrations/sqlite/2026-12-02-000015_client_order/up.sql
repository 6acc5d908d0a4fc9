-- A firm's clients are listed as Norwegians sort names (Æ, Ø, Å after Z, in that order)
-- and counted by kind (their relation roles and form). The sort key maps the three
-- letters to the characters after Z and z; the portal computes it the same way
-- (support::sort_key) when it writes a name.
ALTER TABLE client_relations ADD COLUMN client_sort TEXT NOT NULL DEFAULT '';
UPDATE client_relations SET client_sort =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(client_name,
        'Æ', '['), 'Ä', '['), 'Ø', '\'), 'Ö', '\'), 'Å', ']'),
        'æ', '{'), 'ä', '{'), 'ø', '|'), 'ö', '|'), 'å', '}');
DROP INDEX client_relations_listing;
CREATE INDEX client_relations_listing ON client_relations (facilitator_org_no, first_role, client_sort, client_org_no);
CREATE INDEX client_relations_kinds ON client_relations (facilitator_org_no, first_role, client_roles, client_org_form, client_sort);
-- How many clients of each kind a facilitator has, kept as relations change, so the client
-- page counts a firm's clients without reading them all.
CREATE TABLE client_kinds (
    facilitator_org_no TEXT NOT NULL,
    client_roles TEXT NOT NULL,
    client_org_form TEXT NOT NULL,
    clients BIGINT NOT NULL,
    PRIMARY KEY (facilitator_org_no, client_roles, client_org_form)
);
INSERT INTO client_kinds (facilitator_org_no, client_roles, client_org_form, clients)
    SELECT facilitator_org_no, client_roles, client_org_form, COUNT(*) FROM client_relations
    WHERE first_role GROUP BY facilitator_org_no, client_roles, client_org_form;
