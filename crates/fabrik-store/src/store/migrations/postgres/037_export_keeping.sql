-- The agency's keeping of customers' exports: the same columns as SQLite's 037 (see its
-- comments). Only `removed_at` is ever written after the row (rights.rs), as a backup's is
-- (030): by the login that wrote the archive (its file is on that seat's disk), once, and
-- stamped by the server.
CREATE TABLE export_reasons (name TEXT PRIMARY KEY);
ALTER TABLE exports ADD COLUMN reason TEXT REFERENCES export_reasons (name);
ALTER TABLE exports ADD COLUMN in_folder BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE exports ADD COLUMN removed_at TEXT;

CREATE FUNCTION exports_removed_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path = fabrik, pg_temp AS $$
BEGIN
    IF NEW.removed_at IS NOT DISTINCT FROM OLD.removed_at THEN
        RETURN NEW;
    END IF;
    IF OLD.person IS DISTINCT FROM (session_user)::text OR NOT OLD.in_folder THEN
        RAISE EXCEPTION 'permission denied: export % was written by %; only that login''s keeping of its export folder marks it removed',
            OLD.id, OLD.person USING ERRCODE = '42501';
    END IF;
    IF OLD.removed_at IS NOT NULL OR NEW.removed_at IS NULL THEN
        RAISE EXCEPTION 'permission denied: export % is marked removed once, and stays so', OLD.id
            USING ERRCODE = '42501';
    END IF;
    NEW.removed_at := pg_catalog.to_char(pg_catalog.clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"');
    RETURN NEW;
END
$$;
CREATE TRIGGER exports_removed_guard BEFORE UPDATE ON exports
    FOR EACH ROW EXECUTE FUNCTION exports_removed_guard();
