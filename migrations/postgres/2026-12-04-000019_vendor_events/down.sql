DROP INDEX system_user_requests_untold;
ALTER TABLE system_user_requests DROP COLUMN timeout_told_at;
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
DROP TABLE vendor_event_clock;
DROP TABLE vendor_events;
