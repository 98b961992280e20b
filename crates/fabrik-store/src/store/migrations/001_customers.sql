-- The customer register. Timestamps are RFC 3339 in UTC.
CREATE TABLE customers (
    id                   INTEGER PRIMARY KEY,
    slug                 TEXT NOT NULL UNIQUE,
    name                 TEXT NOT NULL,
    admin_email          TEXT NOT NULL,
    contact_name         TEXT,
    plan                 TEXT NOT NULL CHECK (plan IN ('starter', 'professional', 'enterprise')),
    modules              TEXT NOT NULL DEFAULT '[]',
    status               TEXT NOT NULL CHECK (status IN ('pending', 'provisioning', 'active', 'failed', 'inactive')),
    notes                TEXT NOT NULL DEFAULT '',
    is_example           INTEGER NOT NULL DEFAULT 0,
    production_url       TEXT,
    github_repo_url      TEXT,
    supabase_project_ref TEXT,
    vercel_project_id    TEXT,
    n8n_workflow_id      TEXT,
    -- Lower-cased name, slug and email: SQLite's LIKE folds ASCII only, and names are Swedish.
    search_text          TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE INDEX customers_status ON customers (status);
CREATE INDEX customers_created_at ON customers (created_at);
CREATE INDEX customers_name ON customers (name COLLATE NOCASE);

-- Non-secret settings and preferences (never a token: those live in the OS keyring).
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
