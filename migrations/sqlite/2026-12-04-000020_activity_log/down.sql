DROP INDEX audit_events_party_actor;
DROP INDEX audit_events_party_action;
DROP INDEX audit_events_party;
