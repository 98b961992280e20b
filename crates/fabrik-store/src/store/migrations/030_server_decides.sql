-- What the server decides (issue #55, the lower findings) is the shared register's
-- (postgres/030_server_decides.sql): a register file has one person, its owner, and no login to
-- refuse. Its columns come here too, so both backends keep one schema: the login holding a
-- job's lease (written by PostgreSQL only) and the mark of the setup proof's test customer, set
-- only on a customer that never ran (the proof tears down no other).
ALTER TABLE scheduled_jobs ADD COLUMN lease_person TEXT;

ALTER TABLE customers ADD COLUMN is_proof INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER customers_proof_guard BEFORE UPDATE OF is_proof ON customers
    WHEN NEW.is_proof AND NOT OLD.is_proof
         AND EXISTS (SELECT 1 FROM runs WHERE customer_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'a customer that has runs is not the setup proof''s test customer');
END;
