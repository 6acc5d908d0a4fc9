ALTER TABLE persons DROP COLUMN name_sort;
ALTER TABLE organisations DROP COLUMN name_sort;
