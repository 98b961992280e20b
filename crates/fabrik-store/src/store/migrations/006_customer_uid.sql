-- Every customer has an immutable id from creation (a UUID v4): the ownership marker written on
-- everything Fabrik creates for it. Existing customers get one here.
ALTER TABLE customers ADD COLUMN uid TEXT;
UPDATE customers SET uid =
    lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
    substr(lower(hex(randomblob(2))), 2) || '-' ||
    substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' ||
    lower(hex(randomblob(6)))
WHERE uid IS NULL;
CREATE UNIQUE INDEX customers_uid ON customers (uid);
