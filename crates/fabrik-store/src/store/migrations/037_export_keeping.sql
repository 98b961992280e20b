-- The agency's keeping of customers' exports (issue #59). An archive Fabrik wrote into its
-- export folder (the window's, the one taken before a teardown, the one at a subscription's end)
-- is the agency's: kept for the owner's `export.keep_days`, then deleted by the seat that wrote
-- it, its row kept with `removed_at`. One a person wrote elsewhere (`fabrik export --out`) is
-- theirs and never deleted by Fabrik.
-- Why an archive was written: a word of the code's (`ExportReason`, filled by `store::words`);
-- NULL for one written before this migration, which a person asked for. (SQLite adds a column
-- that names another table only with no default.)
CREATE TABLE export_reasons (name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
ALTER TABLE exports ADD COLUMN reason TEXT REFERENCES export_reasons (name);
ALTER TABLE exports ADD COLUMN in_folder INTEGER NOT NULL DEFAULT 0 CHECK (in_folder IN (0, 1));
ALTER TABLE exports ADD COLUMN removed_at TEXT;
