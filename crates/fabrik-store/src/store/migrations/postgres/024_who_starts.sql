-- Who may start a kind of run is the kind's own declaration (issue #39: `RunKind::right`), kept
-- beside its word: `store::words` writes `owners_only` with every word it adds, and the policy
-- on `runs` reads it instead of a list of kinds rewritten by a migration per owners' kind
-- (015, 016, 018). Every group reads `run_kinds`; only the register's role writes it.
ALTER TABLE run_kinds ADD COLUMN owners_only BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE run_kinds SET owners_only = TRUE WHERE name IN ('teardown', 'restore', 'recover');
DROP POLICY runs_start ON runs;
CREATE POLICY runs_start ON runs FOR INSERT WITH CHECK (
    has_right('owner') OR NOT (SELECT k.owners_only FROM run_kinds k WHERE k.name = kind)
);
