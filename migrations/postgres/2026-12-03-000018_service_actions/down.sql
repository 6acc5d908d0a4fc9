ALTER TABLE resources DROP COLUMN authentication_level;
ALTER TABLE resources DROP COLUMN actions;
