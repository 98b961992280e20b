-- The register no login can steer (issue #67): PostgreSQL's 038 guards what a shared register's
-- logins write. A SQLite register is one person's file, whose rights are the file's; what holds
-- for every register holds here too: a customer's uid names it on every resource (the markers,
-- each run's mark) and never changes once given.
CREATE TRIGGER customers_uid_fixed BEFORE UPDATE OF uid ON customers
    WHEN OLD.uid IS NOT NULL AND NEW.uid IS NOT OLD.uid
BEGIN
    SELECT RAISE(ABORT, 'a customer''s uid never changes');
END;
