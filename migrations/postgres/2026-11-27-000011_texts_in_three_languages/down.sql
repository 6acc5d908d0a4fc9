ALTER TABLE access_packages DROP COLUMN description_en;
ALTER TABLE access_packages DROP COLUMN description_nn;
ALTER TABLE access_packages DROP COLUMN name_en;
ALTER TABLE access_packages DROP COLUMN name_nn;
ALTER TABLE resources DROP COLUMN description_en;
ALTER TABLE resources DROP COLUMN description_nn;
ALTER TABLE resources DROP COLUMN title_en;
ALTER TABLE resources DROP COLUMN title_nn;
