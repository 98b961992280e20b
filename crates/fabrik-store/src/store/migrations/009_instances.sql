-- What Fabrik knows of a customer's instance, and where it stands, per environment: a sandbox
-- run never writes production's card (or its status), nor the other way round. Until now the
-- card and the status lived on the customer; they move to the environment of the customer's
-- newest run (the sandbox when it has none), which is where they were written.
CREATE TABLE instances (
    customer_id          INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    environment          TEXT NOT NULL CHECK (environment IN ('sandbox', 'production')),
    status               TEXT NOT NULL CHECK (status IN ('pending', 'provisioning', 'active', 'failed', 'inactive')),
    production_url       TEXT,
    github_repo_url      TEXT,
    supabase_project_ref TEXT,
    vercel_project_id    TEXT,
    n8n_workflow_id      TEXT,
    updated_at           TEXT NOT NULL,
    PRIMARY KEY (customer_id, environment)
) STRICT;

INSERT INTO instances (customer_id, environment, status, production_url, github_repo_url,
                       supabase_project_ref, vercel_project_id, n8n_workflow_id, updated_at)
SELECT c.id,
       COALESCE((SELECT r.environment FROM runs r WHERE r.customer_id = c.id ORDER BY r.id DESC LIMIT 1), 'sandbox'),
       c.status, c.production_url, c.github_repo_url, c.supabase_project_ref, c.vercel_project_id,
       c.n8n_workflow_id, c.updated_at
FROM customers c;

CREATE INDEX instances_status ON instances (environment, status);

DROP INDEX customers_status;
ALTER TABLE customers DROP COLUMN status;
ALTER TABLE customers DROP COLUMN production_url;
ALTER TABLE customers DROP COLUMN github_repo_url;
ALTER TABLE customers DROP COLUMN supabase_project_ref;
ALTER TABLE customers DROP COLUMN vercel_project_id;
ALTER TABLE customers DROP COLUMN n8n_workflow_id;
