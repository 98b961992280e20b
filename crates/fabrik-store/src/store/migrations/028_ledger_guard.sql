-- The ledger guard of issue #55 is the shared register's (postgres/028_ledger_guard.sql): it
-- holds every login but an owner's to the ledger as the engine writes it. A register file has
-- one person, who is its owner; nothing changes here but the version.
SELECT 1;
