-- =============================================================================
-- Fabrik: default database template for a customer's Supabase project
-- =============================================================================
--
-- What this is
--   The schema of the agency's CRM / marketing product. Fabrik applies this
--   file to every new customer project through Supabase's SQL endpoint
--   (POST /v1/projects/{ref}/database/query), as ONE request containing the
--   whole script, right after the project has been created.
--
-- Replacing it
--   An agency can ship its own schema instead: set the Fabrik setting
--   `schema.template_path` to the path of its own .sql file (empty = this
--   bundled template). Whatever file is used, after applying it Fabrik checks
--   that every table the file declares exists in `public` and that EVERY table
--   in `public` has row-level security enabled; otherwise the run stops.
--   See schema/README.md.
--
-- Rules this file follows (keep them when editing)
--   * Idempotent: a resumed provisioning run may apply it again, so every
--     statement must succeed on a database that already has the schema and
--     must not duplicate anything (IF NOT EXISTS for tables and indexes,
--     OR REPLACE for functions, DROP ... IF EXISTS before policies/triggers).
--   * Exactly 21 tables in `public`, all with RLS enabled; helper functions
--     live in the `private` schema, which the Data API does not expose.
--   * Only constructs the Rust `sqlparser` crate (0.59, PostgreSqlDialect)
--     can parse, because Fabrik's offline simulator parses this file:
--     no DO blocks, no ALTER FUNCTION and no SECURITY DEFINER / SET clauses
--     in function definitions (see private.apply_function_attributes below
--     for how those are applied anyway), no COMMENT ON FUNCTION,
--     and no CREATE EXTENSION (gen_random_uuid() is core in PostgreSQL 13+).
--   * The literal two-word phrase that starts a table definition must only
--     appear in real table statements: Fabrik finds the expected tables by
--     searching the text for it (comments included).
--
-- Security model (row-level security)
--   * Every row of customer data carries organization_id. A signed-in user
--     (role `authenticated`, auth.uid() = their auth.users id) is a member of
--     the organization named in their public.users row, and policies only let
--     them see and change rows of that organization.
--   * private.user_organization_ids() (SECURITY DEFINER, empty search_path)
--     returns the current user's organization ids; policies use it as
--     `organization_id IN (SELECT private.user_organization_ids())`.
--   * service_role (used by the agency's server code) bypasses RLS.
--   * anon gets no table privileges at all (public unsubscribe links must go
--     through a server route / edge function using the service role).
-- =============================================================================

-- -----------------------------------------------------------------------------
-- Schema for helper functions (not exposed through the Data API)
-- -----------------------------------------------------------------------------
CREATE SCHEMA IF NOT EXISTS private;
REVOKE ALL ON SCHEMA private FROM anon;
GRANT USAGE ON SCHEMA private TO authenticated, service_role;

-- Keeps updated_at current on every UPDATE (attached to every table below).
CREATE OR REPLACE FUNCTION private.set_updated_at()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

-- -----------------------------------------------------------------------------
-- Tables
-- -----------------------------------------------------------------------------

-- organizations: A customer organization (tenant); every other row belongs to one.
CREATE TABLE IF NOT EXISTS public.organizations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL CHECK (length(trim(name)) > 0),
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$'),
    plan text NOT NULL DEFAULT 'starter' CHECK (plan IN ('trial', 'starter', 'growth', 'pro', 'enterprise')),
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('trialing', 'active', 'past_due', 'suspended', 'cancelled')),
    logo_url text,
    website text,
    timezone text NOT NULL DEFAULT 'UTC',
    locale text NOT NULL DEFAULT 'en',
    settings jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS organizations_status_idx ON public.organizations (status);
COMMENT ON TABLE public.organizations IS 'A customer organization (tenant); every other row belongs to one.';

-- users: Application profile of a Supabase Auth user and their organization membership.
CREATE TABLE IF NOT EXISTS public.users (
    id uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE,
    organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    email text NOT NULL,
    full_name text,
    avatar_url text,
    phone text,
    job_title text,
    role text NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('invited', 'active', 'disabled')),
    timezone text,
    notification_preferences jsonb NOT NULL DEFAULT '{}'::jsonb,
    last_seen_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS users_organization_id_idx ON public.users (organization_id, role);
CREATE INDEX IF NOT EXISTS users_email_idx ON public.users (lower(email));
COMMENT ON TABLE public.users IS 'Application profile of a Supabase Auth user and their organization membership.';

-- companies: Companies (accounts) in the CRM.
CREATE TABLE IF NOT EXISTS public.companies (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    owner_id uuid REFERENCES public.users (id) ON DELETE SET NULL,
    name text NOT NULL,
    domain text,
    industry text,
    size_range text CHECK (size_range IN ('1-10', '11-50', '51-200', '201-500', '501-1000', '1001+')),
    website text,
    phone text,
    address jsonb NOT NULL DEFAULT '{}'::jsonb,
    annual_revenue numeric(16, 2) CHECK (annual_revenue >= 0),
    tags text[] NOT NULL DEFAULT '{}',
    custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS companies_organization_id_idx ON public.companies (organization_id, created_at DESC);
CREATE INDEX IF NOT EXISTS companies_owner_id_idx ON public.companies (owner_id);
CREATE INDEX IF NOT EXISTS companies_org_name_idx ON public.companies (organization_id, lower(name));
CREATE INDEX IF NOT EXISTS companies_org_domain_idx ON public.companies (organization_id, lower(domain));
COMMENT ON TABLE public.companies IS 'Companies (accounts) in the CRM.';

-- contacts: People in the CRM (leads, customers, subscribers).
CREATE TABLE IF NOT EXISTS public.contacts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    company_id uuid REFERENCES public.companies (id) ON DELETE SET NULL,
    owner_id uuid REFERENCES public.users (id) ON DELETE SET NULL,
    first_name text,
    last_name text,
    email text,
    phone text,
    job_title text,
    lifecycle_stage text NOT NULL DEFAULT 'lead' CHECK (lifecycle_stage IN ('subscriber', 'lead', 'marketing_qualified', 'sales_qualified', 'opportunity', 'customer', 'evangelist', 'other')),
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'bounced', 'unsubscribed', 'archived')),
    source text,
    tags text[] NOT NULL DEFAULT '{}',
    custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb,
    last_contacted_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS contacts_organization_id_idx ON public.contacts (organization_id, created_at DESC);
