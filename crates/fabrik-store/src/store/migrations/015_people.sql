-- A login per person (issue #29): who started a run and who wrote a log line. On SQLite there
-- are no logins, so these stay empty; postgres/015_people.sql fills them from the session.
ALTER TABLE runs ADD COLUMN person TEXT;
ALTER TABLE run_log ADD COLUMN person TEXT;
