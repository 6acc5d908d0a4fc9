-- Services and access packages in nynorsk and English beside bokmål, as systems already
-- are; empty means "as in bokmål".
ALTER TABLE resources ADD COLUMN title_nn TEXT NOT NULL DEFAULT '';
ALTER TABLE resources ADD COLUMN title_en TEXT NOT NULL DEFAULT '';
ALTER TABLE resources ADD COLUMN description_nn TEXT NOT NULL DEFAULT '';
ALTER TABLE resources ADD COLUMN description_en TEXT NOT NULL DEFAULT '';
ALTER TABLE access_packages ADD COLUMN name_nn TEXT NOT NULL DEFAULT '';
ALTER TABLE access_packages ADD COLUMN name_en TEXT NOT NULL DEFAULT '';
ALTER TABLE access_packages ADD COLUMN description_nn TEXT NOT NULL DEFAULT '';
ALTER TABLE access_packages ADD COLUMN description_en TEXT NOT NULL DEFAULT '';
