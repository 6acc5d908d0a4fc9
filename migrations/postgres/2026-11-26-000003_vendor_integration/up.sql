-- System names and descriptions in nynorsk and English beside bokmål.
ALTER TABLE systems ADD COLUMN name_nn TEXT NOT NULL DEFAULT '';
ALTER TABLE systems ADD COLUMN name_en TEXT NOT NULL DEFAULT '';
ALTER TABLE systems ADD COLUMN description_nn TEXT NOT NULL DEFAULT '';
ALTER TABLE systems ADD COLUMN description_en TEXT NOT NULL DEFAULT '';
UPDATE systems SET name_nn = name, name_en = name, description_nn = description, description_en = description;

-- OAuth2 client ids that may act as the system; one system per client id.
CREATE TABLE system_client_ids (
    client_id TEXT PRIMARY KEY,
    system_id TEXT NOT NULL REFERENCES systems (id)
);
CREATE INDEX system_client_ids_system ON system_client_ids (system_id);

-- Resources inside each access package.
CREATE TABLE package_resources (
    package_urn TEXT NOT NULL REFERENCES access_packages (urn),
    resource_id TEXT NOT NULL REFERENCES resources (id),
    PRIMARY KEY (package_urn, resource_id)
);

-- A vendor's public keys for signed client assertions (a JWK set as JSON).
ALTER TABLE vendor_clients ADD COLUMN jwks TEXT NOT NULL DEFAULT '';

-- Assertion ids already used, kept until the assertion would have expired.
CREATE TABLE used_assertions (
    jti TEXT PRIMARY KEY,
    expires_at TIMESTAMP NOT NULL
);

-- A vendor's request to add or remove rights and packages on a system user.
CREATE TABLE change_requests (
    id TEXT PRIMARY KEY,
    system_user_id TEXT NOT NULL REFERENCES system_users (id),
    system_id TEXT NOT NULL REFERENCES systems (id),
    party_org_no TEXT NOT NULL REFERENCES organisations (org_no),
    external_ref TEXT NOT NULL,
    status TEXT NOT NULL,
    redirect_url TEXT,
    created TIMESTAMP NOT NULL,
    handled_at TIMESTAMP,
    handled_by TEXT REFERENCES persons (pid)
);
CREATE UNIQUE INDEX change_requests_pending ON change_requests (system_user_id) WHERE status = 'New';
CREATE INDEX change_requests_system ON change_requests (system_id, id);

-- What a change request adds or removes: kind 'right' or 'package', change 'add' or 'remove'.
CREATE TABLE change_request_items (
    change_request_id TEXT NOT NULL REFERENCES change_requests (id),
    kind TEXT NOT NULL,
    change TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (change_request_id, kind, change, value)
);
