-- Parties, people and the roles that link them.
CREATE TABLE organisations (
    org_no TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE persons (
    pid TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE party_roles (
    pid TEXT NOT NULL REFERENCES persons (pid),
    org_no TEXT NOT NULL REFERENCES organisations (org_no),
    role_code TEXT NOT NULL,
    PRIMARY KEY (pid, org_no, role_code)
);
CREATE INDEX party_roles_org ON party_roles (org_no);

-- Services (resources) and which roles let a person delegate them.
CREATE TABLE resources (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL
);

CREATE TABLE resource_grant_roles (
    resource_id TEXT NOT NULL REFERENCES resources (id),
    role_code TEXT NOT NULL,
    PRIMARY KEY (resource_id, role_code)
);

-- The system register.
CREATE TABLE systems (
    id TEXT PRIMARY KEY,
    vendor_org_no TEXT NOT NULL REFERENCES organisations (org_no),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    is_visible BOOLEAN NOT NULL,
    is_deleted BOOLEAN NOT NULL DEFAULT FALSE,
    created TIMESTAMP NOT NULL
);
CREATE INDEX systems_vendor ON systems (vendor_org_no);

CREATE TABLE system_rights (
    system_id TEXT NOT NULL REFERENCES systems (id),
    resource_id TEXT NOT NULL REFERENCES resources (id),
    PRIMARY KEY (system_id, resource_id)
);

CREATE TABLE system_redirect_urls (
    system_id TEXT NOT NULL REFERENCES systems (id),
    url TEXT NOT NULL,
    PRIMARY KEY (system_id, url)
);

-- OAuth2 clients of vendors for the vendor API.
CREATE TABLE vendor_clients (
    client_id TEXT PRIMARY KEY,
    org_no TEXT NOT NULL REFERENCES organisations (org_no),
    secret_hash TEXT NOT NULL,
    scopes TEXT NOT NULL
);

-- Vendor requests for a system user.
CREATE TABLE system_user_requests (
    id TEXT PRIMARY KEY,
    system_id TEXT NOT NULL REFERENCES systems (id),
    party_org_no TEXT NOT NULL REFERENCES organisations (org_no),
    external_ref TEXT NOT NULL,
    user_type TEXT NOT NULL,
    status TEXT NOT NULL,
    redirect_url TEXT,
    integration_title TEXT,
    created TIMESTAMP NOT NULL,
    handled_at TIMESTAMP,
    handled_by TEXT REFERENCES persons (pid)
);
-- At most one pending request per triple: the database settles racing creations.
CREATE UNIQUE INDEX system_user_requests_pending
    ON system_user_requests (party_org_no, system_id, external_ref) WHERE status = 'New';
CREATE INDEX system_user_requests_system ON system_user_requests (system_id, id);

CREATE TABLE request_rights (
    request_id TEXT NOT NULL REFERENCES system_user_requests (id),
    resource_id TEXT NOT NULL REFERENCES resources (id),
    PRIMARY KEY (request_id, resource_id)
);

-- System users (system accesses). Deletion is soft.
CREATE TABLE system_users (
    id TEXT PRIMARY KEY,
    system_id TEXT NOT NULL REFERENCES systems (id),
    party_org_no TEXT NOT NULL REFERENCES organisations (org_no),
    external_ref TEXT NOT NULL,
    user_type TEXT NOT NULL,
    integration_title TEXT NOT NULL,
    created TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL REFERENCES persons (pid),
    deleted_at TIMESTAMP,
    deleted_by TEXT REFERENCES persons (pid)
);
-- One live system user per triple; deleting frees it.
CREATE UNIQUE INDEX system_users_live
    ON system_users (party_org_no, system_id, external_ref) WHERE deleted_at IS NULL;
CREATE INDEX system_users_system ON system_users (system_id, id);

CREATE TABLE system_user_rights (
    system_user_id TEXT NOT NULL REFERENCES system_users (id),
    resource_id TEXT NOT NULL REFERENCES resources (id),
    PRIMARY KEY (system_user_id, resource_id)
);

-- The id orders events: several can share a timestamp.
CREATE TABLE audit_events (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    party_org_no TEXT NOT NULL,
    action TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_events_subject ON audit_events (subject_id, at);

-- Keys generated at first start and shared by every portal node.
CREATE TABLE app_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
