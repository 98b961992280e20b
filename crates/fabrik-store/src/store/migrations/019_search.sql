-- Search at 100,000 customers as you type (issue #38): every count and page of a search is
-- answered from one full-text index, whatever the needle's length and whichever status is asked.
--
-- 011 kept trigrams of `search_text` only: a needle of one or two characters has no trigram and
-- was matched by LIKE over every customer (126 ms at 100,000), and a status filter was a lookup
-- of every match in `listing` (29 ms for a town). Here one contentless trigram table holds, per
-- live customer:
--   text        `search_text`: a needle of three characters or more is a phrase of its trigrams;
--   pairs       the same text with U+0001 around every character (`fabrik_pairs`, a function
--               the store registers on each connection): "ab" is the one trigram "a\x01b" and
--               "a" the one trigram "\x01a\x01", so short needles are an index lookup too;
--   sandbox,    the customer's status in each environment as its first three letters
--   production  (pen, pro, act, fai, ina: each one trigram, none inside another), so "failed
--               customers matching malmö" is one intersection of the index.
-- `listing` holds the statuses, so the index is refreshed whenever a customer's listing rows
-- change (added, renamed, archived, removed, its instance's status) or its search text does.
DROP TRIGGER customers_search_added;
DROP TRIGGER customers_search_changed;
DROP TRIGGER customers_search_removed;
DROP TABLE customers_search;

CREATE VIRTUAL TABLE customers_find USING fts5 (
    text, pairs, sandbox, production,
    content = '', contentless_delete = 1, tokenize = 'trigram'
);

-- A page of matches is sorted by name or age from this narrow index rather than from the rows.
CREATE INDEX customers_sort ON customers (id, name COLLATE NOCASE, created_at);

-- What the index holds for each live customer that has its listing rows.
CREATE VIEW customers_find_rows (id, text, pairs, sandbox, production) AS
SELECT c.id, c.search_text, fabrik_pairs(c.search_text),
       COALESCE((SELECT substr(status, 1, 3) FROM listing WHERE customer_id = c.id AND environment = 'sandbox'), ''),
       COALESCE((SELECT substr(status, 1, 3) FROM listing WHERE customer_id = c.id AND environment = 'production'), '')
FROM customers c
WHERE c.archived_at IS NULL AND EXISTS (SELECT 1 FROM listing WHERE customer_id = c.id);

CREATE TRIGGER customers_find_listed AFTER INSERT ON listing
BEGIN
    DELETE FROM customers_find WHERE rowid = NEW.customer_id;
    INSERT INTO customers_find (rowid, text, pairs, sandbox, production)
    SELECT * FROM customers_find_rows WHERE id = NEW.customer_id;
END;

CREATE TRIGGER customers_find_relisted AFTER UPDATE ON listing
BEGIN
    DELETE FROM customers_find WHERE rowid = NEW.customer_id;
    INSERT INTO customers_find (rowid, text, pairs, sandbox, production)
    SELECT * FROM customers_find_rows WHERE id = NEW.customer_id;
END;

CREATE TRIGGER customers_find_unlisted AFTER DELETE ON listing
BEGIN
    DELETE FROM customers_find WHERE rowid = OLD.customer_id;
    INSERT INTO customers_find (rowid, text, pairs, sandbox, production)
    SELECT * FROM customers_find_rows WHERE id = OLD.customer_id;
END;

CREATE TRIGGER customers_find_text_changed AFTER UPDATE OF search_text ON customers
BEGIN
    DELETE FROM customers_find WHERE rowid = NEW.id;
    INSERT INTO customers_find (rowid, text, pairs, sandbox, production)
    SELECT * FROM customers_find_rows WHERE id = NEW.id;
END;

INSERT INTO customers_find (rowid, text, pairs, sandbox, production)
SELECT * FROM customers_find_rows;
