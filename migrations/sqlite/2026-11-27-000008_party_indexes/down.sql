DROP INDEX change_requests_party;
