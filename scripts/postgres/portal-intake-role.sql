-- The login Fabrik's inbox uses in the portal's database (issue #42): it reads only the request
-- columns it needs and an organization's id (never an organization's other columns: a portal may
-- keep keys there), and updates only the columns Fabrik writes back (the Phase 2 plan's request
-- columns, provisioning_jobs where the portal has it, and the sprint document's instance columns
-- of the organization a request is linked to by id). Nothing else: no insert or delete of a
-- request or an organization, no other column (issue #55). Run it as the database's owner (Supabase's SQL
-- editor, or psql), then give the login a password of its own:
--   ALTER ROLE fabrik_intake PASSWORD '…';
-- and save it in Fabrik (Inkorg → Portalen, or `fabrik settings set portal.database_url
-- postgres://fabrik_intake@host:5432/postgres` with the password in the keyring). Safe to run
-- again: the rights are revoked and given anew.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'fabrik_intake') THEN
        CREATE ROLE fabrik_intake LOGIN NOINHERIT;
    END IF;
END
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM fabrik_intake;
GRANT USAGE ON SCHEMA public TO fabrik_intake;

GRANT SELECT (id, agency_name, admin_email, status, created_at)
    ON public.agency_onboarding_requests TO fabrik_intake;
GRANT SELECT (id) ON public.organizations TO fabrik_intake;
-- The organization a request belongs to, by id, where the portal's requests say it.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_attribute
                WHERE attrelid = 'public.agency_onboarding_requests'::regclass
                  AND attname = 'organization_id' AND attnum > 0 AND NOT attisdropped) THEN
        GRANT SELECT (organization_id) ON public.agency_onboarding_requests TO fabrik_intake;
    END IF;
END
$$;
GRANT UPDATE (status, instance_url, supabase_project_id, vercel_project_id, error_message,
              provisioning_started_at, provisioning_completed_at)
    ON public.agency_onboarding_requests TO fabrik_intake;
GRANT UPDATE (production_url, github_repo_url, supabase_project_ref)
    ON public.organizations TO fabrik_intake;

-- Row-level security (on in a Supabase project) would show this login no rows: it sees and
-- updates every request and organization, and the grants above limit it to its columns.
DROP POLICY IF EXISTS fabrik_intake_requests ON public.agency_onboarding_requests;
CREATE POLICY fabrik_intake_requests ON public.agency_onboarding_requests
    TO fabrik_intake USING (true) WITH CHECK (true);
DROP POLICY IF EXISTS fabrik_intake_organizations ON public.organizations;
CREATE POLICY fabrik_intake_organizations ON public.organizations
    TO fabrik_intake USING (true) WITH CHECK (true);

-- The optional provisioning_jobs: a row per request, made and kept by Fabrik.
DO $$
BEGIN
    IF to_regclass('public.provisioning_jobs') IS NOT NULL THEN
        GRANT SELECT (request_id) ON public.provisioning_jobs TO fabrik_intake;
        GRANT INSERT (request_id, status, current_step, error_message, updated_at),
              UPDATE (status, current_step, error_message, updated_at)
            ON public.provisioning_jobs TO fabrik_intake;
        DROP POLICY IF EXISTS fabrik_intake_jobs ON public.provisioning_jobs;
        CREATE POLICY fabrik_intake_jobs ON public.provisioning_jobs
            TO fabrik_intake USING (true) WITH CHECK (true);
    END IF;
END
$$;
