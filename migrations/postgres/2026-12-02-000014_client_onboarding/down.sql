ALTER TABLE vendor_clients DROP COLUMN last_used;
ALTER TABLE vendor_clients DROP COLUMN created;
ALTER TABLE vendor_clients DROP COLUMN name;