CREATE INDEX IF NOT EXISTS contacts_company_id_idx ON public.contacts (company_id);
CREATE INDEX IF NOT EXISTS contacts_owner_id_idx ON public.contacts (owner_id);
CREATE INDEX IF NOT EXISTS contacts_org_email_idx ON public.contacts (organization_id, lower(email));
CREATE INDEX IF NOT EXISTS contacts_org_status_idx ON public.contacts (organization_id, status);
CREATE INDEX IF NOT EXISTS contacts_org_lifecycle_stage_idx ON public.contacts (organization_id, lifecycle_stage);
CREATE INDEX IF NOT EXISTS contacts_tags_idx ON public.contacts USING gin (tags);
COMMENT ON TABLE public.contacts IS 'People in the CRM (leads, customers, subscribers).';

-- deals: Sales opportunities in the pipeline.
CREATE TABLE IF NOT EXISTS public.deals (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    company_id uuid REFERENCES public.companies (id) ON DELETE SET NULL,
    contact_id uuid REFERENCES public.contacts (id) ON DELETE SET NULL,
    owner_id uuid REFERENCES public.users (id) ON DELETE SET NULL,
    name text NOT NULL,
    stage text NOT NULL DEFAULT 'lead' CHECK (stage IN ('lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost')),
    amount numeric(14, 2) CHECK (amount >= 0),
    currency char(3) NOT NULL DEFAULT 'USD',
    probability integer CHECK (probability BETWEEN 0 AND 100),
    expected_close_date date,
    closed_at timestamptz,
    lost_reason text,
    custom_fields jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS deals_organization_id_idx ON public.deals (organization_id, stage);
CREATE INDEX IF NOT EXISTS deals_company_id_idx ON public.deals (company_id);
CREATE INDEX IF NOT EXISTS deals_contact_id_idx ON public.deals (contact_id);
CREATE INDEX IF NOT EXISTS deals_owner_id_idx ON public.deals (owner_id);
CREATE INDEX IF NOT EXISTS deals_org_expected_close_idx ON public.deals (organization_id, expected_close_date);
COMMENT ON TABLE public.deals IS 'Sales opportunities in the pipeline.';

-- activities: Timeline of notes, calls, emails, meetings and tasks.
CREATE TABLE IF NOT EXISTS public.activities (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    user_id uuid REFERENCES public.users (id) ON DELETE SET NULL,
    contact_id uuid REFERENCES public.contacts (id) ON DELETE CASCADE,
    company_id uuid REFERENCES public.companies (id) ON DELETE CASCADE,
    deal_id uuid REFERENCES public.deals (id) ON DELETE CASCADE,
    type text NOT NULL CHECK (type IN ('note', 'call', 'email', 'meeting', 'task', 'sms')),
    status text NOT NULL DEFAULT 'done' CHECK (status IN ('open', 'done', 'cancelled')),
    subject text,
    body text,
    due_at timestamptz,
    completed_at timestamptz,
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS activities_organization_id_idx ON public.activities (organization_id, created_at DESC);
CREATE INDEX IF NOT EXISTS activities_user_id_idx ON public.activities (user_id);
CREATE INDEX IF NOT EXISTS activities_contact_id_idx ON public.activities (contact_id);
CREATE INDEX IF NOT EXISTS activities_company_id_idx ON public.activities (company_id);
CREATE INDEX IF NOT EXISTS activities_deal_id_idx ON public.activities (deal_id);
CREATE INDEX IF NOT EXISTS activities_open_tasks_idx ON public.activities (organization_id, due_at) WHERE status = 'open';
COMMENT ON TABLE public.activities IS 'Timeline of notes, calls, emails, meetings and tasks.';

-- email_templates: Reusable email designs (subject + body with merge variables).
CREATE TABLE IF NOT EXISTS public.email_templates (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    created_by uuid REFERENCES public.users (id) ON DELETE SET NULL,
    name text NOT NULL,
    subject text NOT NULL DEFAULT '',
    body_html text NOT NULL DEFAULT '',
    body_text text,
    category text,
    variables jsonb NOT NULL DEFAULT '[]'::jsonb,
    is_archived boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS email_templates_organization_id_idx ON public.email_templates (organization_id, is_archived);
CREATE INDEX IF NOT EXISTS email_templates_created_by_idx ON public.email_templates (created_by);
COMMENT ON TABLE public.email_templates IS 'Reusable email designs (subject + body with merge variables).';

-- email_campaigns: One-off email campaigns sent to an audience.
CREATE TABLE IF NOT EXISTS public.email_campaigns (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    template_id uuid REFERENCES public.email_templates (id) ON DELETE SET NULL,
    created_by uuid REFERENCES public.users (id) ON DELETE SET NULL,
    name text NOT NULL,
    subject text NOT NULL DEFAULT '',
    from_name text,
    from_email text,
    reply_to text,
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'scheduled', 'sending', 'sent', 'paused', 'cancelled', 'failed')),
    audience_filter jsonb NOT NULL DEFAULT '{}'::jsonb,
    scheduled_at timestamptz,
    sent_at timestamptz,
    stats jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS email_campaigns_organization_id_idx ON public.email_campaigns (organization_id, status);
CREATE INDEX IF NOT EXISTS email_campaigns_template_id_idx ON public.email_campaigns (template_id);
CREATE INDEX IF NOT EXISTS email_campaigns_created_by_idx ON public.email_campaigns (created_by);
CREATE INDEX IF NOT EXISTS email_campaigns_scheduled_at_idx ON public.email_campaigns (scheduled_at) WHERE status = 'scheduled';
COMMENT ON TABLE public.email_campaigns IS 'One-off email campaigns sent to an audience.';

-- email_sequences: Automated drip sequences (ordered steps with delays).
CREATE TABLE IF NOT EXISTS public.email_sequences (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    created_by uuid REFERENCES public.users (id) ON DELETE SET NULL,
    name text NOT NULL,
    description text,
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'paused', 'archived')),
    trigger_event text,
    steps jsonb NOT NULL DEFAULT '[]'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS email_sequences_organization_id_idx ON public.email_sequences (organization_id, status);
CREATE INDEX IF NOT EXISTS email_sequences_created_by_idx ON public.email_sequences (created_by);
COMMENT ON TABLE public.email_sequences IS 'Automated drip sequences (ordered steps with delays).';

-- email_sends: Every individual email sent (campaign, sequence or transactional) and its delivery state.
CREATE TABLE IF NOT EXISTS public.email_sends (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    campaign_id uuid REFERENCES public.email_campaigns (id) ON DELETE SET NULL,
    sequence_id uuid REFERENCES public.email_sequences (id) ON DELETE SET NULL,
    template_id uuid REFERENCES public.email_templates (id) ON DELETE SET NULL,
    contact_id uuid REFERENCES public.contacts (id) ON DELETE SET NULL,
    to_email text NOT NULL,
    subject text,
    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'delivered', 'opened', 'clicked', 'bounced', 'complained', 'failed', 'suppressed')),
    provider_message_id text,
    sequence_step integer CHECK (sequence_step >= 0),
    sent_at timestamptz,
    delivered_at timestamptz,
    opened_at timestamptz,
    clicked_at timestamptz,
    bounced_at timestamptz,
    error text,
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS email_sends_organization_id_idx ON public.email_sends (organization_id, created_at DESC);
CREATE INDEX IF NOT EXISTS email_sends_campaign_id_idx ON public.email_sends (campaign_id);
CREATE INDEX IF NOT EXISTS email_sends_sequence_id_idx ON public.email_sends (sequence_id);
CREATE INDEX IF NOT EXISTS email_sends_template_id_idx ON public.email_sends (template_id);
CREATE INDEX IF NOT EXISTS email_sends_contact_id_idx ON public.email_sends (contact_id);
CREATE INDEX IF NOT EXISTS email_sends_org_status_idx ON public.email_sends (organization_id, status);
CREATE INDEX IF NOT EXISTS email_sends_provider_message_id_idx ON public.email_sends (provider_message_id);
COMMENT ON TABLE public.email_sends IS 'Every individual email sent (campaign, sequence or transactional) and its delivery state.';

