-- round_total is unknown until a round has more than one page (it is counted lazily).
ALTER TABLE sync_cursor ALTER COLUMN round_total DROP NOT NULL;
ALTER TABLE sync_cursor ALTER COLUMN round_total DROP DEFAULT;
