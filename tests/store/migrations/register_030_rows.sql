-- A register as version 30 left it, on either backend: one of each row whose words were CHECK
-- lists before 031 (the inbox, its sources, a job, a tick, an alert, an invitation).
INSERT INTO customers (id, slug, name, admin_email, plan, search_text, created_at, updated_at, uid)
    VALUES (1, 'kund-ab', 'Kund AB', 'a@kund.se', 'starter', 'kund ab', 'x', 'x', 'u-1');
INSERT INTO runs (id, customer_id, kind, state, environment, started_at)
    VALUES (7, 1, 'provision', 'succeeded', 'production', 'x');
INSERT INTO intake (id, source, external_id, name, admin_email, plan, detail, state, customer_id, run_id, received_at, decided_at, decided_by, organization_id, automatic)
    VALUES (3, 'stripe', 'sub_1', 'Kund AB', 'a@kund.se', 'professional', '{"price":"p"}', 'approved', 1, 7, '2026-01-01T00:00:00+00:00', '2026-01-01T00:01:00+00:00', 'anna', 'org-1', 1),
           (4, 'portal', 'req_1', 'Annan AB', 'b@annan.se', NULL, '{}', 'pending', NULL, NULL, '2026-01-02T00:00:00+00:00', NULL, NULL, NULL, 0);
UPDATE intake_sources SET cursor = 1700000000, polled_at = 'x', problem = 'p', auto = 1, plans = '{"p":"professional"}', trials = '["p"]', daily_limit = 5
    WHERE source = 'stripe';
INSERT INTO scheduled_jobs (job, lease_holder, lease_until, last_started_at, last_finished_at, last_seat, last_outcome, last_summary)
    VALUES ('health_sweep', NULL, NULL, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:05+00:00', 'seat-1', 'nothing', '{}');
INSERT INTO ticks (id, seat, person, started_at, finished_at, outcome, reason, report)
    VALUES (9, 'seat-1', 'anna', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:05+00:00', 'refused', 'keyring_locked', '{}');
INSERT INTO alerts (kind, subject, raised_at, raised_by, cleared_at)
    VALUES ('backup_stale', 'kund-ab', '2026-01-01T00:00:00+00:00', 'seat-1', NULL);
INSERT INTO team_invites (id, customer_id, environment, email, full_name, role, state, auth_user_id, sends, last_sent_at, created_at, created_by)
    VALUES (2, 1, 'production', 'c@kund.se', 'Cecilia', 'member', 'invited', 'auth-1', 2, 'x', 'x', 'anna');