-- email_unsubscribes: Suppression list: addresses that must not receive marketing email.
CREATE TABLE IF NOT EXISTS public.email_unsubscribes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    contact_id uuid REFERENCES public.contacts (id) ON DELETE SET NULL,
    campaign_id uuid REFERENCES public.email_campaigns (id) ON DELETE SET NULL,
    email text NOT NULL,
    source text NOT NULL DEFAULT 'link' CHECK (source IN ('link', 'manual', 'complaint', 'bounce', 'import', 'api')),
    reason text,
    unsubscribed_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS email_unsubscribes_org_email_key ON public.email_unsubscribes (organization_id, lower(email));
CREATE INDEX IF NOT EXISTS email_unsubscribes_contact_id_idx ON public.email_unsubscribes (contact_id);
CREATE INDEX IF NOT EXISTS email_unsubscribes_campaign_id_idx ON public.email_unsubscribes (campaign_id);
COMMENT ON TABLE public.email_unsubscribes IS 'Suppression list: addresses that must not receive marketing email.';

-- social_accounts: Connected social media accounts (tokens are kept in Supabase Vault, referenced by id).
CREATE TABLE IF NOT EXISTS public.social_accounts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    connected_by uuid REFERENCES public.users (id) ON DELETE SET NULL,
    platform text NOT NULL CHECK (platform IN ('facebook', 'instagram', 'linkedin', 'twitter', 'tiktok', 'youtube', 'pinterest', 'threads', 'google_business')),
    account_name text NOT NULL,
    external_account_id text NOT NULL,
    status text NOT NULL DEFAULT 'connected' CHECK (status IN ('connected', 'expired', 'revoked', 'error')),
    token_secret_id uuid,
    token_expires_at timestamptz,
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT social_accounts_org_platform_account_key UNIQUE (organization_id, platform, external_account_id)
);
CREATE INDEX IF NOT EXISTS social_accounts_connected_by_idx ON public.social_accounts (connected_by);
COMMENT ON TABLE public.social_accounts IS 'Connected social media accounts (tokens are kept in Supabase Vault, referenced by id).';

-- social_posts: Posts scheduled or published to a social account.
CREATE TABLE IF NOT EXISTS public.social_posts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    social_account_id uuid REFERENCES public.social_accounts (id) ON DELETE CASCADE,
    created_by uuid REFERENCES public.users (id) ON DELETE SET NULL,
    content text NOT NULL DEFAULT '',
    media_urls text[] NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'scheduled', 'publishing', 'published', 'failed', 'cancelled')),
    scheduled_at timestamptz,
    published_at timestamptz,
    external_post_id text,
    metrics jsonb NOT NULL DEFAULT '{}'::jsonb,
    error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS social_posts_organization_id_idx ON public.social_posts (organization_id, status);
