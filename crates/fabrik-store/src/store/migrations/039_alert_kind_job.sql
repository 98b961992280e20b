-- An alert's kind names the job whose lease holder raises and clears it (issue #69), as a row
-- the code fills with the word (`store::words`, `AlertKind::raised_by`), so a new kind needs
-- no migration. Billing has a job of its own now (`billing`); it raised its alerts under the
-- inbox's. The kinds a register already holds get their job here, once; SQLite has no guard
-- that reads it (one person's file), but both dialects fill the same words.
ALTER TABLE alert_kinds ADD COLUMN job TEXT;
UPDATE alert_kinds SET job = CASE name
    WHEN 'backup_stale' THEN 'backup_alert'
    WHEN 'run_failed' THEN 'run_alert'
    WHEN 'usage_limit' THEN 'usage_collect'
    WHEN 'billing' THEN 'billing' END;
