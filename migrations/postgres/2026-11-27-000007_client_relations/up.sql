-- Organisations have a form (AS, ESEK, BRL, …), which decides what a forretningsfører
-- relation gives, and a party UUID, by which Altinn's client API names clients.
ALTER TABLE organisations ADD COLUMN org_form TEXT NOT NULL DEFAULT 'AS';
ALTER TABLE organisations ADD COLUMN party_uuid TEXT NOT NULL DEFAULT '';
UPDATE organisations SET party_uuid = gen_random_uuid()::text;
CREATE UNIQUE INDEX organisations_party_uuid ON organisations (party_uuid);

-- Access packages as Altinn marks them: assignable to an organisation's own people, and
-- delegable on (to clients' facilitators). Client packages are delegable only.
ALTER TABLE access_packages ADD COLUMN assignable BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE access_packages ADD COLUMN delegable BOOLEAN NOT NULL DEFAULT TRUE;
UPDATE access_packages SET assignable = FALSE WHERE urn IN (SELECT package_urn FROM relation_packages);

-- A relation may give a package only for clients of some organisation forms
-- (comma-separated; none means every form).
ALTER TABLE relation_packages ADD COLUMN client_org_forms TEXT;