CREATE INDEX IF NOT EXISTS social_posts_social_account_id_idx ON public.social_posts (social_account_id);
CREATE INDEX IF NOT EXISTS social_posts_created_by_idx ON public.social_posts (created_by);
CREATE INDEX IF NOT EXISTS social_posts_scheduled_at_idx ON public.social_posts (scheduled_at) WHERE status = 'scheduled';
COMMENT ON TABLE public.social_posts IS 'Posts scheduled or published to a social account.';

-- content_templates: Reusable content blueprints (social, blog, ads, SMS, email snippets).
CREATE TABLE IF NOT EXISTS public.content_templates (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    created_by uuid REFERENCES public.users (id) ON DELETE SET NULL,
    name text NOT NULL,
    channel text NOT NULL CHECK (channel IN ('social', 'blog', 'email', 'sms', 'ad', 'other')),
    body text NOT NULL DEFAULT '',
    variables jsonb NOT NULL DEFAULT '[]'::jsonb,
    is_archived boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS content_templates_organization_id_idx ON public.content_templates (organization_id, channel);
CREATE INDEX IF NOT EXISTS content_templates_created_by_idx ON public.content_templates (created_by);
COMMENT ON TABLE public.content_templates IS 'Reusable content blueprints (social, blog, ads, SMS, email snippets).';

-- content_queue: Editorial pipeline: content ideas and drafts on their way to publication.
CREATE TABLE IF NOT EXISTS public.content_queue (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    content_template_id uuid REFERENCES public.content_templates (id) ON DELETE SET NULL,
    social_account_id uuid REFERENCES public.social_accounts (id) ON DELETE SET NULL,
    social_post_id uuid REFERENCES public.social_posts (id) ON DELETE SET NULL,
    assigned_to uuid REFERENCES public.users (id) ON DELETE SET NULL,
    created_by uuid REFERENCES public.users (id) ON DELETE SET NULL,
    channel text NOT NULL DEFAULT 'social' CHECK (channel IN ('social', 'blog', 'email', 'sms', 'ad', 'other')),
    title text NOT NULL DEFAULT '',
    body text NOT NULL DEFAULT '',
    status text NOT NULL DEFAULT 'idea' CHECK (status IN ('idea', 'draft', 'in_review', 'approved', 'scheduled', 'published', 'rejected')),
    priority integer NOT NULL DEFAULT 0,
    scheduled_for timestamptz,
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS content_queue_organization_id_idx ON public.content_queue (organization_id, status, priority DESC);
CREATE INDEX IF NOT EXISTS content_queue_content_template_id_idx ON public.content_queue (content_template_id);
CREATE INDEX IF NOT EXISTS content_queue_social_account_id_idx ON public.content_queue (social_account_id);
CREATE INDEX IF NOT EXISTS content_queue_social_post_id_idx ON public.content_queue (social_post_id);
CREATE INDEX IF NOT EXISTS content_queue_assigned_to_idx ON public.content_queue (assigned_to);
CREATE INDEX IF NOT EXISTS content_queue_created_by_idx ON public.content_queue (created_by);
CREATE INDEX IF NOT EXISTS content_queue_scheduled_for_idx ON public.content_queue (organization_id, scheduled_for);
COMMENT ON TABLE public.content_queue IS 'Editorial pipeline: content ideas and drafts on their way to publication.';

-- client_usage_metrics: Usage counters per organization and billing period (written by the agency).
CREATE TABLE IF NOT EXISTS public.client_usage_metrics (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    metric text NOT NULL CHECK (metric IN ('contacts', 'emails_sent', 'social_posts', 'seats', 'storage_bytes', 'api_calls', 'ai_credits')),
    period_start date NOT NULL,
    period_end date NOT NULL,
    quantity bigint NOT NULL DEFAULT 0 CHECK (quantity >= 0),
    quota bigint CHECK (quota >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT client_usage_metrics_period_check CHECK (period_end >= period_start),
    CONSTRAINT client_usage_metrics_org_metric_period_key UNIQUE (organization_id, metric, period_start)
);
COMMENT ON TABLE public.client_usage_metrics IS 'Usage counters per organization and billing period (written by the agency).';

-- subscription_history: Subscription and billing events per organization (written by the agency).
CREATE TABLE IF NOT EXISTS public.subscription_history (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    event text NOT NULL CHECK (event IN ('created', 'upgraded', 'downgraded', 'renewed', 'cancelled', 'reactivated', 'payment_failed', 'trial_started', 'trial_ended')),
    plan text NOT NULL,
    previous_plan text,
    status text NOT NULL CHECK (status IN ('trialing', 'active', 'past_due', 'paused', 'cancelled')),
    billing_interval text CHECK (billing_interval IN ('month', 'year')),
    amount numeric(12, 2) CHECK (amount >= 0),
    currency char(3) NOT NULL DEFAULT 'USD',
    external_subscription_id text,
    period_start timestamptz,
    period_end timestamptz,
    effective_at timestamptz NOT NULL DEFAULT now(),
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS subscription_history_organization_id_idx ON public.subscription_history (organization_id, effective_at DESC);
CREATE INDEX IF NOT EXISTS subscription_history_external_subscription_id_idx ON public.subscription_history (external_subscription_id);
COMMENT ON TABLE public.subscription_history IS 'Subscription and billing events per organization (written by the agency).';

-- analytics_snapshots: Pre-aggregated KPIs per organization and period, for dashboards.
CREATE TABLE IF NOT EXISTS public.analytics_snapshots (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    period text NOT NULL DEFAULT 'day' CHECK (period IN ('day', 'week', 'month')),
    snapshot_date date NOT NULL,
    metrics jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT analytics_snapshots_org_period_date_key UNIQUE (organization_id, period, snapshot_date)
);
COMMENT ON TABLE public.analytics_snapshots IS 'Pre-aggregated KPIs per organization and period, for dashboards.';

-- platform_metrics: Agency-wide metrics across all organizations; service role only.
CREATE TABLE IF NOT EXISTS public.platform_metrics (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    metric text NOT NULL,
    value numeric NOT NULL DEFAULT 0,
    dimensions jsonb NOT NULL DEFAULT '{}'::jsonb,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS platform_metrics_metric_recorded_at_idx ON public.platform_metrics (metric, recorded_at DESC);
COMMENT ON TABLE public.platform_metrics IS 'Agency-wide metrics across all organizations; service role only.';

-- notifications: In-app notifications for one user (user_id) or the whole organization (user_id null).
CREATE TABLE IF NOT EXISTS public.notifications (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    user_id uuid REFERENCES public.users (id) ON DELETE CASCADE,
    type text NOT NULL DEFAULT 'info' CHECK (type IN ('info', 'success', 'warning', 'error', 'mention', 'task', 'system')),
    title text NOT NULL,
    body text,
    link text,
    read_at timestamptz,
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS notifications_organization_id_idx ON public.notifications (organization_id, created_at DESC);
CREATE INDEX IF NOT EXISTS notifications_user_id_idx ON public.notifications (user_id, created_at DESC);
CREATE INDEX IF NOT EXISTS notifications_user_unread_idx ON public.notifications (user_id) WHERE read_at IS NULL;
COMMENT ON TABLE public.notifications IS 'In-app notifications for one user (user_id) or the whole organization (user_id null).';

-- audit_log: Append-only record of who did what; members may add and read, never change.
CREATE TABLE IF NOT EXISTS public.audit_log (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    actor_id uuid REFERENCES public.users (id) ON DELETE SET NULL,
    action text NOT NULL,
    entity_type text,
    entity_id uuid,
    changes jsonb NOT NULL DEFAULT '{}'::jsonb,
    ip_address inet,
    user_agent text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS audit_log_organization_id_idx ON public.audit_log (organization_id, created_at DESC);
CREATE INDEX IF NOT EXISTS audit_log_actor_id_idx ON public.audit_log (actor_id);
CREATE INDEX IF NOT EXISTS audit_log_entity_idx ON public.audit_log (organization_id, entity_type, entity_id);
COMMENT ON TABLE public.audit_log IS 'Append-only record of who did what; members may add and read, never change.';

-- -----------------------------------------------------------------------------
-- Membership helpers used by the policies
-- -----------------------------------------------------------------------------
-- They read public.users, which itself has RLS; they must therefore run as
-- their owner (SECURITY DEFINER) or the users policy would recurse. sqlparser
-- cannot parse SECURITY DEFINER / SET search_path inside a function definition
-- (nor ALTER FUNCTION or DO), so the functions are created plainly and
-- private.apply_function_attributes() applies those attributes with
-- ALTER FUNCTION from inside a PL/pgSQL body (which sqlparser treats as an
-- opaque string). It runs on every application of this file, because
-- OR REPLACE resets the attributes.

-- Organization ids the signed-in user belongs to (empty for anon / no profile).
CREATE OR REPLACE FUNCTION private.user_organization_ids()
RETURNS TABLE (organization_id uuid)
LANGUAGE sql
STABLE
AS $$
  SELECT u.organization_id
  FROM public.users AS u
  WHERE u.id = auth.uid()
    AND u.status <> 'disabled'
$$;

-- Organization ids in which the signed-in user is an owner or admin.
CREATE OR REPLACE FUNCTION private.user_admin_organization_ids()
RETURNS TABLE (organization_id uuid)
LANGUAGE sql
STABLE
AS $$
  SELECT u.organization_id
  FROM public.users AS u
  WHERE u.id = auth.uid()
    AND u.status <> 'disabled'
    AND u.role IN ('owner', 'admin')
$$;

CREATE OR REPLACE FUNCTION private.apply_function_attributes()
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  ALTER FUNCTION private.user_organization_ids() SECURITY DEFINER SET search_path = '';
  ALTER FUNCTION private.user_admin_organization_ids() SECURITY DEFINER SET search_path = '';
  ALTER FUNCTION private.set_updated_at() SET search_path = '';
END;
$$;

SELECT private.apply_function_attributes();

DROP FUNCTION IF EXISTS private.apply_function_attributes();

REVOKE EXECUTE ON FUNCTION private.user_organization_ids() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION private.user_organization_ids() FROM anon;
GRANT EXECUTE ON FUNCTION private.user_organization_ids() TO authenticated, service_role;
REVOKE EXECUTE ON FUNCTION private.user_admin_organization_ids() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION private.user_admin_organization_ids() FROM anon;
GRANT EXECUTE ON FUNCTION private.user_admin_organization_ids() TO authenticated, service_role;
REVOKE EXECUTE ON FUNCTION private.set_updated_at() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION private.set_updated_at() FROM anon;

-- -----------------------------------------------------------------------------
-- updated_at triggers
-- -----------------------------------------------------------------------------
DROP TRIGGER IF EXISTS set_updated_at ON public.organizations;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.organizations FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
DROP TRIGGER IF EXISTS set_updated_at ON public.users;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
DROP TRIGGER IF EXISTS set_updated_at ON public.companies;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.companies FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
DROP TRIGGER IF EXISTS set_updated_at ON public.contacts;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.contacts FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
DROP TRIGGER IF EXISTS set_updated_at ON public.deals;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.deals FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
DROP TRIGGER IF EXISTS set_updated_at ON public.activities;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.activities FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
DROP TRIGGER IF EXISTS set_updated_at ON public.email_templates;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.email_templates FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
DROP TRIGGER IF EXISTS set_updated_at ON public.email_campaigns;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.email_campaigns FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
DROP TRIGGER IF EXISTS set_updated_at ON public.email_sequences;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.email_sequences FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
DROP TRIGGER IF EXISTS set_updated_at ON public.email_sends;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.email_sends FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
DROP TRIGGER IF EXISTS set_updated_at ON public.email_unsubscribes;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.email_unsubscribes FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
DROP TRIGGER IF EXISTS set_updated_at ON public.social_accounts;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.social_accounts FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
DROP TRIGGER IF EXISTS set_updated_at ON public.social_posts;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.social_posts FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
DROP TRIGGER IF EXISTS set_updated_at ON public.content_templates;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.content_templates FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
DROP TRIGGER IF EXISTS set_updated_at ON public.content_queue;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.content_queue FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
DROP TRIGGER IF EXISTS set_updated_at ON public.client_usage_metrics;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.client_usage_metrics FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
DROP TRIGGER IF EXISTS set_updated_at ON public.subscription_history;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.subscription_history FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
DROP TRIGGER IF EXISTS set_updated_at ON public.analytics_snapshots;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.analytics_snapshots FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
DROP TRIGGER IF EXISTS set_updated_at ON public.platform_metrics;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.platform_metrics FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
DROP TRIGGER IF EXISTS set_updated_at ON public.notifications;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.notifications FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();
DROP TRIGGER IF EXISTS set_updated_at ON public.audit_log;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON public.audit_log FOR EACH ROW EXECUTE FUNCTION private.set_updated_at();

-- -----------------------------------------------------------------------------
-- Row-level security: enabled on every table (one statement per table)
-- -----------------------------------------------------------------------------
ALTER TABLE public.organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.companies ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.deals ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.activities ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.email_templates ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.email_campaigns ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.email_sequences ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.email_sends ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.email_unsubscribes ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.social_accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.social_posts ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.content_templates ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.content_queue ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.client_usage_metrics ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.subscription_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.analytics_snapshots ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.platform_metrics ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.audit_log ENABLE ROW LEVEL SECURITY;

-- -----------------------------------------------------------------------------
-- Privileges
-- -----------------------------------------------------------------------------
-- Supabase's default privileges grant ALL on new public tables to anon and
-- authenticated; reset that, then grant exactly what the policies allow.
-- TRUNCATE, REFERENCES and TRIGGER are never granted to API roles (TRUNCATE
-- ignores RLS). service_role (server-side only) gets everything.
REVOKE ALL ON TABLE
    public.organizations,
    public.users,
    public.companies,
    public.contacts,
    public.deals,
    public.activities,
    public.email_templates,
    public.email_campaigns,
    public.email_sequences,
    public.email_sends,
    public.email_unsubscribes,
    public.social_accounts,
    public.social_posts,
    public.content_templates,
    public.content_queue,
    public.client_usage_metrics,
    public.subscription_history,
    public.analytics_snapshots,
    public.platform_metrics,
    public.notifications,
    public.audit_log
FROM anon, authenticated;

GRANT ALL ON TABLE
    public.organizations,
    public.users,
    public.companies,
    public.contacts,
    public.deals,
    public.activities,
    public.email_templates,
    public.email_campaigns,
    public.email_sequences,
    public.email_sends,
    public.email_unsubscribes,
    public.social_accounts,
    public.social_posts,
    public.content_templates,
    public.content_queue,
    public.client_usage_metrics,
    public.subscription_history,
    public.analytics_snapshots,
    public.platform_metrics,
    public.notifications,
    public.audit_log
TO service_role;

-- Customer data: members read and write rows of their organization.
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE
    public.companies,
    public.contacts,
    public.deals,
    public.activities,
    public.email_templates,
    public.email_campaigns,
    public.email_sequences,
    public.email_sends,
    public.email_unsubscribes,
    public.social_accounts,
    public.social_posts,
    public.content_templates,
    public.content_queue,
    public.notifications
TO authenticated;

-- Written by the agency (service role); members may read their organization's rows.
GRANT SELECT ON TABLE
    public.client_usage_metrics,
    public.subscription_history,
    public.analytics_snapshots
TO authenticated;

-- Organizations: members read; owners/admins may edit the descriptive columns
-- (plan and status are billing data, changed by the agency only).
GRANT SELECT ON TABLE public.organizations TO authenticated;
GRANT UPDATE (name, logo_url, website, timezone, locale, settings) ON TABLE public.organizations TO authenticated;

-- Users: members read their colleagues; everyone edits only their own profile
-- columns (role, status, email and organization are managed server-side).
GRANT SELECT ON TABLE public.users TO authenticated;
GRANT UPDATE (full_name, avatar_url, phone, job_title, timezone, notification_preferences, last_seen_at) ON TABLE public.users TO authenticated;

-- Audit log: append and read only.
GRANT SELECT, INSERT ON TABLE public.audit_log TO authenticated;

-- platform_metrics: nothing for anon/authenticated (service role only).

-- -----------------------------------------------------------------------------
-- Policies (all for role authenticated; anon has no policies and no privileges)
-- -----------------------------------------------------------------------------

-- organizations: visible to members; editable by owners/admins.
DROP POLICY IF EXISTS organizations_select_member ON public.organizations;
CREATE POLICY organizations_select_member ON public.organizations FOR SELECT TO authenticated
    USING (id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS organizations_update_admin ON public.organizations;
CREATE POLICY organizations_update_admin ON public.organizations FOR UPDATE TO authenticated
    USING (id IN (SELECT private.user_admin_organization_ids()))
    WITH CHECK (id IN (SELECT private.user_admin_organization_ids()));

-- users: colleagues in the same organization are visible; only your own row is editable.
DROP POLICY IF EXISTS users_select_same_org ON public.users;
CREATE POLICY users_select_same_org ON public.users FOR SELECT TO authenticated
    USING (id = (SELECT auth.uid()) OR organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS users_update_self ON public.users;
CREATE POLICY users_update_self ON public.users FOR UPDATE TO authenticated
    USING (id = (SELECT auth.uid()))
    WITH CHECK (id = (SELECT auth.uid()) AND organization_id IN (SELECT private.user_organization_ids()));

-- companies: full access to rows of the member's organization.
DROP POLICY IF EXISTS companies_select_member ON public.companies;
CREATE POLICY companies_select_member ON public.companies FOR SELECT TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS companies_insert_member ON public.companies;
CREATE POLICY companies_insert_member ON public.companies FOR INSERT TO authenticated
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS companies_update_member ON public.companies;
CREATE POLICY companies_update_member ON public.companies FOR UPDATE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()))
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS companies_delete_member ON public.companies;
CREATE POLICY companies_delete_member ON public.companies FOR DELETE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));

-- contacts: full access to rows of the member's organization.
DROP POLICY IF EXISTS contacts_select_member ON public.contacts;
CREATE POLICY contacts_select_member ON public.contacts FOR SELECT TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS contacts_insert_member ON public.contacts;
CREATE POLICY contacts_insert_member ON public.contacts FOR INSERT TO authenticated
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS contacts_update_member ON public.contacts;
CREATE POLICY contacts_update_member ON public.contacts FOR UPDATE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()))
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS contacts_delete_member ON public.contacts;
CREATE POLICY contacts_delete_member ON public.contacts FOR DELETE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));

-- deals: full access to rows of the member's organization.
DROP POLICY IF EXISTS deals_select_member ON public.deals;
CREATE POLICY deals_select_member ON public.deals FOR SELECT TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS deals_insert_member ON public.deals;
CREATE POLICY deals_insert_member ON public.deals FOR INSERT TO authenticated
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS deals_update_member ON public.deals;
CREATE POLICY deals_update_member ON public.deals FOR UPDATE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()))
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS deals_delete_member ON public.deals;
CREATE POLICY deals_delete_member ON public.deals FOR DELETE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));

