-- Issue #45's rights are PostgreSQL's (020_rights.sql there): a SQLite file has no
-- functions of its own in SQL, no roles and no temporary schema to search. The step keeps the
-- versions of both backends equal.
SELECT 1;
