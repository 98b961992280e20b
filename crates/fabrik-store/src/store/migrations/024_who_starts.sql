-- Who may start a kind of run is the kind's own declaration (issue #39: `RunKind::right`), kept
-- beside its word: `store::words` writes `owners_only` with every word it adds, so a new kind
-- that only owners may start needs no migration. On a shared register the policy on `runs`
-- reads it (the PostgreSQL file of this version); here the column keeps both registers alike
-- (a STRICT table: 0 or 1, as SQLite stores true and false).
ALTER TABLE run_kinds ADD COLUMN owners_only INTEGER NOT NULL DEFAULT 0 CHECK (owners_only IN (0, 1));
UPDATE run_kinds SET owners_only = 1 WHERE name IN ('teardown', 'restore', 'recover');
