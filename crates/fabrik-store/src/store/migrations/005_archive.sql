-- A customer with history is archived, not deleted: its runs (the ledger of what Fabrik made
-- for it) are kept, and its slug stays taken while anything it created may still exist.
ALTER TABLE customers ADD COLUMN archived_at TEXT;