-- activities: full access to rows of the member's organization.
DROP POLICY IF EXISTS activities_select_member ON public.activities;
CREATE POLICY activities_select_member ON public.activities FOR SELECT TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS activities_insert_member ON public.activities;
CREATE POLICY activities_insert_member ON public.activities FOR INSERT TO authenticated
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS activities_update_member ON public.activities;
CREATE POLICY activities_update_member ON public.activities FOR UPDATE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()))
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS activities_delete_member ON public.activities;
CREATE POLICY activities_delete_member ON public.activities FOR DELETE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));

-- email_templates: full access to rows of the member's organization.
DROP POLICY IF EXISTS email_templates_select_member ON public.email_templates;
CREATE POLICY email_templates_select_member ON public.email_templates FOR SELECT TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS email_templates_insert_member ON public.email_templates;
CREATE POLICY email_templates_insert_member ON public.email_templates FOR INSERT TO authenticated
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS email_templates_update_member ON public.email_templates;
CREATE POLICY email_templates_update_member ON public.email_templates FOR UPDATE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()))
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS email_templates_delete_member ON public.email_templates;
CREATE POLICY email_templates_delete_member ON public.email_templates FOR DELETE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));

-- email_campaigns: full access to rows of the member's organization.
DROP POLICY IF EXISTS email_campaigns_select_member ON public.email_campaigns;
CREATE POLICY email_campaigns_select_member ON public.email_campaigns FOR SELECT TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS email_campaigns_insert_member ON public.email_campaigns;
CREATE POLICY email_campaigns_insert_member ON public.email_campaigns FOR INSERT TO authenticated
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS email_campaigns_update_member ON public.email_campaigns;
CREATE POLICY email_campaigns_update_member ON public.email_campaigns FOR UPDATE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()))
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS email_campaigns_delete_member ON public.email_campaigns;
CREATE POLICY email_campaigns_delete_member ON public.email_campaigns FOR DELETE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));

