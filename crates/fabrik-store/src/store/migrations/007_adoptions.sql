-- Resources Fabrik refused to touch (same name, no marker for this customer), and the ones the
-- agency owner then adopted on purpose: typed confirmation in the window or `--adopt` in the CLI.
-- A row goes refused → allowed → adopted; the adopting run and the resource's id are kept, so
-- the ledger says who took what over, when, and through which run. Per environment, like runs.
CREATE TABLE adoptions (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    environment  TEXT NOT NULL CHECK (environment IN ('sandbox', 'production')),
    resource     TEXT NOT NULL,
    step         TEXT CHECK (step IN ('supabase.project', 'supabase.ready', 'supabase.keys',
        'supabase.schema', 'supabase.admin_user', 'github.repo', 'vercel.project', 'vercel.env',
        'vercel.deploy', 'n8n.workflow', 'email.welcome', 'finalize')),
    state        TEXT NOT NULL CHECK (state IN ('refused', 'allowed', 'adopted')),
    refused_at   TEXT,
    refused_run  INTEGER REFERENCES runs (id),
    allowed_at   TEXT,
    allowed_by   TEXT CHECK (allowed_by IN ('window', 'cli')),
    adopted_at   TEXT,
    adopted_run  INTEGER REFERENCES runs (id),
    external_id  TEXT,
    UNIQUE (customer_id, environment, resource)
) STRICT;
