DROP INDEX change_requests_pending;
DROP INDEX system_user_requests_pending;
