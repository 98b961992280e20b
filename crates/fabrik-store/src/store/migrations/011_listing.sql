-- The register at 100,000 customers (issue #12): the list is read a page at a time, and every
-- page, count and filter is answered from an index instead of by reading every customer.
--
-- `listing` holds each live customer's status per environment next to what the list sorts by,
-- so "status = failed, by name, rows 4,000–4,100" and its count are ranges of one index. It is
-- derived data: the triggers below keep it in step with `customers` and `instances`, so no
-- writer in the code has to remember it. An archived customer has no rows.
CREATE TABLE listing (
    environment TEXT NOT NULL CHECK (environment IN ('sandbox', 'production')),
    status      TEXT NOT NULL CHECK (status IN ('pending', 'provisioning', 'active', 'failed', 'inactive')),
    name        TEXT NOT NULL COLLATE NOCASE,
    created_at  TEXT NOT NULL,
    customer_id INTEGER NOT NULL,
    PRIMARY KEY (environment, status, name, customer_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX listing_created ON listing (environment, status, created_at, customer_id);
CREATE INDEX listing_customer ON listing (customer_id);

-- Live customers only, so that counting and paging the whole list never reads archived rows.
DROP INDEX customers_name;
DROP INDEX customers_created_at;
CREATE INDEX customers_live_name ON customers (name COLLATE NOCASE) WHERE archived_at IS NULL;
CREATE INDEX customers_live_created ON customers (created_at) WHERE archived_at IS NULL;
CREATE INDEX customers_examples ON customers (id) WHERE is_example AND archived_at IS NULL;

CREATE VIEW listing_environments (environment) AS VALUES ('sandbox'), ('production');

CREATE TRIGGER listing_customer_added AFTER INSERT ON customers WHEN NEW.archived_at IS NULL
BEGIN
    INSERT INTO listing (environment, status, name, created_at, customer_id)
    SELECT e.environment,
           COALESCE((SELECT status FROM instances WHERE customer_id = NEW.id AND environment = e.environment), 'pending'),
           NEW.name, NEW.created_at, NEW.id
    FROM listing_environments e;
END;

CREATE TRIGGER listing_customer_changed AFTER UPDATE OF name, created_at, archived_at ON customers
BEGIN
    DELETE FROM listing WHERE customer_id = OLD.id;
    INSERT INTO listing (environment, status, name, created_at, customer_id)
    SELECT e.environment,
           COALESCE((SELECT status FROM instances WHERE customer_id = NEW.id AND environment = e.environment), 'pending'),
           NEW.name, NEW.created_at, NEW.id
    FROM listing_environments e
    WHERE NEW.archived_at IS NULL;
END;

CREATE TRIGGER listing_customer_removed AFTER DELETE ON customers
BEGIN
    DELETE FROM listing WHERE customer_id = OLD.id;
END;

CREATE TRIGGER listing_instance_added AFTER INSERT ON instances
BEGIN
    UPDATE listing SET status = NEW.status
    WHERE customer_id = NEW.customer_id AND environment = NEW.environment;
END;

CREATE TRIGGER listing_instance_changed AFTER UPDATE OF status ON instances
BEGIN
    UPDATE listing SET status = NEW.status
    WHERE customer_id = NEW.customer_id AND environment = NEW.environment;
END;

CREATE TRIGGER listing_instance_removed AFTER DELETE ON instances
BEGIN
    UPDATE listing SET status = 'pending'
    WHERE customer_id = OLD.customer_id AND environment = OLD.environment;
END;

INSERT INTO listing (environment, status, name, created_at, customer_id)
SELECT e.environment, COALESCE(i.status, 'pending'), c.name, c.created_at, c.id
FROM customers c
CROSS JOIN listing_environments e
LEFT JOIN instances i ON i.customer_id = c.id AND i.environment = e.environment
WHERE c.archived_at IS NULL;

-- Search by any part of a name, slug or email: trigrams of the lower-cased `search_text`.
-- Archived customers are left out, as from the list. Needles under three characters have no
-- trigram and are matched with LIKE instead (store/customers.rs).
CREATE VIRTUAL TABLE customers_search USING fts5 (
    search_text, content = 'customers', content_rowid = 'id', tokenize = 'trigram'
);

CREATE TRIGGER customers_search_added AFTER INSERT ON customers WHEN NEW.archived_at IS NULL
BEGIN
    INSERT INTO customers_search (rowid, search_text) VALUES (NEW.id, NEW.search_text);
END;

CREATE TRIGGER customers_search_changed AFTER UPDATE OF search_text, archived_at ON customers
BEGIN
    INSERT INTO customers_search (customers_search, rowid, search_text)
    SELECT 'delete', OLD.id, OLD.search_text WHERE OLD.archived_at IS NULL;
    INSERT INTO customers_search (rowid, search_text)
    SELECT NEW.id, NEW.search_text WHERE NEW.archived_at IS NULL;
END;

CREATE TRIGGER customers_search_removed AFTER DELETE ON customers WHEN OLD.archived_at IS NULL
BEGIN
    INSERT INTO customers_search (customers_search, rowid, search_text)
    VALUES ('delete', OLD.id, OLD.search_text);
END;

INSERT INTO customers_search (rowid, search_text)
SELECT id, search_text FROM customers WHERE archived_at IS NULL;
