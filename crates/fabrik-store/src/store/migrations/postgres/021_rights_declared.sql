-- Rights declared once (issue #45). The groups' rights were a function copied whole into
-- migrations 015 to 020, so a migration that forgot a table silently widened or narrowed a
-- right. They are now one declaration in the code (src/store/rights.rs), applied by the
-- register's role after every migration: everything the groups held is revoked, then the
-- declaration granted. This table keeps the digest of the declaration applied last, so a seat
-- applies it again only when it changed or the groups were made after it.
--
-- What the declaration changes: operators no longer rewrite or delete a backup's row (only
-- mark it removed), nor update or delete workflow backups, nor delete health checks,
-- roll-outs, their members or template pull requests: no seat's work does, and a row rewritten
-- pointed a restore or a retention at another customer's file.
DROP FUNCTION grant_rights(BOOLEAN);
CREATE TABLE rights_applied (digest TEXT NOT NULL);
