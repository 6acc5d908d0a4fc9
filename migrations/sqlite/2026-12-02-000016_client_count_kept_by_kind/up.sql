-- A firm's clients are counted by kind (client_kinds); the total kept with the firm is
-- read no more.
ALTER TABLE organisations DROP COLUMN client_count;
