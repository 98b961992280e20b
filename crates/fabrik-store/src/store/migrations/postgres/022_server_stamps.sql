-- A backup row's login and time are the server's (issue #45). They were written by the seat:
-- an operator could record backups in another seat's name with times in the future, and that
-- seat's own retention, keeping the newest few, then deleted its real files. Now the server
-- stamps every new row with the login that wrote it and its own clock, whatever the statement
-- says, and a seat's retention counts only the rows of its own login.
ALTER TABLE backups ADD COLUMN person TEXT DEFAULT session_user;

CREATE FUNCTION backups_stamp() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    NEW.person := session_user;
    NEW.created_at := to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"');
    RETURN NEW;
END;
$$;

CREATE TRIGGER backups_stamp BEFORE INSERT ON backups
    FOR EACH ROW EXECUTE FUNCTION backups_stamp();
