-- A customer's export (issue #59): each archive written for a customer, who wrote it and when,
-- and the archive's size and SHA-256, so the agency can say what it handed out. The file's
-- name only: the folder is on the disk of the seat that wrote it.
CREATE TABLE exports (
    id               INTEGER PRIMARY KEY,
    customer_id      INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    environment      TEXT NOT NULL REFERENCES environments (name),
    file             TEXT NOT NULL,
    bytes            INTEGER NOT NULL CHECK (bytes >= 0),
    sha256           TEXT NOT NULL,
    schema_version   TEXT,
    template_version TEXT,
    taken_at         TEXT NOT NULL,
    -- The seat (user@host) that wrote it, and the person's login on a shared register.
    seat             TEXT NOT NULL,
    person           TEXT
) STRICT;
CREATE INDEX exports_customer ON exports (customer_id, environment, id);
