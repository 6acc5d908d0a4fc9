-- What a service offers (read, write, sign, …), comma-separated, and the authentication
-- level its users must have logged in with: the PDP answers with both.
ALTER TABLE resources ADD COLUMN actions TEXT NOT NULL DEFAULT 'read';
ALTER TABLE resources ADD COLUMN authentication_level INTEGER NOT NULL DEFAULT 2;
-- The demo's service owner asks the PDP at Altinn's external path too (demo data only).
UPDATE vendor_clients SET scopes = scopes || ' altinn:authorization/authorize'
WHERE client_id = 'demo-skatteetaten' AND scopes = 'altinn:authorization/pdp';