-- email_sequences: full access to rows of the member's organization.
DROP POLICY IF EXISTS email_sequences_select_member ON public.email_sequences;
CREATE POLICY email_sequences_select_member ON public.email_sequences FOR SELECT TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS email_sequences_insert_member ON public.email_sequences;
CREATE POLICY email_sequences_insert_member ON public.email_sequences FOR INSERT TO authenticated
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS email_sequences_update_member ON public.email_sequences;
CREATE POLICY email_sequences_update_member ON public.email_sequences FOR UPDATE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()))
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS email_sequences_delete_member ON public.email_sequences;
CREATE POLICY email_sequences_delete_member ON public.email_sequences FOR DELETE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));

-- email_sends: full access to rows of the member's organization.
DROP POLICY IF EXISTS email_sends_select_member ON public.email_sends;
CREATE POLICY email_sends_select_member ON public.email_sends FOR SELECT TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS email_sends_insert_member ON public.email_sends;
CREATE POLICY email_sends_insert_member ON public.email_sends FOR INSERT TO authenticated
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS email_sends_update_member ON public.email_sends;
CREATE POLICY email_sends_update_member ON public.email_sends FOR UPDATE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()))
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS email_sends_delete_member ON public.email_sends;
CREATE POLICY email_sends_delete_member ON public.email_sends FOR DELETE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));

