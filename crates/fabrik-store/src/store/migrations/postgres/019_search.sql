-- Search as you type (issue #38). SQLite's 019 replaces its trigram table with one that also
-- answers needles of one or two characters and the status filter (`customers_find`). Here
-- there is no such index without pg_trgm, which the register's role may not create: a search
-- is `strpos` over the lower-cased `search_text` of the live customers (store/listing.rs),
-- which answers within the target at 10,000 customers. This step keeps the versions of both
-- backends equal and says so where the column is.
COMMENT ON COLUMN customers.search_text IS
    'Lower-cased name, slug and e-mail, one per line, written by Fabrik; searched with strpos (019_search.sql).';
