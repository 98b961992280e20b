-- Outside input stays outside (issue #55). The portal is written by ids: a request keeps the
-- portal organization it is linked to by id (the portal request's own `organization_id`, a
-- Stripe checkout's `metadata.organization_id`, which only the agency sets), never one found by
-- a name someone typed. An approval a source made on its own is marked, so that the register
-- counts them against the source's limit a day (24 hours of the register's clock; 3 until the
-- owner says otherwise); `trials` are the prices whose free checkouts (a trial, a 100 % coupon)
-- the owner lets provision on their own.
ALTER TABLE intake ADD COLUMN organization_id TEXT;
ALTER TABLE intake ADD COLUMN automatic INTEGER NOT NULL DEFAULT 0 CHECK (automatic IN (0, 1));
CREATE INDEX intake_automatic ON intake (source, decided_at) WHERE automatic = 1;

ALTER TABLE intake_sources ADD COLUMN trials TEXT NOT NULL DEFAULT '[]';
ALTER TABLE intake_sources ADD COLUMN daily_limit INTEGER NOT NULL DEFAULT 3 CHECK (daily_limit >= 0);