-- email_unsubscribes: full access to rows of the member's organization.
DROP POLICY IF EXISTS email_unsubscribes_select_member ON public.email_unsubscribes;
CREATE POLICY email_unsubscribes_select_member ON public.email_unsubscribes FOR SELECT TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS email_unsubscribes_insert_member ON public.email_unsubscribes;
CREATE POLICY email_unsubscribes_insert_member ON public.email_unsubscribes FOR INSERT TO authenticated
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS email_unsubscribes_update_member ON public.email_unsubscribes;
CREATE POLICY email_unsubscribes_update_member ON public.email_unsubscribes FOR UPDATE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()))
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS email_unsubscribes_delete_member ON public.email_unsubscribes;
CREATE POLICY email_unsubscribes_delete_member ON public.email_unsubscribes FOR DELETE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));

-- social_accounts: full access to rows of the member's organization.
DROP POLICY IF EXISTS social_accounts_select_member ON public.social_accounts;
CREATE POLICY social_accounts_select_member ON public.social_accounts FOR SELECT TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS social_accounts_insert_member ON public.social_accounts;
CREATE POLICY social_accounts_insert_member ON public.social_accounts FOR INSERT TO authenticated
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS social_accounts_update_member ON public.social_accounts;
CREATE POLICY social_accounts_update_member ON public.social_accounts FOR UPDATE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()))
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS social_accounts_delete_member ON public.social_accounts;
CREATE POLICY social_accounts_delete_member ON public.social_accounts FOR DELETE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));

