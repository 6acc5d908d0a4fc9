-- Access packages and client relations, for system access on behalf of clients.
CREATE TABLE access_packages (
    urn TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL
);

-- Which packages a client gives its facilitator through each kind of relation.
CREATE TABLE relation_packages (
    role_code TEXT NOT NULL,
    package_urn TEXT NOT NULL REFERENCES access_packages (urn),
    PRIMARY KEY (role_code, package_urn)
);

-- A client's relation to a facilitator (an accounting or auditing firm).
CREATE TABLE client_relations (
    facilitator_org_no TEXT NOT NULL REFERENCES organisations (org_no),
    client_org_no TEXT NOT NULL REFERENCES organisations (org_no),
    role_code TEXT NOT NULL,
    PRIMARY KEY (facilitator_org_no, client_org_no, role_code)
);
CREATE INDEX client_relations_client ON client_relations (client_org_no);

CREATE TABLE system_access_packages (
    system_id TEXT NOT NULL REFERENCES systems (id),
    package_urn TEXT NOT NULL REFERENCES access_packages (urn),
    PRIMARY KEY (system_id, package_urn)
);

CREATE TABLE request_access_packages (
    request_id TEXT NOT NULL REFERENCES system_user_requests (id),
    package_urn TEXT NOT NULL REFERENCES access_packages (urn),
    PRIMARY KEY (request_id, package_urn)
);

CREATE TABLE system_user_access_packages (
    system_user_id TEXT NOT NULL REFERENCES system_users (id),
    package_urn TEXT NOT NULL REFERENCES access_packages (urn),
    PRIMARY KEY (system_user_id, package_urn)
);

-- Clients attached to an agent system user. Removing a client deletes its row.
CREATE TABLE client_delegations (
    id TEXT PRIMARY KEY,
    system_user_id TEXT NOT NULL REFERENCES system_users (id),
    client_org_no TEXT NOT NULL REFERENCES organisations (org_no),
    created TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL REFERENCES persons (pid)
);
CREATE UNIQUE INDEX client_delegations_pair ON client_delegations (system_user_id, client_org_no);
CREATE INDEX client_delegations_client ON client_delegations (client_org_no);

-- Lower-cased name without spaces, for searching on both backends alike.
ALTER TABLE organisations ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
UPDATE organisations SET search_key = replace(lower(name), ' ', '');
CREATE INDEX organisations_name ON organisations (name, org_no);
