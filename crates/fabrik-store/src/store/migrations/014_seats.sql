-- Runs across seats (issue #14): which seat (user@host) started a run and which drives it now.
-- A process id (owner_pid) means something only on its own host; another seat's run is taken
-- over only once its heartbeat has lapsed.
ALTER TABLE runs ADD COLUMN started_by TEXT;
ALTER TABLE runs ADD COLUMN seat TEXT;
