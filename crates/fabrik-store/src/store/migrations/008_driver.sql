-- One driver per run: every claim (a new run, a resume, a takeover of a stale run) writes a
-- fresh token here, and every write the driver makes is fenced by it. A driver that was
-- frozen past its heartbeat and then thawed finds another token and writes nothing more.
ALTER TABLE runs ADD COLUMN driver TEXT;
