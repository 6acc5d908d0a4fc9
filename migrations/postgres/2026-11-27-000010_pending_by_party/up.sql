-- A party's pending requests and change requests (the overview) in the order shown,
-- found by key: without these the overview went through every request the party ever
-- had and sorted what was left.
CREATE INDEX system_user_requests_pending ON system_user_requests (party_org_no, status, created, id);
CREATE INDEX change_requests_pending ON change_requests (party_org_no, status, created, id);