-- social_posts: full access to rows of the member's organization.
DROP POLICY IF EXISTS social_posts_select_member ON public.social_posts;
CREATE POLICY social_posts_select_member ON public.social_posts FOR SELECT TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS social_posts_insert_member ON public.social_posts;
CREATE POLICY social_posts_insert_member ON public.social_posts FOR INSERT TO authenticated
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS social_posts_update_member ON public.social_posts;
CREATE POLICY social_posts_update_member ON public.social_posts FOR UPDATE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()))
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS social_posts_delete_member ON public.social_posts;
CREATE POLICY social_posts_delete_member ON public.social_posts FOR DELETE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));

-- content_templates: full access to rows of the member's organization.
DROP POLICY IF EXISTS content_templates_select_member ON public.content_templates;
CREATE POLICY content_templates_select_member ON public.content_templates FOR SELECT TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS content_templates_insert_member ON public.content_templates;
CREATE POLICY content_templates_insert_member ON public.content_templates FOR INSERT TO authenticated
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS content_templates_update_member ON public.content_templates;
CREATE POLICY content_templates_update_member ON public.content_templates FOR UPDATE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()))
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS content_templates_delete_member ON public.content_templates;
CREATE POLICY content_templates_delete_member ON public.content_templates FOR DELETE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));

-- content_queue: full access to rows of the member's organization.
DROP POLICY IF EXISTS content_queue_select_member ON public.content_queue;
CREATE POLICY content_queue_select_member ON public.content_queue FOR SELECT TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS content_queue_insert_member ON public.content_queue;
CREATE POLICY content_queue_insert_member ON public.content_queue FOR INSERT TO authenticated
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS content_queue_update_member ON public.content_queue;
CREATE POLICY content_queue_update_member ON public.content_queue FOR UPDATE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()))
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS content_queue_delete_member ON public.content_queue;
CREATE POLICY content_queue_delete_member ON public.content_queue FOR DELETE TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));

-- client_usage_metrics: read-only for members (written with the service role).
DROP POLICY IF EXISTS client_usage_metrics_select_member ON public.client_usage_metrics;
CREATE POLICY client_usage_metrics_select_member ON public.client_usage_metrics FOR SELECT TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));

-- subscription_history: read-only for members (written with the service role).
DROP POLICY IF EXISTS subscription_history_select_member ON public.subscription_history;
CREATE POLICY subscription_history_select_member ON public.subscription_history FOR SELECT TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));

-- analytics_snapshots: read-only for members (written with the service role).
DROP POLICY IF EXISTS analytics_snapshots_select_member ON public.analytics_snapshots;
CREATE POLICY analytics_snapshots_select_member ON public.analytics_snapshots FOR SELECT TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));

-- notifications: your own and organization-wide ones; members may notify colleagues.
DROP POLICY IF EXISTS notifications_select_recipient ON public.notifications;
CREATE POLICY notifications_select_recipient ON public.notifications FOR SELECT TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()) AND (user_id IS NULL OR user_id = (SELECT auth.uid())));
DROP POLICY IF EXISTS notifications_insert_member ON public.notifications;
CREATE POLICY notifications_insert_member ON public.notifications FOR INSERT TO authenticated
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()) AND (user_id IS NULL OR user_id IN (SELECT u.id FROM public.users AS u WHERE u.organization_id = notifications.organization_id)));
DROP POLICY IF EXISTS notifications_update_recipient ON public.notifications;
CREATE POLICY notifications_update_recipient ON public.notifications FOR UPDATE TO authenticated
    USING (user_id = (SELECT auth.uid()) AND organization_id IN (SELECT private.user_organization_ids()))
    WITH CHECK (user_id = (SELECT auth.uid()) AND organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS notifications_delete_recipient ON public.notifications;
CREATE POLICY notifications_delete_recipient ON public.notifications FOR DELETE TO authenticated
    USING (user_id = (SELECT auth.uid()) AND organization_id IN (SELECT private.user_organization_ids()));

-- audit_log: members read their organization's log and append entries as themselves; no update/delete.
DROP POLICY IF EXISTS audit_log_select_member ON public.audit_log;
CREATE POLICY audit_log_select_member ON public.audit_log FOR SELECT TO authenticated
    USING (organization_id IN (SELECT private.user_organization_ids()));
DROP POLICY IF EXISTS audit_log_insert_member ON public.audit_log;
CREATE POLICY audit_log_insert_member ON public.audit_log FOR INSERT TO authenticated
    WITH CHECK (organization_id IN (SELECT private.user_organization_ids()) AND actor_id = (SELECT auth.uid()));

-- platform_metrics: RLS enabled and deliberately no policy: only service_role (BYPASSRLS) reads or writes it.

-- End of template.
