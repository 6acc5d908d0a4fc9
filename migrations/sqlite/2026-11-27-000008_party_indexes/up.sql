-- A party's change requests (the overview's pending list) and the latest one for a
-- system and external reference, found by key rather than through all of them.
CREATE INDEX change_requests_party ON change_requests (party_org_no, system_id, external_ref);
