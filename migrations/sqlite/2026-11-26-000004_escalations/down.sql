DROP TABLE request_escalations;
