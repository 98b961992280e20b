-- Issue #45's search paths are PostgreSQL's (020_search_paths.sql there): a SQLite file has no
-- functions of its own in SQL, no roles and no temporary schema to search. The step keeps the
-- versions of both backends equal.
SELECT 1;
