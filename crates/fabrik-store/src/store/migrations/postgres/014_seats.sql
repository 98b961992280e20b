-- Runs across seats (issue #14): which seat (user@host) started a run and which drives it now.
-- The same change as ../014_seats.sql.
ALTER TABLE runs ADD COLUMN started_by TEXT;
ALTER TABLE runs ADD COLUMN seat TEXT;
