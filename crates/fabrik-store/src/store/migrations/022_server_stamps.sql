-- Who took a backup (issue #45). On a shared register the server writes it and the time
-- (PostgreSQL's 022); a SQLite register is one person's, so the column stays empty there and the
-- version in step with PostgreSQL's.
ALTER TABLE backups ADD COLUMN person TEXT;
