-- Organisations and persons are listed as Norwegians sort names (Æ, Ø, Å after Z, in
-- that order): attached clients, the people of an organisation, whom to ask. The key is
-- the one client_order keeps for a firm's clients, written by the portal with the name
-- (support::sort_key); compared byte by byte (COLLATE "C"), as SQLite does.
ALTER TABLE organisations ADD COLUMN name_sort TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE organisations SET name_sort =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(name,
        'Æ', '['), 'Ä', '['), 'Ø', '\'), 'Ö', '\'), 'Å', ']'),
        'æ', '{'), 'ä', '{'), 'ø', '|'), 'ö', '|'), 'å', '}');
ALTER TABLE persons ADD COLUMN name_sort TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE persons SET name_sort =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(name,
        'Æ', '['), 'Ä', '['), 'Ø', '\'), 'Ö', '\'), 'Å', ']'),
        'æ', '{'), 'ä', '{'), 'ø', '|'), 'ö', '|'), 'å', '}');
