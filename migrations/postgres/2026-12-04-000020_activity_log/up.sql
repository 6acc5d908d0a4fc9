-- The activity log reads a party's events newest first, all of them or of one kind or one
-- actor, a page at a time from where the last page ended: each way has its index.
CREATE INDEX audit_events_party ON audit_events (party_org_no, at, id);
CREATE INDEX audit_events_party_action ON audit_events (party_org_no, action, at, id);
CREATE INDEX audit_events_party_actor ON audit_events (party_org_no, actor, at, id);
