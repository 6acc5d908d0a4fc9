ALTER TABLE organisations DROP COLUMN client_count;
DROP INDEX client_relations_listing;
ALTER TABLE client_relations DROP COLUMN client_name;
