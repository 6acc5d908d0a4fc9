DROP INDEX organisations_name;
ALTER TABLE organisations DROP COLUMN search_key;
DROP TABLE client_delegations;
DROP TABLE system_user_access_packages;
DROP TABLE request_access_packages;
DROP TABLE system_access_packages;
DROP TABLE client_relations;
DROP TABLE relation_packages;
DROP TABLE access_packages;
