-- The shared register's rights are declared once, in src/store/rights.rs (issue #45). A SQLite
-- register has no logins: nothing to change here; the version stays in step with PostgreSQL's.
SELECT 1;
