// Generated from the Rust types by `UPDATE_BINDINGS=1 cargo test -p fabrik bindings`. Do not edit.

export type ErrorCode = "validation" | "customer_not_found" | "customer_busy" | "customer_has_instance" | "stale_version" | "database_too_new" | "database_newer_words" | "database_open" | "database" | "register_unreachable" | "register_write_lost" | "password_on_command_line" | "invitation_malformed" | "invitation_spent" | "move_run_active" | "missing_tokens" | "preflight_failed" | "run_busy" | "forbidden" | "not_provisioned" | "not_now" | "run_taken_over" | "sandbox_failed" | "run_not_active" | "run_not_succeeded" | "run_finished" | "not_confirmed" | "adoption_not_found" | "adoption_mismatch" | "provider_error" | "invalid_token" | "not_ready" | "run_not_found" | "invalid_setting" | "unsafe_link" | "open_failed" | "io" | "internal" | "import_file_invalid" | "import_portal" | "intake" | "import_value_unknown" | "import_status" | "import_exists" | "import_duplicate" | "keyring_no_session_bus" | "keyring_no_secret_service" | "keyring_locked" | "team_already_in_team" | "team_owner_role" | "team_role_unknown" | "team_duplicate_row" | "team_list_unreadable" | "team_list_empty" | "team_list_too_long" | "team_mail_not_agency" | "team_over_hourly_limit" | "team_not_in_team" | "team_not_fabriks" | "team_already_accepted" | "team_resend_too_soon" | "team_revoke_confirm" | "team_invite_failed" | "billing_teardown_never_do" | "billing_grace_negative" | "tick_busy" | "schedule_failed" | "schedule_plan" | "keyring_timeout" | "keyring_error" | "provider_unauthorized" | "provider_forbidden" | "provider_not_found" | "provider_conflict" | "provider_rate_limited" | "provider_unavailable" | "provider_rejected" | "provider_moved" | "provider_too_large" | "repo_name_taken" | "resource_not_ours" | "not_in_ledger" | "resource_delivered" | "not_made_by_run" | "run_not_vouched" | "changed_elsewhere" | "not_restorable" | "admin_password_replaced" | "resource_gone" | "domain_not_added" | "domain_taken" | "resource_foreign" | "vercel_name_taken" | "vercel_env_rejected" | "vercel_env_not_saved" | "schema_mismatch" | "auth_mail_not_taken" | "handover_refused" | "sending_domain_unusable" | "resend_key_sends_only" | "schema_drift" | "migration_refused" | "rollout_not_found" | "rollout_open" | "rollout_busy" | "rollout_state" | "rollout_plan" | "template_base_unknown" | "template_branch_taken" | "backup_failed" | "backup_not_found" | "backup_unreadable" | "restore_failed" | "gitea_not_set" | "workflow_backup_failed" | "workflow_version_not_found" | "export_out_exists" | "export_folder_missing" | "export_failed" | "update_no_feed" | "update_no_key" | "update_insecure_feed" | "update_unreachable" | "update_feed_invalid" | "update_nothing_newer" | "update_download" | "update_signature" | "update_not_newer" | "update_install" | "update_runs_active" | "update_not_installable" | "workflow_version_not_ours" | "restore_mismatch" | "recovery_not_on_plan" | "recovery_outside_window" | "recovery_no_backup_at" | "recovery_failed" | "supabase_init_failed" | "deployment_failed" | "deployment_unknown" | "deployment_foreign" | "deployment_not_ready" | "deployment_not_production" | "nothing_to_undo" | "site_not_public" | "wait_timeout" | "ledger_incomplete" | "ledger_write_failed" | "ledger_row_missing" | "cancelled" | "required" | "too_long" | "email_too_long" | "email_invalid" | "email_no_at" | "url_not_https" | "domain_invalid" | "url_invalid" | "supabase_ref_invalid" | "vercel_id_invalid" | "n8n_id_invalid" | "slug_too_short" | "slug_too_long" | "slug_invalid_character" | "slug_edge_hyphen" | "slug_double_hyphen" | "slug_reserved" | "slug_not_derivable" | "slug_taken" | "account_name_invalid" | "slug_locked" | "moment_invalid" | "move_archive_unreadable" | "move_version" | "move_failed" | "move_mismatch";

export type Text = { sv: string, en: string, };

export type ApiError = { code: ErrorCode, 
/**
 * In Swedish; the window renders the user's language from `code` and `params`.
 */
message: string, params: { [key in string]: string }, 
/**
 * Per-field problems for `validation`; empty otherwise.
 */
fields: Array<FieldError>, };

export type FieldError = { field: string, 
/**
 * The rule broken.
 */
code: ErrorCode, 
/**
 * The template of its text: the code's own, or a more specific one for the same rule
 * (an address without @ breaks `email_invalid` and says so).
 */
text: ErrorCode, message: string, params: { [key in string]: string }, };

export type AppInfo = { version: string, database_path: string, schema_version: number, customer_count: number, };

export type UpdateCheck = { 
/**
 * The version that runs.
 */
current: string, 
/**
 * The feed, as shown.
 */
feed: string, offer: Offer, };

export type Offer = { "kind": "newer", version: string, notes: string, 
/**
 * `pub_date` as the feed gives it (RFC 3339), when it does.
 */
date: string | null, } | { "kind": "up_to_date", version: string, } | { "kind": "older", version: string, } | { "kind": "not_for_this_system", version: string, platform: string, };

export type UpdateProgress = { "phase": "waiting", runs: Array<number>, } | { "phase": "downloading", version: string, received: number, total: number | null, } | { "phase": "installing", version: string, } | { "phase": "restarting", version: string, } | { "phase": "failed", error: ApiError, };

export type DraftCheck = { slug: string | null, errors: Array<FieldError>, };

export type Language = "sv" | "en";

export type Preferences = { language: Language, };

export type Plan = "starter" | "professional" | "enterprise";

export type Module = "crm" | "email" | "social" | "content" | "accommodation";

export type Status = "pending" | "provisioning" | "active" | "failed" | "inactive";

export type SortKey = "name_asc" | "name_desc" | "created_desc" | "created_asc";

export type Instance = { production_url: string | null, github_repo_url: string | null, supabase_project_ref: string | null, vercel_project_id: string | null, n8n_workflow_id: string | null, };

export type InstanceLinks = { production: string | null, github: string | null, supabase: string | null, vercel: string | null, };

export type Applied = { plan: Plan, modules: Array<Module>, };

export type Customer = { id: number, slug: string, name: string, admin_email: string, contact_name: string | null, plan: Plan, modules: Array<Module>, status: Status, notes: string, 
/**
 * Example data ("exempeldata"), removable in one click.
 */
is_example: boolean, instance: Instance, links: InstanceLinks, created_at: string, updated_at: string, 
/**
 * Bumped on every write; an edit made against an older version is refused.
 */
version: number, 
/**
 * Immutable from creation (UUID v4): the ownership marker on everything Fabrik creates
 * for this customer.
 */
uid: string, 
/**
 * The environment whose instance card and status these are (sandbox or production).
 */
environment: Environment, 
/**
 * What the instance in this environment was last built with (`client-config.json` and
 * the modules variable); `None` when unknown (never built, or built before Fabrik kept it).
 */
applied: Applied | null, 
/**
 * The saved plan or modules differ from what the instance runs: "Uppdatera moduler" has
 * something to do. Only for an active instance.
 */
modules_outdated: boolean, 
/**
 * When Stripe ended the subscription this customer came from (the inbox): shown as
 * cancelled, with pause and teardown offered. Fabrik never tears down on its own.
 */
cancelled_at: string | null, 
/**
 * Fabrik's own runs made (or may have made) something for this customer in this
 * environment that no teardown has removed since: the ledger's word, not the card's. Only
 * then is "Avveckla" offered; a card typed by hand or imported has nothing of Fabrik's.
 */
made_by_fabrik: boolean, };

export type CustomerRow = { id: number, slug: string, name: string, admin_email: string, plan: Plan, status: Status, is_example: boolean, production_url: string | null, created_at: string, 
/**
 * The instance's last health check in this environment; `None` when never checked.
 */
health: HealthSummary | null, 
/**
 * The instance's site, repository, Supabase and Vercel, for the register's column.
 */
links: InstanceLinks, 
/**
 * Stripe ended the subscription (`Customer::cancelled_at`).
 */
cancelled_at: string | null, };

export type CustomerListing = { 
/**
 * Customers that match the search and filter, across all pages.
 */
total: number, 
/**
 * The list position of `rows[0]`.
 */
offset: number, rows: Array<CustomerRow>, 
/**
 * Whether the register holds example customers (whatever the filter), for the notice
 * that offers to remove them.
 */
has_examples: boolean, };

export type CustomerDraft = { name: string, 
/**
 * Derived from the name when empty.
 */
slug?: string, admin_email: string, contact_name?: string, 
/**
 * `starter` when absent.
 */
plan?: Plan, 
/**
 * From the plan (module manifest) when absent.
 */
modules?: Array<Module>, 
/**
 * `pending` when absent.
 */
status?: Status, notes?: string, };

export type CustomerPatch = { name?: string, slug?: string, admin_email?: string, contact_name?: string, plan?: Plan, modules?: Array<Module>, status?: Status, notes?: string, production_url?: string, github_repo_url?: string, supabase_project_ref?: string, vercel_project_id?: string, n8n_workflow_id?: string, 
/**
 * The version the editor started from; the write is refused if the customer moved on.
 */
expected_version?: number, };

export type CustomerQuery = { 
/**
 * Matches name, slug or admin email, case-insensitively.
 */
search?: string, status?: Status, sort?: SortKey, 
/**
 * The first row of the page, counted in the filtered and sorted list; 0 when absent.
 */
offset?: number, 
/**
 * Rows in the page: [`CustomerQuery::PAGE`] when absent, at most [`CustomerQuery::MAX_PAGE`].
 */
limit?: number, };

export type ModuleInfo = { key: Module, name: { [key in string]: string }, description: { [key in string]: string }, };

export type ModuleManifest = { version: number, modules: Array<ModuleInfo>, plans: { [key in Plan]?: Array<Module> }, };

export type Environment = "sandbox" | "production";

export type Provider = "github" | "supabase" | "vercel" | "n8n" | "resend" | "gitea" | "stripe";

export type VerifyState = "verified" | "rejected" | "missing_scope" | "wrong_account" | "unreachable" | "not_configured";

export type Verification = { provider: Provider, state: VerifyState, 
/**
 * Who the token belongs to (GitHub login, Supabase organizations, Vercel user).
 */
account: string | null, message: Text, 
/**
 * Works, but with a caveat (e.g. no `delete_repo`: rollback cannot delete repositories).
 */
warnings: Array<Text>, };

export type CredentialState = "missing" | "saved" | "verified" | "problem";

export type CredentialStatus = { provider: Provider, state: CredentialState, 
/**
 * The token comes from an environment variable (headless use), not the keyring.
 */
from_env: boolean, verification: Verification | null, };

export type SettingEntry = { key: string, value: string, 
/**
 * What it is for.
 */
help: Text, 
/**
 * Set by the sandbox's simulated world (shown, not editable there).
 */
fixed_by_sandbox: boolean, 
/**
 * Kept on this computer only (an endpoint, a URL template, a file path): pinned here,
 * never read from or written to the shared register.
 */
on_this_seat: boolean, };

export type SetupGuide = { environment: Environment, steps: Array<StepGuide>, 
/**
 * Where this seat stopped; `agency` the first time.
 */
at: SetupStep, skipped: Array<SetupStep>, 
/**
 * The guide was opened on this seat before (the first start opens it by itself once).
 */
started: boolean, };

export type SetupStep = "agency" | "github" | "supabase" | "vercel" | "n8n" | "resend" | "gitea" | "stripe" | "proof" | "done";

export type StepGuide = { step: SetupStep, 
/**
 * What the token is for, where it is made and what it must be allowed to do (a
 * provider's step).
 */
guide: Guide | null, settings: Array<string>, };

export type Guide = { provider: Provider, purpose: Text, kinds: Array<TokenKind>, 
/**
 * Provisioning runs without it (workflow backups need it).
 */
optional: boolean, };

export type ProviderInfo = { provider: Provider, label: string, 
/**
 * Why its token is optional; `null`: every run needs it.
 */
optional: Text | null, 
/**
 * What the token is for, where it is made and what it must be allowed (a self-hosted
 * service's page is a path on its address, which the setup guide fills in).
 */
guide: Guide, };

export type TokenKind = { name: Text, 
/**
 * The page where it is made, with the permissions filled in where the page takes them.
 */
url: string, permissions: Array<Permission>, };

export type Permission = { 
/**
 * As the provider's page names it (`repo`, "Administration: Read and write").
 */
name: string, why: Text, 
/**
 * Without it Fabrik still works, with less (the text says what is lost).
 */
optional: boolean, };

export type AccountChoices = { provider: Provider, lists: Array<ChoiceList>, 
/**
 * Why nothing (or not everything) could be read: the settings stay typed.
 */
problem: Text | null, 
/**
 * What else the account says about itself (the n8n instance's version).
 */
about: Array<Text>, };

export type ChoiceList = { 
/**
 * The setting a choice sets (`github.template`).
 */
setting: string, kind: ChoiceKind, choices: Array<Choice>, 
/**
 * The setting's value, which does not exist yet and Fabrik can make on the owner's word
 * (the backup repository: `create_backup_repository`).
 */
create: string | null, };

export type ChoiceKind = "value" | "domain";

export type Choice = { value: string, label: string, 
/**
 * Why it cannot be chosen, or what to know about it ("recommended").
 */
note: Text | null, usable: boolean, also: Array<Also>, };

export type Also = { setting: string, value: string, };

export type ProofPlan = { environment: Environment, 
/**
 * The test customer it will make.
 */
name: string, 
/**
 * Where its welcome email goes: the agency's own alert address (or its support address).
 */
admin_email: string, items: Array<ProofItem>, 
/**
 * What may stop it (a Supabase organization at its free plan's limit) or could not be
 * read; none blocks the start (a paid plan has no such limit).
 */
caveats: Array<Text>, };

export type ProofItem = { provider: Provider, made: Text, cost: Text, };

export type ProofPhase = "not_started" | "provisioning" | "tearing_down" | "done" | "stopped";

export type ProofReport = { phase: ProofPhase, slug: string | null, provision_run: number | null, teardown_run: number | null, made: Array<ProofResource>, removed: Array<ProofResource>, 
/**
 * From the first run's start to the last one's end (or to now), in seconds.
 */
seconds: number | null, 
/**
 * Why a run stopped, as its ledger says.
 */
problem: Text | null, };

export type ProofResource = { step: StepKey, id: string, state: StepState, };

export type Inbox = { items: Array<IntakeItem>, sources: Array<SourceView>, };

export type SourceView = { state: IntakeSourceState, 
/**
 * Set up on this seat (the portal's address and password, a Stripe key).
 */
configured: boolean, 
/**
 * Where it is read from, without a secret (`user@host:port/db`, Stripe's API).
 */
place: string | null, 
/**
 * What to know about it (Stripe's 30 days).
 */
notes: Array<Text>, };

export type PollReport = { new_requests: number, cancelled: number, 
/**
 * Stripe events read, and those handled before (the overlap, another seat).
 */
events: number, seen_before: number, 
/**
 * Requests sent to Stripe and to the portal.
 */
requests: number, 
/**
 * Approved on their own (a source set to provision automatically).
 */
approved: number[], 
/**
 * Portal writes made, and refused (kept and tried again).
 */
written: number, problems: Array<Text>, 
/**
 * Subscription snapshots kept from Stripe's events (billing).
 */
billing_kept: number, 
/**
 * Subscriptions whose state a reconciliation's read changed (the last poll was older
 * than Stripe's 30 days of events); none when the poll read the events alone.
 */
reconciled?: number, };

export type IntakeItem = { id: number, source: IntakeSource, external_id: string, name: string, admin_email: string, plan: Plan | null, detail: Record<string, unknown>, state: IntakeState, reason: string | null, 
/**
 * The customer it became (its slug), once approved.
 */
slug: string | null, run_id: number | null, run_state: RunState | null, 
/**
 * The step the run is on now, or failed at.
 */
run_step: StepKey | null, run_error: string | null, cancelled_at: string | null, received_at: string, decided_at: string | null, decided_by: string | null, 
/**
 * Approved by its source on its own (counted against the source's limit a day).
 */
automatic: boolean, 
/**
 * The portal organization it is linked to by id; without one no organization is written.
 */
organization_id: string | null, 
/**
 * Why it waits for a person (a price no plan is mapped to, nothing paid, the day's limit
 * of automatic approvals reached); filled in by the inbox, not kept.
 */
waiting: Text | null, portal_error: string | null, };

export type IntakeSource = "portal" | "stripe";

export type IntakeState = "pending" | "approved" | "rejected" | "cancelled";

export type IntakeSourceState = { source: IntakeSource, 
/**
 * Stripe: the newest event's `created` read so far (Stripe's clock, unix seconds).
 */
cursor: number | null, polled_at: string | null, polled_by: string | null, 
/**
 * What the last poll could not do.
 */
problem: string | null, 
/**
 * Approve what arrives without asking.
 */
auto: boolean, 
/**
 * Stripe price or product id → plan.
 */
plans: { [key in string]: Plan }, 
/**
 * Stripe price or product ids whose free checkouts (a trial, a 100 % coupon) are
 * approved on their own like paid ones; any other free checkout waits for a person.
 */
trials: Array<string>, 
/**
 * The most requests this source approves on its own in 24 hours (the register's clock).
 */
daily_limit: number, 
/**
 * Approved on their own in the last 24 hours.
 */
automatic_today: number, };

export type IntakeChoices = { auto: boolean, plans: { [key in string]: Plan }, trials: Array<string>, daily_limit: number, };

export type ScheduleView = { installed: Installed, ticks: Array<TickRow>, 
/**
 * JSON of a tick refused here before the register answered (`at`, `refused`).
 */
refused_here: string | null, };

export type Installed = { scheduler: Scheduler, 
/**
 * The files Fabrik wrote for it (none: not installed).
 */
files: Array<string>, 
/**
 * The plan the files say, when they are Fabrik's.
 */
plan: SchedulePlan | null, 
/**
 * What the scheduler itself answered (next run, or why it does not know the job).
 */
scheduler_says: string | null, };

export type Scheduler = "systemd" | "launchd" | "task_scheduler";

export type SchedulePlan = { every_minutes: number | null, 
/**
 * "HH:MM", local time.
 */
at: Array<string>, };

export type TickRow = { id: number, seat: string, 
/**
 * The login on a shared register.
 */
person: string | null, 
/**
 * Who ticked, as a person reads it (the login, else "anna på byran-laptop").
 */
who: Text, started_at: string, finished_at: string | null, outcome: TickOutcome | null, 
/**
 * The code a refused tick stopped on.
 */
reason: string | null, 
/**
 * JSON: the tick's report.
 */
report: string, };

export type TickOutcome = "ok" | "failed" | "refused";

export type TickReport = { 
/**
 * Its number in the register (none when the register could not be reached).
 */
id: number | null, seat: string, outcome: TickOutcome, 
/**
 * Why it did not begin.
 */
refused: ApiError | null, jobs: Array<JobReport>, ms: number, };

export type JobReport = { job: Job, state: JobState, 
/**
 * What it did: the instances backed up or checked, the requests read.
 */
did: Array<string>, 
/**
 * What its alert named.
 */
alerted: Array<string>, 
/**
 * What failed, each named ("slug: why").
 */
failed: Array<string>, 
/**
 * The seat holding the job, and until when (the register's clock).
 */
held_by: string | null, ms: number, };

export type JobState = "done" | "nothing" | "held" | "off" | "failed";

export type Job = "intake_poll" | "billing" | "database_backups" | "workflow_backups" | "usage_collect" | "health_sweep" | "backup_alert" | "run_alert" | "handover_follow" | "export_keeping";

export type TeamView = { slug: string, project_ref: string, 
/**
 * The instance's Auth sends through the agency's Resend (invitations may go).
 */
sends_as_agency: boolean, 
/**
 * The address its emails leave from, when it has its own.
 */
sender: string | null, 
/**
 * Emails it may send an hour, and how many of Fabrik's invitations went in the last one.
 */
per_hour: number | null, sent_last_hour: number, members: Array<Member>, };

export type Member = { email: string, full_name: string | null, 
/**
 * The instance's word: `owner`, `admin`, `member` or `viewer`.
 */
role: string, status: MemberStatus, 
/**
 * Fabrik invited them (or made them: the first administrator): only they are changed here.
 */
by_fabrik: boolean, 
/**
 * The first administrator provisioning made.
 */
first_admin: boolean, 
/**
 * Invitations Fabrik sent, and when the last went (the register's clock).
 */
sends: number, last_sent_at: string | null, last_sign_in_at: string | null, 
/**
 * What the instance answered the last time it refused.
 */
problem: string | null, };

export type MemberStatus = "invited" | "active" | "revoked" | "failed" | "sending";

export type TeamPreview = { people: Array<Invitee>, bad: Array<BadRow>, };

export type BadRow = { 
/**
 * The file's line (1 is the first line, the header when there is one).
 */
line: number, 
/**
 * The address as written (may be empty or wrong).
 */
email: string, problems: Array<FieldError>, };

export type Invitee = { email: string, full_name: string | null, role: TeamRole, };

export type TeamRole = "admin" | "member" | "viewer";

export type InviteReport = { slug: string, results: Array<InviteResult>, invited: number, failed: number, 
/**
 * Requests made to the instance (Supabase's APIs), all of them.
 */
calls: number, elapsed_ms: number, };

export type InviteResult = { email: string, outcome: InviteOutcome, 
/**
 * Why it failed, naming the person.
 */
problem: Text | null, };

export type InviteOutcome = "invited" | "again" | "restored" | "failed";

export type Revoked = { slug: string, email: string, role: string, };

export type TeamProgress = { slug: string, done: number, total: number, result: InviteResult, };

export type HandoverStatus = { slug: string, 
/**
 * The handover not withdrawn, if any (none: never asked, or withdrawn).
 */
handover: Handover | null, 
/**
 * Every part taken: the instance is the customer's.
 */
handed_over: boolean, 
/**
 * The status in sentences, one a line (what the CLI prints, what the window shows).
 */
lines: Array<Text>, };

export type Handover = { id: number, run_id: number | null, 
/**
 * The GitHub account or organization the repository goes to.
 */
to_github: string, 
/**
 * The Vercel team that accepts the project.
 */
to_vercel_team: string, 
/**
 * The Supabase organization that claims the project.
 */
to_supabase_org: string, 
/**
 * Where the letter went.
 */
contact: string, 
/**
 * Where the letter was saved, on the seat that sent it.
 */
letter: string | null, requested_at: string, requested_by: string | null, supabase_claimed_at: string | null, vercel_accepted_at: string | null, github_accepted_at: string | null, 
/**
 * All three taken: the instance is the customer's, and Fabrik leaves it alone.
 */
handed_over_at: string | null, withdrawn_at: string | null, withdrawn_by: string | null, };

export type Withdrawal = { slug: string, lines: Array<Text>, };

export type RateLimits = { environment: Environment, 
/**
 * Every provider this process has called, in `Provider::ALL` order.
 */
providers: Array<ProviderLeft>, };

export type ProviderLeft = { provider: Provider, 
/**
 * The tightest budgets first.
 */
rates: Array<Left>, 
/**
 * When the token stops working (RFC 3339), when its provider says.
 */
expires: string | null, 
/**
 * Said within `verify::EXPIRY_WARNING_DAYS`: the token and where to renew it.
 */
expiry_warning: Text | null, };

export type AccountsLeft = { rates: RateLimits, plan: Array<PlanLimit>, };

export type PlanLimit = { provider: Provider, what: Text, used: number | null, 
/**
 * `None`: the plan sets none (a paid Supabase organization).
 */
limit: number | null, 
/**
 * Why `used` is not known.
 */
problem: Text | null, };

export type Left = { provider: Provider, 
/**
 * What the provider counts by (`core`, `content per hour`, `GET /v13/deployments/{}`).
 */
bucket: string, limit: number, remaining: number, 
/**
 * Seconds until the window ends and the limit is whole again.
 */
reset_in_secs: number, 
/**
 * From the provider's own headers; otherwise counted here from the documented limit.
 */
reported: boolean, };

export type Budget = { count: number, 
/**
 * What the runs take, said once ("3 Supabase projects, 6 GitHub writes, …").
 */
takes: Text, 
/**
 * Each limit the plan would exceed, with what is left.
 */
over: Array<Text>, 
/**
 * The least time GitHub's content limits allow the runs in, in minutes (0: no wait).
 */
minutes: number, };

export type Readiness = { ready: boolean, 
/**
 * Providers whose token is missing (production only; the sandbox has its own).
 */
missing: Array<Provider>, 
/**
 * Settings that must be set first, or a keyring problem.
 */
reason: Text | null, };

export type RunDetail = { run: RunRow, steps: Array<StepRow>, log: Array<LogLine>, };

export type RunRow = { id: number, customer_id: number, slug: string, customer_name: string, kind: RunKind, state: RunState, environment: Environment, error: Text | null, failed_step: StepKey | null, started_at: string, finished_at: string | null, owner_pid: number | null, heartbeat_at: string | null, 
/**
 * The seat (user@host) that started the run, and the one that drives it now.
 */
started_by: string | null, seat: string | null, 
/**
 * The login that started it, on a shared register with a login per person (the database
 * records it, from the session); none on a register file.
 */
person: string | null, 
/**
 * What the run was asked: its `RunRequest` (`RunRequest::from_stored` reads it back, and
 * the input of rows written before it was the request).
 */
input: unknown, };

export type StepRow = { key: StepKey, state: StepState, attempts: number, intent: string | null, external_id: string | null, created: boolean, output: unknown, error: Text | null, waiting_for: Text | null, started_at: string | null, finished_at: string | null, seq: number | null, };

export type LogLine = { id: number, step: StepKey | null, at: string, level: LogLevel, message: Text, attempt: number | null, duration_ms: number | null, request_id: string | null, };

export type ProvisionPlan = { slug: string, items: Array<PlanItem>, 
/**
 * What the preflight found: blocking problems (then there are no items) or caveats.
 */
preflight: Array<Finding>, 
/**
 * False when any step would be refused, or the preflight found a blocking problem.
 */
feasible: boolean, };

export type PlanAction = "create" | "adopt" | "refuse" | "run" | "skip";

export type PlanItem = { step: StepKey, action: PlanAction, 
/**
 * The resource's name and what will happen to it.
 */
detail: Text, 
/**
 * For a refused resource that was not created by Fabrik: its name, which the owner may
 * type to adopt it on purpose.
 */
adoptable: string | null, 
/**
 * That resource's id at its provider: what the owner sees, and what a permission names.
 */
provider_id: string | null, };

export type Finding = { 
/**
 * What it is about: a setting's key, a provider's name, or `keyring`.
 */
subject: string, message: Text, 
/**
 * A blocking finding stops the run before anything is created; the others are caveats.
 */
blocking: boolean, };

export type StartOutcome = { run_id: number, 
/**
 * The customer already had an active run; this is that run.
 */
already_running: boolean, 
/**
 * The seat (user@host) driving the run that was already active, when known: a second
 * seat's "Provisionera" names who is at it.
 */
driven_by: string | null, };

export type RunRequest = { "kind": "provision" } | { "kind": "teardown", confirmation: string, } | { "kind": "update_modules" } | { "kind": "repair" } | { "kind": "pause", cause?: string, } | { "kind": "resume", cause?: string, } | { "kind": "redeploy" } | { "kind": "reset_password" } | { "kind": "domain_add", domain: string, } | { "kind": "domain_remove", domain: string, confirmation: string, } | { "kind": "migrate", rollout: number, } | { "kind": "backup", scheduled?: boolean, } | { "kind": "restore", backup: number, confirmation: string, } | { "kind": "import", archive: string, confirmation: string, } | { "kind": "template_sync", rollout: number, } | { "kind": "workflow_backup", scheduled?: boolean, provisioned?: boolean, } | { "kind": "workflow_restore", version: number, } | { "kind": "promote", deployment: string, } | { "kind": "recover", target: number, confirmation: string, } | { "kind": "resend_welcome" } | { "kind": "auth_mail" } | { "kind": "handover", to_github: string, to_vercel_team: string, to_supabase_org: string, letter_to?: string, confirmation: string, };

export type StepKey = "supabase.project" | "supabase.ready" | "supabase.keys" | "supabase.schema" | "supabase.admin_user" | "github.repo" | "vercel.project" | "vercel.env" | "vercel.deploy" | "n8n.workflow" | "email.welcome" | "finalize" | "modules.config" | "modules.env" | "modules.deploy" | "supabase.pause" | "supabase.restore" | "supabase.admin_password" | "n8n.deactivate" | "n8n.activate" | "vercel.redeploy" | "email.new_password" | "vercel.domain_add" | "vercel.domain_verify" | "vercel.domain_production" | "vercel.domain_remove" | "supabase.backup" | "supabase.migrate" | "supabase.verify" | "supabase.restore_backup" | "supabase.import" | "github.template_pr" | "n8n.backup" | "n8n.restore" | "vercel.promote" | "supabase.recover" | "email.welcome_again" | "supabase.auth_mail" | "resend.sending_key" | "supabase.claim_token" | "vercel.transfer_request" | "n8n.handover_export" | "github.transfer" | "email.handover";

export type StepOutcome = "created" | "adopted" | "done" | "skipped";

export type RunKind = "provision" | "teardown" | "update_modules" | "repair" | "pause" | "resume" | "redeploy" | "reset_password" | "domain_add" | "domain_remove" | "migrate" | "backup" | "restore" | "template_sync" | "workflow_backup" | "workflow_restore" | "promote" | "recover" | "resend_welcome" | "auth_mail" | "handover" | "import";

export type RunState = "running" | "cancelling" | "rolling_back" | "succeeded" | "failed" | "cancelled" | "rolled_back" | "rollback_failed";

export type StepState = "pending" | "running" | "waiting" | "retrying" | "succeeded" | "failed" | "skipped" | "compensating" | "compensated" | "compensation_failed";

export type LogLevel = "info" | "warn" | "error";

export type RunEvent = { "type": "run_started", run_id: number, slug: string, resumed: boolean, } | { "type": "step_started", run_id: number, step: StepKey, attempt: number, } | { "type": "step_waiting", run_id: number, step: StepKey, 
/**
 * What it waits for.
 */
waiting_for: Text, 
/**
 * The provider's own state word, e.g. `COMING_UP` or `BUILDING`.
 */
detail: string | null, elapsed_ms: number, } | { "type": "step_retrying", run_id: number, step: StepKey, attempt: number, delay_ms: number, reason: Text, } | { "type": "step_done", run_id: number, step: StepKey, outcome: StepOutcome, external_id: string | null, duration_ms: number, } | { "type": "step_failed", run_id: number, step: StepKey, code: ErrorCode, 
/**
 * In Swedish; the window renders its language from `code` and `params`.
 */
message: string, params: { [key in string]: string }, } | { "type": "compensation_started", run_id: number, step: StepKey, external_id: string, } | { "type": "compensation_done", run_id: number, step: StepKey, } | { "type": "compensation_failed", run_id: number, step: StepKey, message: Text, 
/**
 * How to remove what is left by hand.
 */
manual: Text, } | { "type": "run_finished", run_id: number, state: RunState, error: Text | null, };

export type TeardownTarget = { step: StepKey, 
/**
 * The ref, `owner/repo` or id the ledger or the instance card names.
 */
id: string, verdict: TargetVerdict, 
/**
 * Why it is kept, or why it could not be read.
 */
reason: Text | null, };

export type TargetVerdict = "delete" | "keep" | "gone" | "unknown";

export type Adoption = { id: number, environment: Environment, 
/**
 * The name Fabrik looked it up by (`owner/repo`, a project or workflow name).
 */
resource: string, step: StepKey | null, state: AdoptionState, refused_at: string | null, allowed_at: string | null, allowed_by: AllowedBy | null, adopted_at: string | null, adopted_run: number | null, 
/**
 * The provider's id of the resource as Fabrik last met it: shown with the refusal, named
 * by the permission, marked by the adoption.
 */
external_id: string | null, };

export type AdoptionState = "refused" | "allowed" | "adopted";

export type AllowedBy = "window" | "cli";

export type Health = { slug: string, environment: Environment, checked_at: string, 
/**
 * No findings.
 */
healthy: boolean, site: SiteProbe | null, findings: Array<HealthFinding>, 
/**
 * Beside the findings: the usage warnings of the instance's stored days (a limit days
 * away, an idle pause coming), read from the register, not the providers. They do not
 * make the instance unhealthy; the usage job alerts on them.
 */
usage: Array<Text>, };

export type HealthFinding = { part: HealthPart, kind: FindingKind, 
/**
 * Exactly what: a variable's key, a service's name, a URL, a project's ref.
 */
subject: string, 
/**
 * What is wrong.
 */
message: Text, 
/**
 * What to do about it.
 */
action: Text, 
/**
 * The provisioning step that can mend it ("Reparera"), when one can.
 */
repair: StepKey | null, };

export type HealthPart = "supabase_project" | "supabase_service" | "vercel_project" | "vercel_env" | "deployment" | "site" | "repository" | "workflow";

export type FindingKind = "missing" | "changed" | "unhealthy" | "paused" | "unreachable";

export type HealthSummary = { healthy: boolean, findings: number, checked_at: string, };

export type SiteProbe = { url: string, 
/**
 * The HTTP status, or `None` when no answer came (timeout, no connection).
 */
status: number | null, ms: number, };

export type Sweep = { running: boolean, total: number, done: number, 
/**
 * Checked so far and not healthy.
 */
unhealthy: number, 
/**
 * Checked so far with a usage warning beside the findings (a limit near, an idle pause
 * coming), from the stored days.
 */
usage: number, 
/**
 * Could not be checked (e.g. the customer was deleted meanwhile).
 */
failed: number, finished_at: string | null, };

export type Collected = { 
/**
 * Instances read and kept.
 */
read: number, 
/**
 * Of those, read with a figure not reported (a provider that failed, named in `problems`).
 */
partial: number, 
/**
 * Instances that could not be kept (the register refused, the customer went meanwhile).
 */
failed: number, 
/**
 * Instances already read within the interval (a collection begun again).
 */
skipped: number, 
/**
 * What could not be read, each "slug: what and why" (its figures not reported; the
 * rest of the reading kept).
 */
problems: Array<Text>, 
/**
 * The instances that could not be kept, and why.
 */
not_kept: Array<Text>, };

export type DomainStatus = { domain: string, 
/**
 * Vercel verified that the domain is the agency's to use.
 */
verified: boolean, 
/**
 * The DNS points at Vercel (visitors reach the site).
 */
configured: boolean, 
/**
 * What is left for the customer to set (empty once verified and configured).
 */
records: Array<DnsRecord>, 
/**
 * The instance's production URL is this domain.
 */
production: boolean, 
/**
 * A Fabrik run added it for this customer: Fabrik may remove it.
 */
added_by_fabrik: boolean, };

export type DnsRecord = { 
/**
 * `A`, `CNAME` or `TXT`.
 */
kind: string, name: string, value: string, };

export type ImportPreview = { 
/**
 * Where the rows' status and instance card are written.
 */
environment: Environment, to_add: number, 
/**
 * The first rows to add, in file order.
 */
sample: Array<ImportRow>, 
/**
 * Every row that is skipped, with its reasons.
 */
skipped: Array<ImportRow>, 
/**
 * Columns of the file that no field is read from.
 */
ignored_columns: Array<string>, };

export type ImportReport = { environment: Environment, added: number, skipped: Array<ImportRow>, };

export type ImportRow = { 
/**
 * The row's line in the file (the header is line 1), or its place in a JSON list.
 */
line: number, name: string, slug: string, admin_email: string, 
/**
 * Empty: the row is added. Otherwise why it is skipped, field by field.
 */
problems: Array<FieldError>, };

export type ExportFormat = "csv" | "json";

export type ExportedFile = { path: string, count: number, };

export type PortalSource = { 
/**
 * `postgres://user@host:5432/postgres` (the Supabase project's connection string).
 */
url: string, password?: string, 
/**
 * `schema.table`; `public.organizations` when empty.
 */
table?: string, };

export type PortalRows = { 
/**
 * `user@host:port/db public.organizations`.
 */
source: string, rows: number, 
/**
 * The rows as JSON (`[{"name": …}, …]`): what the import then reads like a file.
 */
contents: string, };

export type ExamplesRemoved = { removed: number, kept: Array<KeptExample>, 
/**
 * All of it in a sentence or two, in both languages (the CLI prints `sv`).
 */
message: Text, };

export type KeptExample = { slug: string, name: string, reason: Text, };

export type RegisterChange = { table: string, id: number, };

export type LiveStatus = { "state": "live", resumed: boolean, } | { "state": "stopped", since: string, };

export type SharedRegister = { 
/**
 * `user@host:port/db` of the shared register in use; none: this computer's file.
 */
shared: string | null, 
/**
 * The URL comes from `FABRIK_DATABASE_URL` (the screen cannot change it).
 */
from_env: boolean, 
/**
 * The file used when no shared register is.
 */
file: string, };

export type MoveReport = { target: string, tables: Array<TableCheck>, millis: number, };

export type TableCheck = { table: string, rows: number, 
/**
 * The sum of every row's FNV-1a over its values, the same on both backends.
 */
checksum: string, target_rows: number, target_checksum: string, };

export type Person = { name: string, role: PersonRole, 
/**
 * The login this seat uses.
 */
you: boolean, };

export type PersonRole = "viewer" | "operator" | "owner";

export type NewPerson = { name: string, password: string, 
/**
 * `fabrik-inbjudan:…` (store::invitation); none when this seat's register address is not
 * known to it.
 */
invitation: string | null, };

export type BackupView = { slug: string, name: string, 
/**
 * Whether this seat holds the file (a backup is on the disk of the seat that took it).
 */
here: boolean, 
/**
 * The seat that holds it, as a person reads it ("anna på byran-laptop").
 */
seat_shown: Text | null, id: number, customer_id: number, environment: Environment, project_ref: string, 
/**
 * The run that took it (`None` once that run was deleted).
 */
run_id: number | null, reason: BackupReason, 
/**
 * The encrypted file, relative to the backups folder (`<customer uid>/<name>.fbk`).
 */
file: string, bytes: number, sha256: string, key_id: string, schema_version: string | null, created_at: string, 
/**
 * The seat whose computer holds the file.
 */
seat: string | null, removed_at: string | null, };

export type Backup = { id: number, customer_id: number, environment: Environment, project_ref: string, 
/**
 * The run that took it (`None` once that run was deleted).
 */
run_id: number | null, reason: BackupReason, 
/**
 * The encrypted file, relative to the backups folder (`<customer uid>/<name>.fbk`).
 */
file: string, bytes: number, sha256: string, key_id: string, schema_version: string | null, created_at: string, 
/**
 * The seat whose computer holds the file.
 */
seat: string | null, removed_at: string | null, };

export type BackupReason = "before_migration" | "before_restore" | "on_demand" | "scheduled";

export type WorkflowBackup = { id: number, customer_id: number, environment: Environment, run_id: number | null, 
/**
 * `gitea` (the agency's server) or `github`.
 */
target: string, 
/**
 * `owner/name`.
 */
repository: string, 
/**
 * The commit that holds this version (one this backup made when `changed` > 0, else the
 * file's last commit as the repository showed it); `None` only if Gitea did not say.
 */
commit_sha: string | null, files: Array<WorkflowFile>, 
/**
 * How many files this backup committed; 0: nothing had changed, no commit was made.
 */
changed: number, reason: WorkflowBackupReason, taken_at: string, };

export type WorkflowFile = { 
/**
 * The workflow's n8n id.
 */
workflow: string, name: string, 
/**
 * The file in the repository (`<slug>/workflows/<id>.json`).
 */
path: string, 
/**
 * Its git blob SHA: two backups with the same one hold the same bytes.
 */
blob: string, 
/**
 * Whether the workflow was active when it was read (not part of the file).
 */
active: boolean, };

export type WorkflowBackupReason = "provisioned" | "on_demand" | "scheduled" | "before_restore";

export type BackupAge = { slug: string, 
/**
 * The newest backup of the database (Fabrik's own), RFC 3339.
 */
database_at: string | null, 
/**
 * The newest workflow backup (a commit, or a check that found the repository current).
 */
workflows_at: string | null, 
/**
 * Older than `backup.alert_hours` (or none at all) while the limit is on.
 */
stale: boolean, };

export type Deployments = { slug: string, 
/**
 * The Vercel project's id and name, as read now by the id the ledger recorded.
 */
project_id: string, project: string, 
/**
 * The deployment production serves now (also when it is older than the list).
 */
production: string | null, deployments: Array<DeploymentView>, 
/**
 * What "Ångra" makes production again: the deployment the last successful rollback
 * replaced; `None` when there is nothing to undo.
 */
undo: string | null, };

export type DeploymentView = { 
/**
 * Vercel's id (`dpl_…`): what `RunRequest::Promote` names.
 */
id: string, 
/**
 * Its own address (`https://…vercel.app`, behind Deployment Protection), if uploaded.
 */
url: string | null, 
/**
 * When it was created (RFC 3339, UTC).
 */
created_at: string, 
/**
 * Vercel's word: `READY`, `BUILDING`, `ERROR`, `CANCELED`, …
 */
state: string, 
/**
 * Whether the production domains serve it now.
 */
serving: boolean, 
/**
 * The Git commit it was built from, when Vercel says (`meta.githubCommitSha`).
 */
commit: string | null, 
/**
 * The branch or ref, when Vercel says (`meta.githubCommitRef`).
 */
commit_ref: string | null, 
/**
 * The commit's message's first line, when Vercel says (`meta.githubCommitMessage`).
 */
commit_message: string | null, 
/**
 * Whether it can be made production now: READY and not serving already.
 */
promotable: boolean, };

export type RecoveryView = { slug: string, project_ref: string, 
/**
 * Point-in-time recovery (the add-on) is on.
 */
pitr_enabled: boolean, 
/**
 * Physical backups (WAL-G) are taken: a paid plan.
 */
physical_enabled: boolean, 
/**
 * Whether any recovery through Supabase is possible.
 */
available: boolean, 
/**
 * The earliest and latest moment that can be restored (unix seconds): the PITR window,
 * or the oldest and newest physical backup.
 */
earliest: number | null, latest: number | null, 
/**
 * The daily backup's time of day, UTC (`HH:MM:SS`), on a plan that has one.
 */
schedule: string | null, backups: Array<PhysicalBackup>, 
/**
 * When nothing is available: why, and the way to Fabrik's own backups instead.
 */
note: Text | null, };

export type PhysicalBackup = { id: number, 
/**
 * `COMPLETED`, `PENDING`, `FAILED`, … (only a completed one can be restored).
 */
status: string, 
/**
 * When it was taken, as Supabase says (`inserted_at`).
 */
inserted_at: string, 
/**
 * The same moment in unix seconds (what `--at` takes); `None` when unreadable.
 */
at: number | null, };

export type MoveExport = { slug: string, file: string, bytes: number, sha256: string, 
/**
 * The backup key it is sealed with (its id; the key stays in the keyring).
 */
key_id: string, schema_version: string | null, tables: number, users: number, };

export type MoveCheck = { source: string, target: string, tables: Array<MovedTable>, users_archive: number, users_now: number, equal: boolean, };

export type MovedTable = { table: string, rows_archive: number, 
/**
 * `None`: the table is not on the target.
 */
rows_now: number | null, checksum_archive: string, checksum_now: string | null, equal: boolean, };

export type RolloutsOverview = { 
/**
 * Every delivered instance with its schema version: who is behind.
 */
instances: Array<InstanceSchemaView>, 
/**
 * The environment's roll-outs, newest first.
 */
rollouts: Array<RolloutRow>, 
/**
 * The open roll-out (planned, running or paused), if any.
 */
open: RolloutView | null, 
/**
 * The roll-outs this window's process drives now.
 */
driving: number[], };

export type RolloutSource = { "kind": "dir", path: string, } | { "kind": "ref", ref: string | null, };

export type RolloutView = { rollout: RolloutRow, files: Array<FileHead>, waves: Array<WaveView>, members: Array<MemberRow>, };

export type RolloutRow = { id: number, kind: RolloutKind, environment: Environment, 
/**
 * Where the files came from: `dir:/path` or `ref:<repo>@<ref> (<commit>)`.
 */
source: string, state: RolloutState, 
/**
 * The wave being worked on (0 is the canary).
 */
wave: number, 
/**
 * A later wave halts the roll-out when more than this share of its instances failed.
 */
halt_share: number, halt_reason: Text | null, created_at: string, created_by: string | null, updated_at: string, };

export type MemberRow = { customer_id: number, slug: string, name: string, wave: number, state: MemberState, reason: Text | null, run_id: number | null, version_before: string | null, version_after: string | null, };

export type FileHead = { version: string, name: string, sha256: string, };

export type WaveView = { index: number, total: number, pending: number, running: number, done: number, failed: number, skipped: number, };

export type InstanceSchemaView = { slug: string, name: string, status: Status, 
/**
 * The newest version in its history, as last read or written.
 */
schema_version: string | null, };

export type RolloutState = "planned" | "running" | "paused" | "halted" | "aborted" | "done";

export type MemberState = "pending" | "running" | "done" | "failed" | "skipped";

export type RolloutKind = "schema" | "template";

export type TemplatesOverview = { 
/**
 * Every delivered customer's template version and newest pull request.
 */
instances: Array<TemplateInstance>, 
/**
 * The environment's template roll-outs, newest first.
 */
rollouts: Array<RolloutRow>, 
/**
 * The open template roll-out, if any, with its plans and pull requests.
 */
open: TemplateRolloutView | null, driving: number[], };

export type TemplateRolloutView = { view: RolloutView, template: string, target: string, plans: Array<RepoPlan>, prs: Array<TemplatePr>, };

export type RepoPlan = { slug: string, name: string, 
/**
 * `owner/name` of the customer's repository.
 */
repo: string | null, base: string | null, base_how: BaseHow | null, 
/**
 * Template commits between the base and the target.
 */
behind: number | null, changes: Array<FileChange>, 
/**
 * The files a person must look at: conflict markers, or the customer's kept.
 */
needs_person: Array<NeedsPerson>, summary: TemplateSummary, 
/**
 * Why it cannot be planned (no repository, unknown base, GitHub's error).
 */
problem: Text | null, };

export type TemplateInstance = { slug: string, name: string, status: Status, base: TemplateBase | null, 
/**
 * The newest pull request Fabrik opened in its repository.
 */
pr: TemplatePr | null, };

export type TemplateBase = { sha: string, how: BaseHow, at: string, };

export type TemplatePr = { id: number, customer_id: number, slug: string, rollout_id: number | null, run_id: number | null, repo_id: number, base_sha: string, target_sha: string, branch: string, 
/**
 * The commit Fabrik wrote: a branch whose head is another was pushed to by a person.
 */
commit_sha: string, number: number, url: string, 
/**
 * The files it carries, as JSON (`template::FileChange` list).
 */
files: string, conflicts: number, state: PrState, created_at: string, checked_at: string | null, };

export type BaseHow = "generated" | "synced" | "found" | "stated";

export type PrState = "open" | "merged" | "closed" | "pushed";

export type FileChange = { path: string, template: TemplateChange, customer: CustomerChange, action: FileAction, base_blob: string | null, template_blob: string | null, customer_blob: string | null, };

export type TemplateChange = "added" | "modified" | "deleted";

export type CustomerChange = "unchanged" | "modified" | "deleted" | "added" | "absent";

export type FileAction = "take_template" | "delete" | "keep_deleted" | "merge" | "keep_customer" | "add_both" | "same" | "own" | "ignored";

export type TemplateSummary = { 
/**
 * Files the template changed (own and ignored files not counted).
 */
template_changed: number, 
/**
 * Of those, files the customer changed too.
 */
customer_changed_too: number, 
/**
 * Files left with conflict markers or for a person (known only after `apply`).
 */
conflicts: number, own: number, ignored: number, };

export type NeedsPerson = { path: string, why: Attention, 
/**
 * Conflict regions, for `Conflicts`.
 */
conflicts: number, };

export type Attention = "conflicts" | "deleted_in_template" | "binary";

export type Figure = "database_bytes" | "disk_used_bytes" | "disk_size_bytes" | "api_requests" | "auth_users" | "storage_bytes" | "deployments" | "executions" | "failed_executions" | "emails_sent" | "revenue";

export type FigureDef = { figure: Figure, provider: Provider, unit: Unit, per: Per, };

export type Unit = "bytes" | "count" | "money";

export type Per = "now" | "day" | "month";

export type Money = { 
/**
 * Minor units (öre, cents).
 */
amount: number, 
/**
 * Lower-case ISO 4217 (`sek`, `eur`, `usd`).
 */
currency: string, };

export type Point = { day: string, 
/**
 * `None`: not reported that day.
 */
value: number | null, };

export type Series = { figure: Figure, points: Array<Point>, };

export type Latest = { figure: Figure, 
/**
 * `None`: not reported.
 */
value: number | null, 
/**
 * The day it was read.
 */
day: string | null, };

export type LimitKind = "figure" | "idle_pause";

export type Warning = { kind: LimitKind, 
/**
 * The figure, for `LimitKind::Figure`.
 */
figure: Figure | null, 
/**
 * How much of the limit is used (1.0 = at the limit).
 */
share: number, limit: number, value: number, 
/**
 * Days until it bites at the current pace, when that can be said.
 */
days_left: number | null, 
/**
 * Whose limit (`Supabase Free`, `Vercel Hobby`, `Resend Free`, the agency's plan).
 */
limit_of: string, message: Text, };

export type PlanFit = { pays: Plan, uses_like: Plan, message: Text, };

export type CostLine = { what: Text, amount: Money, };

export type Economics = { 
/**
 * `None`: no subscription known (Stripe not set up, or no link to one).
 */
revenue: Money | null, cost: Money | null, cost_lines: Array<CostLine>, 
/**
 * Revenue less cost, when both are known and in one currency.
 */
margin: Money | null, 
/**
 * Why there is no margin, when there is none.
 */
margin_missing: Text | null, };

export type CustomerUsage = { slug: string, name: string, plan: Plan, 
/**
 * When its figures were last collected (RFC 3339), `None` if never.
 */
collected_at: string | null, latest: Array<Latest>, 
/**
 * The last `days` of each figure, oldest first.
 */
series: Array<Series>, 
/**
 * The Supabase compute add-on, when it has one.
 */
compute: string | null, economics: Economics, fit: PlanFit | null, warnings: Array<Warning>, 
/**
 * What could not be read at the last collection.
 */
problems: Array<Text>, };

export type FleetRow = { slug: string, name: string, plan: Plan, status: Status, collected_at: string | null, economics: Economics, 
/**
 * The warning nearest to biting, if any.
 */
nearest: Warning | null, warnings: number, 
/**
 * The database's growth over the days asked for (0.1 = 10 %), when it can be said.
 */
growth: number | null, fit: PlanFit | null, 
/**
 * The database's size over the days asked for, for a small chart in the row.
 */
database: Array<number | null>, };

export type FleetUsage = { rows: Array<FleetRow>, 
/**
 * Sums per currency (a fleet may be paid in more than one).
 */
revenue: Array<Money>, cost: Array<Money>, margin: Array<Money>, days: number, 
/**
 * The rows' indexes in each of the fleet's orders (`usage::order`), so every front end
 * lists them alike.
 */
orders: Array<FleetOrder>, };

export type FleetOrder = { sort: FleetSort, rows: Array<number>, };

export type FleetSort = "margin" | "limit" | "growth";

export type PriceBook = { currency: string, lines: Array<PriceLine>, };

export type PriceLine = { 
/**
 * `supabase.compute.ci_micro`, `supabase.disk_gb`, `vercel.project`, `resend.email_1000`,
 * `n8n.execution_1000`, … (the keys `prices.rs` declares).
 */
key: string, amount: number, };

export type DriftKind = "cancelled_running" | "paying_paused" | "no_subscription" | "plan_differs";

export type DriftOffer = { "kind": "pause" } | { "kind": "resume" } | { "kind": "teardown" } | { "kind": "link" } | { "kind": "change_plan", plan: Plan, };

export type DriftFinding = { slug: string, kind: DriftKind, 
/**
 * The subscription (or the link) it is about.
 */
subscription: string | null, message: Text, action: Text, offers: Array<DriftOffer>, };

export type Candidate = { subscription: string, payer_name: string | null, payer_email: string | null, status: string, 
/**
 * In the currency's smallest unit.
 */
amount: number | null, currency: string | null, interval: string | null, matched: Match, 
/**
 * Another customer this one is linked to already (its name): linking moves nothing.
 */
linked_to: string | null, };

export type Match = "email" | "name" | "none";

export type SubscriptionView = { id: string, customer: string, 
/**
 * Stripe's code (`past_due`), for scripts; `status_text` is what a person reads.
 */
status: string, status_text: Text, cancel_at_period_end: boolean, 
/**
 * Unix seconds.
 */
current_period_end: number | null, 
/**
 * Unix seconds: Smart Retries' next try, else the renewal of a subscription that renews.
 */
next_payment: number | null, 
/**
 * Why the latest payment failed, in words (billing::words), when it failed.
 */
last_failure: Text | null, 
/**
 * Stripe's code for it (`insufficient_funds`), for scripts.
 */
failure_code: string | null, attempt_count: number, price: string | null, 
/**
 * The plan the owner's map gives the price, if any.
 */
plan: Plan | null, 
/**
 * In the currency's smallest unit.
 */
amount: number | null, currency: string | null, interval: string | null, };

export type Unlinked = { subscription: string, customer: string, status: string, message: Text, };

export type Reconciled = { 
/**
 * Subscriptions listed.
 */
subscriptions: number, 
/**
 * Customers compared (delivered or not; examples left out).
 */
customers: number, findings: Array<DriftFinding>, unlinked: Array<Unlinked>, 
/**
 * Each linked customer's subscription, by slug.
 */
linked: { [key in string]: SubscriptionView }, 
/**
 * Why the comparison is not whole (the listing stopped at its limit, items unread).
 */
problems: Array<Text>, };

export type CustomerBilling = { slug: string, 
/**
 * The owner's or the inbox's link (`sub_…` or `cus_…`), if any.
 */
link: string | null, 
/**
 * The subscription as last kept; none when not linked or not read yet.
 */
subscription: SubscriptionView | null, 
/**
 * When the inbox read that Stripe ended it.
 */
cancelled_at: string | null, findings: Array<DriftFinding>, 
/**
 * What the tick offers and waits for a person to decide, newest first.
 */
waiting: Array<DecisionRow>, };

export type BillingCell = { slug: string, linked: boolean, 
/**
 * Stripe's status as last kept (`active`, `past_due`, …); none when not read.
 */
status: string | null, cancel_at_period_end: boolean, 
/**
 * Unix seconds.
 */
next_payment: number | null, failing: boolean, findings: number, waiting: number, };

export type DecisionRow = { id: number, customer_id: number, slug: string, environment: Environment, subscription: string, transition: Transition, step: Step, episode: string, 
/**
 * The Stripe event that caused it, when one did (a reconciliation's read has none).
 */
event_id: string | null, run_id: number | null, state: DecisionState, note: string | null, 
/**
 * The register's clock.
 */
created_at: string, decided_at: string | null, decided_by: string | null, };

export type DecisionState = "waiting" | "done" | "dismissed";

export type Transition = "payment_failed" | "paused" | "resumed" | "period_ended";

export type Step = "nothing" | "tell" | "offer" | "do";

export type PolicyView = { cells: Array<PolicyCell>, transitions: Array<TransitionChoice>, 
/**
 * Whether the period's end exports for the customer first ([`EXPORT_AVAILABLE`]).
 */
export_available: boolean, };

export type PolicyCell = { plan: Plan, transition: Transition, step: Step, 
/**
 * A failed payment's days of grace; none: until Stripe gives up.
 */
grace_days: number | null, 
/**
 * The owner chose it (else it is the default).
 */
chosen: boolean, };

export type TransitionChoice = { transition: Transition, 
/**
 * The steps the core accepts, in order (a teardown is never `do`).
 */
allowed: Array<Step>, 
/**
 * Whether it has a grace (a failed payment's).
 */
grace: boolean, action: RunKind, };

export type Exported = { path: string, record: ExportRecord, tables: number, rows: number, omitted: Array<OmittedPart>, };

export type OmittedPart = { part: ExportPart, why: string, };

export type ExportRecord = { id: number, customer_id: number, environment: Environment, 
/**
 * The archive's file name (not its folder: a seat's own disk).
 */
file: string, bytes: number, sha256: string, schema_version: string | null, template_version: string | null, taken_at: string, 
/**
 * The seat (user@host) that wrote it, and the login on a shared register.
 */
seat: string, person: string | null, reason: ExportReason, 
/**
 * In the seat's export folder, kept for the agency's `export.keep_days`; otherwise where a
 * person put it, and theirs.
 */
in_folder: boolean, 
/**
 * When the keeping ended and the file was deleted (or found gone).
 */
removed_at: string | null, };

export type ExportReason = "asked" | "teardown" | "period_end" | "move";

export type Keeping = { 
/**
 * Days an archive in the export folder is kept; `None`: until deleted by hand.
 */
days: number | null, 
/**
 * The export folder on this seat's disk.
 */
folder: string, 
/**
 * The customer's newest export, and until when it is kept (`None` for one a person
 * wrote elsewhere, or kept until deleted by hand).
 */
latest: ExportRecord | null, latest_until: string | null, };

export type ExportPart = "tables" | "users" | "workflow" | "repository" | "storage";

export type Overview = { environment: Environment, items: Array<AttentionItem>, glance: OverviewGlance, };

export type AttentionItem = { kind: AttentionKind, urgency: Urgency, 
/**
 * Stable while it is the same thing (a run, a customer's finding): what a notification is
 * given once for, and what the window keeps its place by.
 */
key: string, slug: string | null, 
/**
 * The customer's name, as an owner knows them.
 */
name: string | null, title: Text, 
/**
 * What more there is to say in a line, when there is.
 */
detail: Text | null, 
/**
 * Since when (RFC 3339), when known: the newest first within an urgency.
 */
since: string | null, place: Place, id: number | null, url: string | null, 
/**
 * The command that does the one action in a terminal.
 */
command: string, };

export type AttentionKind = "run_failed" | "run_stuck" | "health" | "limit_near" | "payment_failed" | "decision_waiting" | "request_waiting" | "template_conflict" | "handover_waiting" | "backup_overdue" | "token_expiring";

export type Urgency = "now" | "soon";

export type Place = "run" | "customer" | "usage" | "billing" | "inbox" | "templates" | "backups" | "credentials";

export type OverviewGlance = { 
/**
 * Live customers with a delivered, running instance, and all live customers.
 */
customers_active: number, customers: number, 
/**
 * The last 30 days' revenue, cost and margin, per currency; empty when unknown.
 */
revenue: Array<Money>, cost: Array<Money>, margin: Array<Money>, 
/**
 * Delivered customers whose revenue is not linked (their margin is unknown).
 */
revenue_unlinked: number, payments_failed: number, 
/**
 * Delivered instances by their newest health check.
 */
healthy: number, unhealthy: number, unchecked: number, };

export type NotificationSetting = { kind: AttentionKind, on: boolean, };

export type Notice = { title: string, body: string, item: AttentionItem | null, };

export type Commands = {
  app_info: { args: {  }; result: AppInfo };
  update_check: { args: {  }; result: UpdateCheck };
  update_install: { args: {  }; result: UpdateProgress };
  list_customers: { args: { query: CustomerQuery }; result: CustomerListing };
  get_customer: { args: { slug: string }; result: Customer };
  create_customer: { args: { draft: CustomerDraft }; result: Customer };
  update_customer: { args: { slug: string; patch: CustomerPatch }; result: Customer };
  delete_customer: { args: { slug: string }; result: null };
  check_draft: { args: { draft: CustomerDraft }; result: DraftCheck };
  check_patch: { args: { slug: string; patch: CustomerPatch }; result: DraftCheck };
  load_examples: { args: {  }; result: number };
  remove_examples: { args: {  }; result: ExamplesRemoved };
  preview_import: { args: { contents: string }; result: ImportPreview };
  import_customers: { args: { contents: string }; result: ImportReport };
  read_portal: { args: { source: PortalSource }; result: PortalRows };
  export_register: { args: { format: ExportFormat }; result: ExportedFile };
  shared_register: { args: {  }; result: SharedRegister };
  use_shared_register: { args: { url: string; password: string; move_file: boolean }; result: MoveReport | null };
  stop_shared_register: { args: {  }; result: null };
  people: { args: {  }; result: Array<Person> };
  add_person: { args: { name: string; role: PersonRole }; result: NewPerson };
  join_shared_register: { args: { invitation: string }; result: string };
  remove_person: { args: { name: string }; result: Array<Person> };
  module_manifest: { args: {  }; result: ModuleManifest };
  get_preferences: { args: {  }; result: Preferences };
  set_language: { args: { language: Language }; result: Preferences };
  open_external: { args: { url: string }; result: null };
  set_environment: { args: { environment: Environment }; result: null };
  environment: { args: {  }; result: Environment };
  credentials_status: { args: {  }; result: Array<CredentialStatus> };
  save_credential: { args: { provider: Provider; token: string }; result: CredentialStatus };
  test_credential: { args: { provider: Provider }; result: CredentialStatus };
  delete_credential: { args: { provider: Provider }; result: CredentialStatus };
  send_test_email: { args: {  }; result: CredentialStatus };
  setup_guide: { args: {  }; result: SetupGuide };
  setup_progress: { args: { at: SetupStep; skipped: Array<SetupStep> }; result: SetupGuide };
  setup_choices: { args: { provider: Provider }; result: AccountChoices };
  create_backup_repository: { args: {  }; result: AccountChoices };
  setup_proof_plan: { args: {  }; result: ProofPlan };
  start_setup_proof: { args: {  }; result: ProofReport };
  setup_proof: { args: {  }; result: ProofReport };
  rate_limits: { args: {  }; result: RateLimits };
  intake_list: { args: {  }; result: Inbox };
  intake_poll: { args: {  }; result: PollReport };
  intake_approve: { args: { id: number; plan: Plan | null }; result: IntakeItem };
  intake_reject: { args: { id: number; reason: string }; result: IntakeItem };
  intake_set_source: { args: { source: IntakeSource; choices: IntakeChoices }; result: IntakeSourceState };
  intake_set_portal: { args: { url: string; password: string }; result: Inbox };
  schedule_status: { args: {  }; result: ScheduleView };
  schedule_install: { args: { plan: SchedulePlan }; result: ScheduleView };
  schedule_remove: { args: {  }; result: ScheduleView };
  accounts_left: { args: {  }; result: AccountsLeft };
  bulk_budget: { args: { kind: RunKind; count: number }; result: Budget };
  list_settings: { args: {  }; result: Array<SettingEntry> };
  set_setting: { args: { key: string; value: string }; result: Array<SettingEntry> };
  readiness: { args: {  }; result: Readiness };
  preflight: { args: {  }; result: Array<Finding> };
  plan_provision: { args: { slug: string }; result: ProvisionPlan };
  start_run: { args: { slug: string; request: RunRequest }; result: StartOutcome };
  domains: { args: { slug: string }; result: Array<DomainStatus> };
  deployments: { args: { slug: string }; result: Deployments };
  team: { args: { slug: string }; result: TeamView };
  team_preview: { args: { slug: string; csv: string }; result: TeamPreview };
  team_invite: { args: { slug: string; people: Array<Invitee> }; result: InviteReport };
  team_resend: { args: { slug: string; email: string }; result: InviteReport };
  team_revoke: { args: { slug: string; email: string; confirmation: string | null }; result: Revoked };
  promote_deployment: { args: { slug: string; deployment: string }; result: StartOutcome };
  undo_promotion: { args: { slug: string }; result: StartOutcome };
  handover_status: { args: { slug: string }; result: HandoverStatus };
  handover_recipient: { args: { slug: string }; result: string };
  handover_withdraw: { args: { slug: string; confirmation: string }; result: Withdrawal };
  cancel_run: { args: { run: number; rollback: boolean }; result: boolean };
  resume_run: { args: { run: number }; result: null };
  rollback_run: { args: { run: number }; result: null };
  teardown_preview: { args: { slug: string }; result: Array<TeardownTarget> };
  check_health: { args: { slug: string }; result: Health };
  check_all_health: { args: {  }; result: Sweep };
  health_sweep: { args: {  }; result: Sweep };
  instance_health: { args: { slug: string }; result: Health | null };
  adoptions: { args: { slug: string }; result: Array<Adoption> };
  adopt_resource: { args: { slug: string; name: string; confirmation: string }; result: Adoption };
  list_runs: { args: { slug: string | null }; result: Array<RunRow> };
  run_detail: { args: { run: number }; result: RunDetail };
  interrupted_runs: { args: {  }; result: Array<RunRow> };
  backups: { args: { slug: string }; result: Array<BackupView> };
  workflow_backups: { args: { slug: string }; result: Array<WorkflowBackup> };
  backup_ages: { args: {  }; result: Array<BackupAge> };
  recovery: { args: { slug: string }; result: RecoveryView };
  export_for_move: { args: { slug: string; out: string }; result: MoveExport };
  import_archive: { args: { file: string; into: string; confirmation: string }; result: StartOutcome };
  move_check: { args: { file: string; into: string }; result: MoveCheck };
  export_customer: { args: { slug: string }; result: Exported };
  exports: { args: { slug: string }; result: Array<ExportRecord> };
  export_before_teardown: { args: { slug: string; confirmation: string }; result: Exported };
  export_keeping: { args: { slug: string }; result: Keeping };
  rollouts_overview: { args: {  }; result: RolloutsOverview };
  plan_rollout: { args: { source: RolloutSource; waves: string; halt_share: number }; result: RolloutView };
  rollout: { args: { id: number }; result: RolloutView };
  start_rollout: { args: { id: number }; result: RolloutView };
  pause_rollout: { args: { id: number }; result: RolloutView };
  resume_rollout: { args: { id: number }; result: RolloutView };
  abort_rollout: { args: { id: number }; result: RolloutView };
  templates_overview: { args: {  }; result: TemplatesOverview };
  refresh_templates: { args: {  }; result: TemplatesOverview };
  plan_template: { args: { at: string | null; waves: string; halt_share: number }; result: TemplateRolloutView };
  template_rollout: { args: { id: number }; result: TemplateRolloutView };
  overview: { args: {  }; result: Overview };
  notification_settings: { args: {  }; result: Array<NotificationSetting> };
  set_notification: { args: { kind: AttentionKind; on: boolean }; result: Array<NotificationSetting> };
  usage_fleet: { args: { days: number }; result: FleetUsage };
  usage_customer: { args: { slug: string; days: number }; result: CustomerUsage };
  usage_csv: { args: { days: number }; result: ExportedFile };
  price_book: { args: {  }; result: PriceBook };
  set_price_book: { args: { book: PriceBook }; result: PriceBook };
  collect_usage: { args: {  }; result: Collected };
  billing_column: { args: {  }; result: Array<BillingCell> };
  billing_customer: { args: { slug: string }; result: CustomerBilling };
  billing_reconcile: { args: {  }; result: Reconciled };
  billing_candidates: { args: { slug: string }; result: Array<Candidate> };
  billing_link: { args: { slug: string; subscription: string }; result: CustomerBilling };
  billing_settle: { args: { id: number; dismissed: boolean }; result: boolean };
  billing_policy: { args: {  }; result: PolicyView };
  billing_policy_set: { args: { plan: Plan; transition: Transition; step: Step }; result: PolicyView };
  billing_policy_grace: { args: { plan: Plan; days: number | null }; result: PolicyView };
};

export type Events = {
  'run-event': RunEvent;
  'health-sweep': Sweep;
  'register-changed': RegisterChange;
  'live-updates': LiveStatus;
  'update': UpdateProgress;
  'team-progress': TeamProgress;
  'open-notice': Notice;
};

export const RUN_KINDS: readonly RunKind[] = ['provision', 'teardown', 'update_modules', 'repair', 'pause', 'resume', 'redeploy', 'reset_password', 'domain_add', 'domain_remove', 'migrate', 'backup', 'restore', 'template_sync', 'workflow_backup', 'workflow_restore', 'promote', 'recover', 'resend_welcome', 'auth_mail', 'handover', 'import'];
export const RUN_STATES: readonly RunState[] = ['running', 'cancelling', 'rolling_back', 'succeeded', 'failed', 'cancelled', 'rolled_back', 'rollback_failed'];
export const ACTIVE_RUN_STATES: readonly RunState[] = ['running', 'cancelling', 'rolling_back'];
export const STEP_KEYS: readonly StepKey[] = ['supabase.project', 'supabase.ready', 'supabase.keys', 'supabase.schema', 'supabase.admin_user', 'github.repo', 'vercel.project', 'vercel.env', 'vercel.deploy', 'n8n.workflow', 'email.welcome', 'finalize', 'modules.config', 'modules.env', 'modules.deploy', 'supabase.pause', 'supabase.restore', 'supabase.admin_password', 'n8n.deactivate', 'n8n.activate', 'vercel.redeploy', 'email.new_password', 'vercel.domain_add', 'vercel.domain_verify', 'vercel.domain_production', 'vercel.domain_remove', 'supabase.backup', 'supabase.migrate', 'supabase.verify', 'supabase.restore_backup', 'supabase.import', 'github.template_pr', 'n8n.backup', 'n8n.restore', 'vercel.promote', 'supabase.recover', 'email.welcome_again', 'supabase.auth_mail', 'resend.sending_key', 'supabase.claim_token', 'vercel.transfer_request', 'n8n.handover_export', 'github.transfer', 'email.handover'];
export const STEP_STATES: readonly StepState[] = ['pending', 'running', 'waiting', 'retrying', 'succeeded', 'failed', 'skipped', 'compensating', 'compensated', 'compensation_failed'];
export const UNFINISHED_STEP_STATES: readonly StepState[] = ['running', 'waiting', 'retrying'];
export const LOG_LEVELS: readonly LogLevel[] = ['info', 'warn', 'error'];
export const PLANS: readonly Plan[] = ['starter', 'professional', 'enterprise'];
export const JOBS: readonly Job[] = ['intake_poll', 'billing', 'database_backups', 'workflow_backups', 'usage_collect', 'health_sweep', 'backup_alert', 'run_alert', 'handover_follow', 'export_keeping'];
export const MODULES: readonly Module[] = ['crm', 'email', 'social', 'content', 'accommodation'];
export const STATUSES: readonly Status[] = ['pending', 'provisioning', 'active', 'failed', 'inactive'];
export const ENVIRONMENTS: readonly Environment[] = ['sandbox', 'production'];
export const TARGET_VERDICTS: readonly TargetVerdict[] = ['delete', 'keep', 'gone', 'unknown'];
export const ADOPTION_STATES: readonly AdoptionState[] = ['refused', 'allowed', 'adopted'];
export const ROLLOUT_STATES: readonly RolloutState[] = ['planned', 'running', 'paused', 'halted', 'aborted', 'done'];
export const MEMBER_STATES: readonly MemberState[] = ['pending', 'running', 'done', 'failed', 'skipped'];
export const PR_STATES: readonly PrState[] = ['open', 'merged', 'closed', 'pushed'];
export const ATTENTION_KINDS: readonly AttentionKind[] = ['run_failed', 'run_stuck', 'health', 'limit_near', 'payment_failed', 'decision_waiting', 'request_waiting', 'template_conflict', 'handover_waiting', 'backup_overdue', 'token_expiring'];
export const MAX_IMPORT_BYTES = 33554432;
export const PORTAL_TABLE = 'public.organizations';
export const DEFAULT_WAVES = '1,10%,rest';
export const DEFAULT_HALT_SHARE = 0.2;
export const FIGURE_LABEL: Record<Figure, Text> = {
  database_bytes: { sv: "Databasens storlek", en: "Database size" },
  disk_used_bytes: { sv: "Använd disk", en: "Disk used" },
  disk_size_bytes: { sv: "Diskens storlek", en: "Disk size" },
  api_requests: { sv: "API-anrop", en: "API requests" },
  auth_users: { sv: "Användare", en: "Users" },
  storage_bytes: { sv: "Lagrade filer", en: "File storage" },
  deployments: { sv: "Driftsättningar i månaden", en: "Deployments this month" },
  executions: { sv: "Flödeskörningar", en: "Workflow executions" },
  failed_executions: { sv: "Misslyckade flödeskörningar", en: "Failed workflow executions" },
  emails_sent: { sv: "Skickad e-post", en: "Emails sent" },
  revenue: { sv: "Intäkt i månaden", en: "Revenue a month" },
};
export const FIGURE_DEFS: readonly FigureDef[] = [{"figure":"database_bytes","provider":"supabase","unit":"bytes","per":"now"},{"figure":"disk_used_bytes","provider":"supabase","unit":"bytes","per":"now"},{"figure":"disk_size_bytes","provider":"supabase","unit":"bytes","per":"now"},{"figure":"api_requests","provider":"supabase","unit":"count","per":"day"},{"figure":"auth_users","provider":"supabase","unit":"count","per":"now"},{"figure":"storage_bytes","provider":"supabase","unit":"bytes","per":"now"},{"figure":"deployments","provider":"vercel","unit":"count","per":"month"},{"figure":"executions","provider":"n8n","unit":"count","per":"day"},{"figure":"failed_executions","provider":"n8n","unit":"count","per":"day"},{"figure":"emails_sent","provider":"resend","unit":"count","per":"day"},{"figure":"revenue","provider":"stripe","unit":"money","per":"month"}];
export const FIGURES: readonly Figure[] = ['database_bytes', 'disk_used_bytes', 'disk_size_bytes', 'api_requests', 'auth_users', 'storage_bytes', 'deployments', 'executions', 'failed_executions', 'emails_sent', 'revenue'];
export const FLEET_SORTS: readonly FleetSort[] = ['margin', 'limit', 'growth'];
export const PRICE_KEYS: readonly string[] = ['supabase.compute.ci_micro', 'supabase.compute.ci_small', 'supabase.compute.ci_medium', 'supabase.compute.ci_large', 'supabase.compute.ci_xlarge', 'supabase.compute.ci_2xlarge', 'supabase.compute.ci_4xlarge', 'supabase.compute.ci_8xlarge', 'supabase.compute.ci_12xlarge', 'supabase.compute.ci_16xlarge', 'supabase.compute.ci_24xlarge', 'supabase.compute.ci_24xlarge_optimized_cpu', 'supabase.compute.ci_24xlarge_optimized_memory', 'supabase.compute.ci_24xlarge_high_memory', 'supabase.compute.ci_48xlarge', 'supabase.compute.ci_48xlarge_optimized_cpu', 'supabase.compute.ci_48xlarge_optimized_memory', 'supabase.compute.ci_48xlarge_high_memory', 'supabase.disk_gb', 'vercel.project', 'resend.email_1000', 'n8n.execution_1000', 'fabrik.instance'];
export const COMPUTE_NAME: Readonly<Record<string, string>> = {"ci_12xlarge":"12XL","ci_16xlarge":"16XL","ci_24xlarge":"24XL","ci_24xlarge_high_memory":"24XL High Memory","ci_24xlarge_optimized_cpu":"24XL Optimized CPU","ci_24xlarge_optimized_memory":"24XL Optimized Memory","ci_2xlarge":"2XL","ci_48xlarge":"48XL","ci_48xlarge_high_memory":"48XL High Memory","ci_48xlarge_optimized_cpu":"48XL Optimized CPU","ci_48xlarge_optimized_memory":"48XL Optimized Memory","ci_4xlarge":"4XL","ci_8xlarge":"8XL","ci_large":"Large","ci_medium":"Medium","ci_micro":"Micro","ci_small":"Small","ci_xlarge":"XL"};
export const USAGE_MAX_DAYS = 366;
export const SUBSCRIPTION_STATUS_LABEL: Record<string, Text> = {
  active: { sv: "Aktiv", en: "Active" },
  trialing: { sv: "Provperiod", en: "Trial" },
  past_due: { sv: "Förfallen", en: "Past due" },
  unpaid: { sv: "Obetald", en: "Unpaid" },
  canceled: { sv: "Uppsagd", en: "Cancelled" },
  paused: { sv: "Pausad", en: "Paused" },
  incomplete: { sv: "Ofullständig", en: "Incomplete" },
  incomplete_expired: { sv: "Ofullständig, utgången", en: "Incomplete, expired" },
};
export const PROVIDERS: readonly ProviderInfo[] = [
  {
    "provider": "github",
    "label": "GitHub",
    "optional": null,
    "guide": {
      "provider": "github",
      "purpose": {
        "sv": "Skapar varje kunds privata repo från mallrepot och skriver kundens inställningar i det.",
        "en": "Creates each customer's private repository from the template and writes the customer's settings into it."
      },
      "kinds": [
        {
          "name": {
            "sv": "Klassisk token",
            "en": "Classic token"
          },
          "url": "https://github.com/settings/tokens/new?scopes=repo,delete_repo&description=Fabrik",
          "permissions": [
            {
              "name": "repo",
              "why": {
                "sv": "Skapa privata repon från mallen och skriva filer i dem.",
                "en": "Create private repositories from the template and write files in them."
              },
              "optional": false
            },
            {
              "name": "delete_repo",
              "why": {
                "sv": "Ta bort ett repo som Fabrik skapade när en körning rullas tillbaka eller en kund avvecklas; utan den blir repot kvar och Fabrik säger till.",
                "en": "Delete a repository Fabrik created when a run is rolled back or a customer torn down; without it the repository stays and Fabrik says so."
              },
              "optional": true
            }
          ]
        },
        {
          "name": {
            "sv": "Finkornig token (på ägaren med mallrepot)",
            "en": "Fine-grained token (on the owner of the template)"
          },
          "url": "https://github.com/settings/personal-access-tokens/new",
          "permissions": [
            {
              "name": "Administration: Read and write",
              "why": {
                "sv": "Skapa kundernas repon (och ta bort dem Fabrik skapat).",
                "en": "Create the customers' repositories (and delete those Fabrik created)."
              },
              "optional": false
            },
            {
              "name": "Contents: Read and write",
              "why": {
                "sv": "Läsa mallen och skriva kundens filer.",
                "en": "Read the template and write the customer's files."
              },
              "optional": false
            },
            {
              "name": "Metadata: Read-only",
              "why": {
                "sv": "Krävs av GitHub för allt annat.",
                "en": "Required by GitHub for everything else."
              },
              "optional": false
            },
            {
              "name": "Pull requests: Read and write",
              "why": {
                "sv": "Malluppdateringar som pull requests.",
                "en": "Template updates as pull requests."
              },
              "optional": true
            }
          ]
        }
      ],
      "optional": false
    }
  },
  {
    "provider": "supabase",
    "label": "Supabase",
    "optional": null,
    "guide": {
      "provider": "supabase",
      "purpose": {
        "sv": "Skapar varje kunds Supabase-projekt i byråns organisation, kör mallens schema och gör den första administratören.",
        "en": "Creates each customer's Supabase project in the agency's organization, runs the template's schema and makes the first admin."
      },
      "kinds": [
        {
          "name": {
            "sv": "Token",
            "en": "Token"
          },
          "url": "https://supabase.com/dashboard/account/tokens",
          "permissions": [
            {
              "name": "Personal access token",
              "why": {
                "sv": "Supabase har inga behörigheter per token: den ser kontots organisationer. Skapa den med ett konto som bara är medlem i byråns organisation.",
                "en": "Supabase has no permissions per token: it sees the account's organizations. Make it with an account that is a member of the agency's organization only."
              },
              "optional": false
            }
          ]
        }
      ],
      "optional": false
    }
  },
  {
    "provider": "vercel",
    "label": "Vercel",
    "optional": null,
    "guide": {
      "provider": "vercel",
      "purpose": {
        "sv": "Skapar varje kunds Vercel-projekt kopplat till repot, sätter miljövariablerna och gör den publika produktionsdriftsättningen.",
        "en": "Creates each customer's Vercel project linked to the repository, sets its environment variables and makes the public production deployment."
      },
      "kinds": [
        {
          "name": {
            "sv": "Token",
            "en": "Token"
          },
          "url": "https://vercel.com/account/settings/tokens",
          "permissions": [
            {
              "name": "Scope",
              "why": {
                "sv": "Begränsa token till teamet som kundprojekten ska ligga i (inte hela kontot).",
                "en": "Limit the token to the team the customers' projects belong to (not the whole account)."
              },
              "optional": false
            }
          ]
        }
      ],
      "optional": false
    }
  },
  {
    "provider": "n8n",
    "label": "n8n",
    "optional": null,
    "guide": {
      "provider": "n8n",
      "purpose": {
        "sv": "Lägger in och aktiverar varje kunds arbetsflöde i byråns n8n och säkerhetskopierar det.",
        "en": "Imports and activates each customer's workflow in the agency's n8n and backs it up."
      },
      "kinds": [
        {
          "name": {
            "sv": "Token",
            "en": "Token"
          },
          "url": "/settings/api",
          "permissions": [
            {
              "name": "API key",
              "why": {
                "sv": "n8n:s API-nyckel (Settings → n8n API); på n8n Cloud och i företagsversionen väljs omfånget: workflow:read, workflow:create, workflow:update, workflow:activate.",
                "en": "n8n's API key (Settings → n8n API); on n8n Cloud and the enterprise edition the scopes are chosen: workflow:read, workflow:create, workflow:update, workflow:activate."
              },
              "optional": false
            }
          ]
        }
      ],
      "optional": false
    }
  },
  {
    "provider": "resend",
    "label": "Resend",
    "optional": null,
    "guide": {
      "provider": "resend",
      "purpose": {
        "sv": "Skickar välkomstmejlet från byråns verifierade domän, och larmen, och ger varje instans en egen nyckel att skicka med.",
        "en": "Sends the welcome email from the agency's verified domain, and the alerts, and gives each instance a key of its own to send with."
      },
      "kinds": [
        {
          "name": {
            "sv": "Token",
            "en": "Token"
          },
          "url": "https://resend.com/api-keys",
          "permissions": [
            {
              "name": "Full access",
              "why": {
                "sv": "Full åtkomst: Fabrik gör varje instans en egen nyckel som bara får skicka, från byråns verifierade domän, och tar bort den när instansen avvecklas. Byråns nyckel lämnar aldrig Fabrik.",
                "en": "Full access: Fabrik makes each instance a key of its own that may only send, from the agency's verified domain, and deletes it when the instance is torn down. The agency's key never leaves Fabrik."
              },
              "optional": false
            }
          ]
        }
      ],
      "optional": false
    }
  },
  {
    "provider": "gitea",
    "label": "Gitea",
    "optional": {
      "sv": "Valfri: för säkerhetskopior av n8n-flöden",
      "en": "Optional: for backups of the n8n workflows"
    },
    "guide": {
      "provider": "gitea",
      "purpose": {
        "sv": "Tar emot säkerhetskopiorna av kundernas arbetsflöden, en commit per ändring (valfritt: provisionering fungerar utan).",
        "en": "Receives the backups of the customers' workflows, one commit per change (optional: provisioning works without it)."
      },
      "kinds": [
        {
          "name": {
            "sv": "Token",
            "en": "Token"
          },
          "url": "/user/settings/applications",
          "permissions": [
            {
              "name": "write:repository",
              "why": {
                "sv": "Skriva säkerhetskopiorna till backup-repot.",
                "en": "Write the backups to the backup repository."
              },
              "optional": false
            },
            {
              "name": "read:user",
              "why": {
                "sv": "Se vilket konto token hör till.",
                "en": "See which account the token belongs to."
              },
              "optional": false
            }
          ]
        }
      ],
      "optional": true
    }
  },
  {
    "provider": "stripe",
    "label": "Stripe",
    "optional": {
      "sv": "Valfri: för Inkorgen (betalningar i Stripe). En begränsad nyckel som bara läser.",
      "en": "Optional: for the inbox (payments in Stripe). A restricted key that only reads."
    },
    "guide": {
      "provider": "stripe",
      "purpose": {
        "sv": "Läser betalningarna i Stripe: en betald checkout eller prenumeration hamnar i Inkorgen (valfritt).",
        "en": "Reads the payments in Stripe: a paid checkout or subscription lands in the inbox (optional)."
      },
      "kinds": [
        {
          "name": {
            "sv": "Begränsad nyckel (rk_), som bara läser",
            "en": "Restricted key (rk_) that only reads"
          },
          "url": "https://dashboard.stripe.com/apikeys/create",
          "permissions": [
            {
              "name": "Events: Read",
              "why": {
                "sv": "Händelserna Fabrik hämtar (betald checkout, betald faktura, uppsagd prenumeration).",
                "en": "The events Fabrik fetches (paid checkout, paid invoice, cancelled subscription)."
              },
              "optional": false
            },
            {
              "name": "Checkout Sessions: Read",
              "why": {
                "sv": "Vilket pris en checkout sålde, som bestämmer kundens plan.",
                "en": "Which price a checkout sold, which decides the customer's plan."
              },
              "optional": false
            },
            {
              "name": "Prices: Read",
              "why": {
                "sv": "Priserna du knyter till planerna.",
                "en": "The prices you tie to the plans."
              },
              "optional": false
            },
            {
              "name": "Products: Read",
              "why": {
                "sv": "Produkternas namn bredvid priserna.",
                "en": "The products' names beside the prices."
              },
              "optional": true
            },
            {
              "name": "Subscriptions: Read",
              "why": {
                "sv": "Kundernas prenumerationer: vad varje kund betalar, och status och period när händelserna inte räcker bakåt.",
                "en": "The customers' subscriptions: what each customer pays, and their status and period when the events do not reach back."
              },
              "optional": false
            },
            {
              "name": "Invoices: Read",
              "why": {
                "sv": "Den senaste fakturan: betalningsförsök och nästa försök när ett kort nekas.",
                "en": "The latest invoice: payment attempts and the next one when a card is declined."
              },
              "optional": false
            }
          ]
        }
      ],
      "optional": true
    }
  }
];

export const STEP_LABEL: Record<StepKey, Text> = {
  'supabase.project': { sv: "Skapa Supabase-projekt", en: "Create Supabase project" },
  'supabase.ready': { sv: "Vänta på att projektet startar", en: "Wait for the project to start" },
  'supabase.keys': { sv: "Hämta API-nycklar", en: "Fetch API keys" },
  'supabase.schema': { sv: "Lägg in databasschema", en: "Apply database schema" },
  'supabase.admin_user': { sv: "Skapa första administratör", en: "Create first administrator" },
  'github.repo': { sv: "Skapa GitHub-repo från mallen", en: "Create GitHub repo from template" },
  'vercel.project': { sv: "Skapa Vercel-projekt", en: "Create Vercel project" },
  'vercel.env': { sv: "Sätt miljövariabler", en: "Set environment variables" },
  'vercel.deploy': { sv: "Driftsätt till produktion", en: "Deploy to production" },
  'n8n.workflow': { sv: "Skapa n8n-flöde", en: "Create n8n workflow" },
  'email.welcome': { sv: "Skicka välkomstmejl", en: "Send welcome email" },
  'finalize': { sv: "Spara instansens uppgifter", en: "Save the instance details" },
  'modules.config': { sv: "Skriv client-config.json med kundens moduler", en: "Write client-config.json with the customer's modules" },
  'modules.env': { sv: "Uppdatera modulvariabeln i Vercel", en: "Update the modules variable in Vercel" },
  'modules.deploy': { sv: "Driftsätt med de nya modulerna", en: "Deploy with the new modules" },
  'supabase.pause': { sv: "Pausa Supabase-projektet", en: "Pause the Supabase project" },
  'supabase.restore': { sv: "Starta Supabase-projektet igen", en: "Start the Supabase project again" },
  'supabase.admin_password': { sv: "Ge administratören ett nytt engångslösenord", en: "Give the administrator a new one-time password" },
  'n8n.deactivate': { sv: "Stäng av n8n-flödet", en: "Turn off the n8n workflow" },
  'n8n.activate': { sv: "Slå på n8n-flödet", en: "Turn on the n8n workflow" },
  'vercel.redeploy': { sv: "Driftsätt produktion på nytt", en: "Deploy production again" },
  'email.new_password': { sv: "Skicka nytt välkomstmejl", en: "Send a new welcome email" },
  'vercel.domain_add': { sv: "Lägg till domänen i Vercel-projektet", en: "Add the domain to the Vercel project" },
  'vercel.domain_verify': { sv: "Vänta på DNS och verifiering", en: "Wait for DNS and verification" },
  'vercel.domain_production': { sv: "Gör domänen till produktionsadress", en: "Make the domain the production URL" },
  'vercel.domain_remove': { sv: "Ta bort domänen från Vercel-projektet", en: "Remove the domain from the Vercel project" },
  'supabase.backup': { sv: "Säkerhetskopiera databasen", en: "Back up the database" },
  'supabase.migrate': { sv: "Lägg in migreringar", en: "Apply migrations" },
  'supabase.verify': { sv: "Kontrollera databasschemat", en: "Verify the database schema" },
  'supabase.restore_backup': { sv: "Återställ databasen från säkerhetskopian", en: "Restore the database from the backup" },
  'supabase.import': { sv: "Flytta in databasen och användarna från arkivet", en: "Move the database and the users in from the archive" },
  'github.template_pr': { sv: "Öppna en pull request med mallens ändringar", en: "Open a pull request with the template's changes" },
  'n8n.backup': { sv: "Säkerhetskopiera n8n-flödet", en: "Back up the n8n workflow" },
  'n8n.restore': { sv: "Skriv tillbaka flödets version", en: "Write the workflow's version back" },
  'vercel.promote': { sv: "Gör en tidigare driftsättning till produktion", en: "Make an earlier deployment production" },
  'supabase.recover': { sv: "Återställ databasen med Supabases säkerhetskopior", en: "Restore the database with Supabase's backups" },
  'email.welcome_again': { sv: "Skicka välkomstmejlet igen", en: "Send the welcome email again" },
  'supabase.auth_mail': { sv: "Låt instansen skicka e-post som byrån", en: "Make the instance send email as the agency" },
  'resend.sending_key': { sv: "Skapa instansens egen sändningsnyckel hos Resend", en: "Make the instance's own sending key at Resend" },
  'supabase.claim_token': { sv: "Skapa en länk för att ta över Supabase-projektet", en: "Make a link to claim the Supabase project" },
  'vercel.transfer_request': { sv: "Begär flytt av Vercel-projektet", en: "Request the Vercel project's transfer" },
  'n8n.handover_export': { sv: "Exportera n8n-flödet till överlämningen", en: "Export the n8n workflow for the handover" },
  'github.transfer': { sv: "Flytta GitHub-repot till kunden", en: "Transfer the GitHub repository to the customer" },
  'email.handover': { sv: "Skicka överlämningsbrevet", en: "Send the handover letter" },
};

export const RUN_KIND_LABEL: Record<RunKind, Text> = {
  provision: { sv: "Provisionering", en: "Provisioning" },
  teardown: { sv: "Avveckling", en: "Teardown" },
  update_modules: { sv: "Uppdatera moduler", en: "Update modules" },
  repair: { sv: "Reparation", en: "Repair" },
  pause: { sv: "Paus", en: "Pause" },
  resume: { sv: "Återstart", en: "Resume" },
  redeploy: { sv: "Ny driftsättning", en: "Redeploy" },
  reset_password: { sv: "Nytt adminlösenord", en: "New admin password" },
  domain_add: { sv: "Lägg till domän", en: "Add domain" },
  domain_remove: { sv: "Ta bort domän", en: "Remove domain" },
  migrate: { sv: "Schemauppdatering", en: "Schema update" },
  backup: { sv: "Säkerhetskopia", en: "Backup" },
  restore: { sv: "Återställning av databas", en: "Database restore" },
  template_sync: { sv: "Malluppdatering", en: "Template update" },
  workflow_backup: { sv: "Säkerhetskopia av flöden", en: "Workflow backup" },
  workflow_restore: { sv: "Återställning av flöde", en: "Workflow restore" },
  promote: { sv: "Återgång till tidigare driftsättning", en: "Rollback to an earlier deployment" },
  recover: { sv: "Återställning med Supabases säkerhetskopior", en: "Recovery from Supabase's backups" },
  resend_welcome: { sv: "Välkomstmejl igen", en: "Welcome email again" },
  auth_mail: { sv: "Skicka e-post som byrån", en: "Send email as the agency" },
  handover: { sv: "Överlämning", en: "Handover" },
  import: { sv: "Flytt in av data", en: "Data moved in" },
};

export const JOB_LABEL: Record<Job, Text> = {
  intake_poll: { sv: "Inkorgen", en: "Inbox" },
  billing: { sv: "Fakturering", en: "Billing" },
  database_backups: { sv: "Databaskopior", en: "Database backups" },
  workflow_backups: { sv: "Flödeskopior", en: "Workflow backups" },
  usage_collect: { sv: "Användning", en: "Usage" },
  health_sweep: { sv: "Hälsokontroll", en: "Health sweep" },
  backup_alert: { sv: "Larm om gamla kopior", en: "Old-backup alert" },
  run_alert: { sv: "Larm om misslyckade körningar", en: "Failed-run alert" },
  handover_follow: { sv: "Följ överlämningar", en: "Follow handovers" },
  export_keeping: { sv: "Gallra kundexporter", en: "Prune customer exports" },
};
export const RUN_KIND_STEPS: Record<RunKind, readonly StepKey[]> = {
  provision: ['supabase.project', 'supabase.ready', 'supabase.keys', 'supabase.schema', 'supabase.admin_user', 'github.repo', 'vercel.project', 'vercel.env', 'vercel.deploy', 'n8n.workflow', 'resend.sending_key', 'supabase.auth_mail', 'finalize', 'email.welcome'],
  teardown: [],
  update_modules: ['modules.config', 'modules.env', 'modules.deploy'],
  repair: ['vercel.env', 'n8n.workflow', 'vercel.redeploy'],
  pause: ['n8n.deactivate', 'supabase.pause'],
  resume: ['supabase.restore', 'n8n.activate'],
  redeploy: ['vercel.redeploy'],
  reset_password: ['supabase.admin_password', 'email.new_password'],
  domain_add: ['vercel.domain_add', 'vercel.domain_verify', 'vercel.domain_production'],
  domain_remove: ['vercel.domain_remove'],
  migrate: ['supabase.backup', 'supabase.migrate', 'supabase.verify'],
  backup: ['supabase.backup'],
  restore: ['supabase.backup', 'supabase.restore_backup', 'supabase.verify'],
  template_sync: ['github.template_pr'],
  workflow_backup: ['n8n.backup'],
  workflow_restore: ['n8n.backup', 'n8n.restore'],
  promote: ['vercel.promote'],
  recover: ['supabase.backup', 'supabase.recover', 'supabase.verify'],
  resend_welcome: ['email.welcome_again'],
  auth_mail: ['resend.sending_key', 'supabase.auth_mail'],
  handover: ['supabase.claim_token', 'vercel.transfer_request', 'n8n.handover_export', 'github.transfer', 'email.handover'],
  import: ['supabase.backup', 'supabase.import', 'supabase.verify'],
};

export const ERROR_TEXT: Record<ErrorCode, { sv: string; en: string }> = {
  validation: { sv: "{problems}", en: "{problems_en}" },
  customer_not_found: { sv: "Kunden '{slug}' finns inte", en: "The customer '{slug}' does not exist" },
  customer_busy: { sv: "Kunden {slug} har en körning som pågår; vänta tills den är klar eller avbryt den först", en: "The customer {slug} has a run in progress; wait for it to finish or cancel it first" },
  customer_has_instance: { sv: "Kunden {slug} har en instans (eller delar av en) som Fabrik skapat; avveckla den först med Avveckla, sedan kan kunden tas bort", en: "The customer {slug} has an instance (or parts of one) that Fabrik created; tear it down first with Tear down, then the customer can be deleted" },
  stale_version: { sv: "Kunden har ändrats av någon annan sedan du öppnade den; ladda om och försök igen", en: "Someone else changed this customer since you opened it; reload and try again" },
  database_too_new: { sv: "Databasen {path} skrevs av en nyare version av Fabrik (schemaversion {found}, den här versionen känner till {known}); uppdatera Fabrik i stället för att öppna den", en: "The database {path} was written by a newer Fabrik (schema version {found}; this version knows {known}); update Fabrik instead of opening it" },
  database_newer_words: { sv: "Databasen {path} har körningar eller steg som den här versionen av Fabrik inte känner till ({words}): en nyare Fabrik har skrivit i den. Uppdatera Fabrik i stället för att öppna den", en: "The database {path} holds kinds of run or steps this Fabrik does not know ({words}): a newer Fabrik wrote to it. Update Fabrik instead of opening it" },
  database_open: { sv: "Databasen kunde inte öppnas: {detail}", en: "The database could not be opened: {detail}" },
  database: { sv: "Databasfel: {detail}", en: "Database error: {detail}" },
  register_unreachable: { sv: "Det delade registret {register} kan inte nås just nu; Fabrik ansluter igen av sig självt. Försök igen om en stund.", en: "The shared register {register} cannot be reached right now; Fabrik connects again by itself. Try again in a moment." },
  register_write_lost: { sv: "Anslutningen till det delade registret {register} bröts mitt i en ändring; servern ångrade den, så inget av den sparades. Försök igen om en stund.", en: "The connection to the shared register {register} broke in the middle of a change; the server undid it, so nothing of it was saved. Try again in a moment." },
  password_on_command_line: { sv: "Lösenordet hör inte hemma på kommandoraden, där alla på datorn kan se det (ps), och användes inte. Ge adressen utan lösenord ({register}); lösenordet tas då från PGPASSWORD, från nyckelringen (`fabrik register password`) eller frågas efter.", en: "The password does not belong on the command line, where everyone on the computer can see it (ps), and was not used. Give the address without a password ({register}); the password then comes from PGPASSWORD, from the keyring (`fabrik register password`) or is asked for." },
  invitation_malformed: { sv: "Det här är ingen inbjudan till ett delat register. En inbjudan börjar med fabrik-inbjudan: och kommer från en ägare (Inställningar → Personer → Lägg till); klistra in hela.", en: "This is not an invitation to a shared register. An invitation starts with fabrik-inbjudan: and comes from an owner (Settings → People → Add); paste all of it." },
  invitation_spent: { sv: "Inbjudan till {register} gäller inte längre: den har redan använts eller så har personen tagits bort. Be en ägare om en ny (Inställningar → Personer).", en: "The invitation to {register} no longer holds: it has been used already or the person was removed. Ask an owner for a new one (Settings → People)." },
  move_run_active: { sv: "Registret flyttas inte medan körning {run} för {slug} pågår ({state}): den skulle fortsätta skriva i filen medan det delade registret visade den som pågående, för en annan plats att ta över. Låt den bli klar (en körning vars process har stannat fortsätter med `fabrik runs resume {run}`) eller avbryt den (`fabrik runs cancel {run}`, eller Avbryt i fönstret), och flytta sedan.", en: "The register is not moved while run {run} for {slug} is in progress ({state}): it would go on writing to the file while the shared register showed it as in progress, for another seat to take over. Let it finish (a run whose process has stopped continues with `fabrik runs resume {run}`) or cancel it (`fabrik runs cancel {run}`, or Cancel in the window), then move." },
  missing_tokens: { sv: "Token saknas för {providers}; spara dem under Inställningar → Inloggningsuppgifter", en: "Tokens are missing for {providers}; save them under Settings → Credentials" },
  preflight_failed: { sv: "Förkontrollen stoppade körningen innan något skapades: {problems}", en: "The preflight stopped the run before anything was created: {problems_en}" },
  run_busy: { sv: "Körningen {run} drivs redan av {by}", en: "Run {run} is already being driven by {by_en}" },
  forbidden: { sv: "Inloggningen {person} saknar rätten att {right}; en ägare (owner) av det delade registret kan ge den", en: "The login {person} lacks the right to {right_en}; an owner of the shared register can grant it" },
  not_provisioned: { sv: "{slug} har ingen levererad instans i den här miljön: ingen provisionering av Fabrik har lyckats sedan den senaste avvecklingen (ett importerat eller inskrivet instanskort räknas inte); provisionera kunden först.", en: "{slug} has no delivered instance in this environment: no provisioning by Fabrik has succeeded since the last teardown (an imported or typed-in instance card does not count); provision the customer first." },
  not_now: { sv: "{slug}: {reason}", en: "{slug}: {reason_en}" },
  run_taken_over: { sv: "Körningen {run} togs över av en annan process medan den här stod still; den här slutade utan att skriva mer", en: "Run {run} was taken over by another process while this one stood still; this one stopped without writing more" },
  sandbox_failed: { sv: "Sandlådan kunde inte starta: {detail}", en: "The sandbox could not start: {detail}" },
  run_not_active: { sv: "Körningen {run} är inte aktiv", en: "Run {run} is not active" },
  run_not_succeeded: { sv: "Körningen slutade som {state}", en: "The run ended as {state}" },
  run_finished: { sv: "Körning {run} ({slug}): {reason}", en: "Run {run} ({slug}): {reason_en}" },
  not_confirmed: { sv: "Inte bekräftat; inget gjordes", en: "Not confirmed; nothing was done" },
  adoption_not_found: { sv: "Fabrik har inte visat någon resurs som heter {name} för kunden {slug}, så det finns inget att ta över; visa planen först (`fabrik provision {slug} --plan` eller Provisionera i fönstret), som visar resursens id.", en: "Fabrik has not shown any resource named {name} for the customer {slug}, so there is nothing to adopt; show the plan first (`fabrik provision {slug} --plan` or Provision in the window), which shows the resource's id." },
  adoption_mismatch: { sv: "Skriv resursens namn exakt ({name}) för att ta över den; inget gjordes.", en: "Type the resource's name exactly ({name}) to adopt it; nothing was done." },
  provider_error: { sv: "{detail}", en: "A cloud service answered with an error: {detail}" },
  invalid_token: { sv: "{detail}", en: "{detail_en}" },
  not_ready: { sv: "Provisionera går inte ännu: {reason}", en: "Provisioning is not possible yet: {reason_en}" },
  run_not_found: { sv: "Körningen {run} finns inte", en: "Run {run} does not exist" },
  invalid_setting: { sv: "Ogiltig inställning {key}: {reason}", en: "Invalid setting {key}: {reason_en}" },
  unsafe_link: { sv: "Bara https-länkar kan öppnas: {url}", en: "Only https links can be opened: {url}" },
  open_failed: { sv: "Länken kunde inte öppnas: {detail}", en: "The link could not be opened: {detail}" },
  io: { sv: "{detail}", en: "A file operation failed: {detail}" },
  internal: { sv: "Internt fel: {detail}", en: "Internal error: {detail}" },
  import_file_invalid: { sv: "Filen kan inte importeras: {reason}; ingenting lades till", en: "The file cannot be imported: {reason_en}; nothing was added" },
  import_portal: { sv: "Portalens tabell kan inte importeras: {reason}; ingenting lades till", en: "The portal's table cannot be imported: {reason_en}; nothing was added" },
  intake: { sv: "Inkorgen: {reason}", en: "Inbox: {reason_en}" },
  import_value_unknown: { sv: "{label} \"{value}\" finns inte (giltiga: {valid})", en: "{label_en} \"{value}\" does not exist (valid: {valid})" },
  import_status: { sv: "Statusen \"{value}\" kan inte importeras: en pågående körning följer inte med en fil; ange pending, active, inactive eller failed", en: "The status \"{value}\" cannot be imported: a run in progress does not come with a file; use pending, active, inactive or failed" },
  import_exists: { sv: "Adressen {slug} finns redan i registret; en import lägger bara till nya kunder och ändrar aldrig en befintlig", en: "The address {slug} is already in the register; an import only adds new customers and never changes an existing one" },
  import_duplicate: { sv: "Adressen {slug} används redan av rad {line} i filen", en: "The address {slug} is already used by line {line} of the file" },
  keyring_no_session_bus: { sv: "Nyckelringen kan inte nås: ingen D-Bus-session körs. Starta Fabrik från en skrivbordssession (eller i en terminal med `dbus-run-session`).", en: "The keyring cannot be reached: no D-Bus session is running. Start Fabrik from a desktop session (or in a terminal with `dbus-run-session`)." },
  keyring_no_secret_service: { sv: "Ingen nyckelringstjänst (Secret Service) körs. Installera och starta gnome-keyring (eller KeePassXC med Secret Service påslaget) och försök igen.", en: "No keyring service (Secret Service) is running. Install and start gnome-keyring (or KeePassXC with Secret Service enabled) and try again." },
  keyring_locked: { sv: "Nyckelringen är låst. Lås upp den (till exempel genom att logga ut och in igen) och försök igen.", en: "The keyring is locked. Unlock it (for example by logging out and in again) and try again." },
  team_already_in_team: { sv: "{email} är redan med i teamet (inbjuden eller med ett konto i instansen) och bjuds inte in igen", en: "{email} is in the team already (invited, or with an account in the instance) and is not invited again" },
  team_owner_role: { sv: "Ägare är den första administratören; bjud in som admin, medlem eller läsare", en: "The owner is the first administrator; invite as admin, member or viewer" },
  team_role_unknown: { sv: "Rollen «{role}» finns inte; skriv admin, medlem eller läsare (member, viewer)", en: "There is no role \"{role}\"; write admin, member or viewer" },
  team_duplicate_row: { sv: "Samma adress som på rad {line}", en: "The same address as on line {line}" },
  team_list_unreadable: { sv: "Listan kan inte läsas som CSV: {detail}", en: "The list cannot be read as CSV: {detail}" },
  team_list_empty: { sv: "Listan har ingen person (kolumnerna är namn, e-post, roll)", en: "The list has nobody in it (the columns are name, email, role)" },
  team_list_too_long: { sv: "Listan har {count} personer; högst {max} bjuds in åt gången", en: "The list has {count} people; at most {max} are invited at a time" },
  team_mail_not_agency: { sv: "Instansen för {slug} skickar ännu sin e-post med Supabases inbyggda tjänst (några brev i timmen, från Supabases adress). Låt den skicka som byrån först: «Skicka e-post som byrån» på kundsidan, eller fabrik team mail {slug}. Ingen bjöds in.", en: "The instance of {slug} still sends its email through Supabase's built-in service (a few emails an hour, from Supabase's address). Let it send as the agency first: \"Send email as the agency\" on the customer page, or fabrik team mail {slug}. Nobody was invited." },
  team_over_hourly_limit: { sv: "Instansen för {slug} får skicka {limit} e-brev i timmen och {sent} har gått den senaste timmen: {count} inbjudningar ryms inte. Bjud in högst {left} nu och resten om en timme, eller höj team.emails_per_hour och kör «Skicka e-post som byrån». Ingen bjöds in.", en: "The instance of {slug} may send {limit} emails an hour and {sent} went in the last hour: {count} invitations do not fit. Invite at most {left} now and the rest in an hour, or raise team.emails_per_hour and run \"Send email as the agency\". Nobody was invited." },
  team_not_in_team: { sv: "{email} finns inte i teamet för {slug}", en: "{email} is not in the team of {slug}" },
  team_not_fabriks: { sv: "{email} i {slug} lades inte till av Fabrik ({why}) och ändras inte härifrån. Gör det i kundens app eller i Supabase (Authentication → Users).", en: "{email} in {slug} was not added by Fabrik ({why_en}) and is not changed from here. Do it in the customer's app or in Supabase (Authentication → Users)." },
  team_already_accepted: { sv: "{email} har redan tackat ja och har ett konto; en ny inbjudan behövs inte (ett glömt lösenord återställs från appens inloggning)", en: "{email} has accepted already and has an account; no new invitation is needed (a forgotten password is reset from the app's sign-in)" },
  team_resend_too_soon: { sv: "Inbjudan till {email} gick för mindre än en minut sedan; skicka igen om {seconds} s", en: "The invitation to {email} went less than a minute ago; send again in {seconds} s" },
  team_revoke_confirm: { sv: "{email} är {role} i {slug}: skriv adressen för att ta bort behörigheten", en: "{email} is {role} in {slug}: type the address to revoke the access" },
  team_invite_failed: { sv: "{email} bjöds inte in: {detail}", en: "{email} was not invited: {detail}" },
  billing_teardown_never_do: { sv: "En avveckling görs aldrig automatiskt: välj ingenting, meddela eller erbjud", en: "A teardown is never done on its own: choose nothing, tell or offer" },
  billing_grace_negative: { sv: "Anståndet är ett antal dagar, 0 eller fler (0 gör steget direkt), eller inget: tills Stripe ger upp", en: "The grace is a number of days, 0 or more (0 acts at once), or none: until Stripe gives up" },
  tick_busy: { sv: "En annan körning av fabrik tick pågår redan på den här datorn (sedan {since}); den här avslutas utan att göra något.", en: "Another fabrik tick is already running on this computer (since {since}); this one ends without doing anything." },
  schedule_failed: { sv: "Schemaläggaren ({scheduler}) tog inte emot jobbet: {detail}. Inget installerades.", en: "The scheduler ({scheduler}) did not take the job: {detail}. Nothing was installed." },
  schedule_plan: { sv: "Ogiltig tid för fabrik tick: {value}. Ange antingen var 5–1440:e minut eller ett eller flera klockslag som TT:MM.", en: "Invalid time for fabrik tick: {value}. Give either every 5–1440 minutes or one or more times of day as HH:MM." },
  keyring_timeout: { sv: "Nyckelringen svarade inte inom {seconds} sekunder, troligen för att den väntar på att låsas upp. Lås upp nyckelringen och försök igen.", en: "The keyring did not answer within {seconds} seconds, probably because it is waiting to be unlocked. Unlock the keyring and try again." },
  keyring_error: { sv: "Nyckelringen gav ett fel: {detail}", en: "The keyring reported an error: {detail}" },
  provider_unauthorized: { sv: "{provider} avvisade token ({detail})", en: "{provider} rejected the token ({detail})" },
  provider_forbidden: { sv: "{provider} nekade åtkomst ({detail})", en: "{provider} denied access ({detail})" },
  provider_not_found: { sv: "{provider} hittade inte resursen ({detail})", en: "{provider} did not find the resource ({detail})" },
  provider_conflict: { sv: "{provider} rapporterade en konflikt ({detail})", en: "{provider} reported a conflict ({detail})" },
  provider_rate_limited: { sv: "{provider} begränsar anropen just nu ({detail})", en: "{provider} is limiting requests right now ({detail})" },
  provider_unavailable: { sv: "{provider} svarar inte som det ska just nu ({detail})", en: "{provider} is not answering properly right now ({detail})" },
  provider_rejected: { sv: "{provider} avvisade anropet ({detail})", en: "{provider} rejected the request ({detail})" },
  provider_moved: { sv: "{provider}: resursen har flyttats eller bytt namn och ändras inte här ({detail})", en: "{provider}: the resource has moved or been renamed and is not changed here ({detail})" },
  provider_too_large: { sv: "{provider} skickade ett större svar än Fabrik läser ({detail}); läsningen slutade där", en: "{provider} sent a larger answer than Fabrik reads ({detail}); reading stopped there" },
  repo_name_taken: { sv: "Repot {repo} finns redan men skapades inte från mallen {template}. Ta bort eller byt namn på det, eller ge kunden ett annat adressnamn.", en: "The repository {repo} already exists but was not made from the template {template}. Delete or rename it, or give the customer another address name." },
  resource_not_ours: { sv: "{resource} {name} finns redan men skapades inte av Fabrik för den här kunden (Fabriks märkning saknas), så det varken tas över, ändras eller tas bort. Byt namn på eller ta bort det, eller ge kunden ett annat adressnamn.", en: "{resource_en} {name} already exists but was not created by Fabrik for this customer (Fabrik's marker is missing), so it is not adopted, changed or deleted. Rename or delete it, or give the customer another address name." },
  not_in_ledger: { sv: "{resource} {name} står på kundkortet men inte i Fabriks liggare: Fabrik har varken skapat eller tagit över det, så det tas inte bort, inte ens med kundens märkning (en märkning kan vara kopierad). Ta bort det för hand om det är kundens.", en: "{resource_en} {name} is on the customer's card but not in Fabrik's ledger: Fabrik neither created nor adopted it, so it is not deleted, not even with the customer's marker (a marker can be copied). Delete it by hand if it is the customer's." },
  resource_delivered: { sv: "{name} levererades av körning {run} och tas inte bort av en återställning: det som levererats tas bara bort av en avveckling (fabrik teardown {slug}).", en: "{name} was delivered by run {run} and is not removed by a rollback: what was delivered is removed only by a teardown (fabrik teardown {slug})." },
  not_made_by_run: { sv: "{name} bär inte den här körningens märkning, så körningen skapade det inte och tar inte bort det. Ska det bort görs det med en avveckling (fabrik teardown {slug}) eller för hand.", en: "{name} does not carry this run's mark, so this run did not create it and does not remove it. If it should go, a teardown (fabrik teardown {slug}) or a person removes it." },
  run_not_vouched: { sv: "Körning {run} ({slug}, {kind}) startades av {person}, som inte längre har rätten att {right}; ingen dator tar upp den av sig själv. En ägare ser över den (fabrik runs show {run}) och tar upp eller återställer den.", en: "Run {run} ({slug}, {kind_en}) was started by {person}, who no longer holds the right to {right_en}; no computer takes it up on its own. An owner looks it over (fabrik runs show {run}) and resumes or rolls it back." },
  changed_elsewhere: { sv: "{resource} {name} har ändrats av någon annan sedan Fabrik skrev det, så Fabrik återställer det inte och lämnar det som det är. Återställ det för hand om ändringen inte ska vara kvar.", en: "{resource_en} {name} was changed by someone else after Fabrik wrote it, so Fabrik does not restore it and leaves it as it is. Restore it by hand if the change should not stay." },
  not_restorable: { sv: "{resource} {name} fanns inte före uppdateringen, så det finns inget tidigare innehåll att återställa.", en: "{resource_en} {name} did not exist before the update, so there is no earlier content to restore." },
  admin_password_replaced: { sv: "Administratörens lösenord ({name}) sätts inte tillbaka: det senast mejlade lösenordet skickades från {seat}, och det som finns kvar på den här datorn kan vara ett äldre som det ersatte. Administratören har nu ett nytt lösenord som inte skickades; skicka ett nytt med \"Nytt lösenord\" eller `fabrik admin reset-password`.", en: "The administrator's password ({name}) is not put back: the password mailed last was sent from {seat_en}, and the one left on this computer may be an older one it replaced. The administrator now has a new password that was not sent; send a new one with \"New password\" or `fabrik admin reset-password`." },
  resource_gone: { sv: "{resource} {name} finns inte längre, så det finns inget att ändra. Kör en hälsokontroll för att se vad som saknas.", en: "{resource_en} {name} no longer exists, so there is nothing to change. Run a health check to see what is missing." },
  domain_not_added: { sv: "Domänen {domain} på Vercel-projektet {project} lades inte till av Fabrik för den här kunden, så Fabrik tar inte bort den. Ta bort den i Vercel (projektet → Settings → Domains) om den ska bort.", en: "The domain {domain} on the Vercel project {project} was not added by Fabrik for this customer, so Fabrik does not remove it. Remove it in Vercel (the project → Settings → Domains) if it should go." },
  domain_taken: { sv: "Domänen {domain} används redan av ett annat Vercel-projekt ({detail}). Ta bort den där först, eller välj en annan domän.", en: "The domain {domain} is already used by another Vercel project ({detail}). Remove it there first, or choose another domain." },
  resource_foreign: { sv: "{resource} {name} (id {id}) finns redan men skapades inte av Fabrik för den här kunden (Fabriks märkning saknas), så Fabrik varken tar över, ändrar eller tar bort det. Byt namn på eller ta bort det, ge kunden ett annat adressnamn, eller ta över just det med avsikt: \"Ta över…\" i fönstret eller `fabrik provision {slug} --adopt {name}`.", en: "{resource_en} {name} (id {id}) already exists but was not created by Fabrik for this customer (Fabrik's marker is missing), so Fabrik does not adopt, change or delete it. Rename or delete it, give the customer another address name, or adopt this one on purpose: \"Adopt…\" in the window or `fabrik provision {slug} --adopt {name}`." },
  vercel_name_taken: { sv: "Vercel-projektet {name} finns redan och är kopplat till ett annat repo ({repo}).", en: "The Vercel project {name} already exists and is linked to another repository ({repo})." },
  vercel_env_rejected: { sv: "Vercel sparade inte miljövariabeln {key}: {message}", en: "Vercel did not save the environment variable {key}: {message}" },
  vercel_env_not_saved: { sv: "Vercel sparade inte {keys} efter {attempts} försök: {message}", en: "Vercel did not save {keys} after {attempts} attempts: {message}" },
  schema_mismatch: { sv: "Databasschemat stämmer inte: {problem}", en: "The database schema does not match: {problem}" },
  auth_mail_not_taken: { sv: "Supabase-projektet {project} tog inte emot byråns e-postinställningar; det svarade {detail}. Kontrollera avsändaren (email.sender_address) och kör «Skicka e-post som byrån» igen.", en: "The Supabase project {project} did not take the agency's email settings; it answered {detail}. Check the sender (email.sender_address) and run \"Send email as the agency\" again." },
  handover_refused: { sv: "{provider} tog inte emot överlämningen till {target}: {why} ({detail}). Inget mer lämnades över; rätta det och kör överlämningen igen, eller dra tillbaka den med `fabrik handover SLUG --withdraw`.", en: "{provider} did not take the handover to {target}: {why_en} ({detail}). Nothing more was handed over; put it right and run the handover again, or withdraw it with `fabrik handover SLUG --withdraw`." },
  sending_domain_unusable: { sv: "Avsändardomänen {domain} är inte en verifierad domän i byråns Resend-konto ({status}): instansens sändningsnyckel begränsas till den domänen. Verifiera den i Resend (Domains) eller byt email.sender_address.", en: "The sender domain {domain} is not a verified domain of the agency's Resend account ({status}): the instance's sending key is restricted to that domain. Verify it in Resend (Domains) or change email.sender_address." },
  resend_key_sends_only: { sv: "Byråns Resend-nyckel får bara skicka e-post, så den kan inte ge instansen en egen sändningsnyckel. Skapa en nyckel med Full access i Resend (API Keys) och spara den: fabrik secrets set resend.", en: "The agency's Resend key may only send email, so it cannot give the instance a sending key of its own. Make a key with Full access in Resend (API Keys) and save it: fabrik secrets set resend." },
  schema_drift: { sv: "Databasen har glidit från migreringsfilerna och hoppas över: {problem}", en: "The database has drifted from the migration files and is skipped: {problem}" },
  migration_refused: { sv: "Migreringen läggs inte in: {problem}", en: "The migration is not applied: {problem}" },
  rollout_not_found: { sv: "Ingen utrullning {id} i registret", en: "No roll-out {id} in the register" },
  rollout_open: { sv: "Utrullning {id} är inte avslutad: starta, pausa eller avbryt den först (fabrik rollout status)", en: "Roll-out {id} is not finished: start, pause or abort it first (fabrik rollout status)" },
  rollout_busy: { sv: "Utrullning {id} drivs redan av en annan process; vänta, eller pausa den därifrån", en: "Roll-out {id} is already driven by another process; wait, or pause it from there" },
  rollout_state: { sv: "Utrullning {id} är {state} och kan inte ändras så", en: "Roll-out {id} is {state} and cannot change that way" },
  rollout_plan: { sv: "Utrullningen kan inte planeras: {reason}", en: "The roll-out cannot be planned: {reason_en}" },
  template_base_unknown: { sv: "Det är okänt vilken version av mallen {repo} står på (ingen i registret, och ingen mallversion har repots första commit); ange den med fabrik template base {slug} <sha>", en: "It is unknown which version of the template {repo} stands on (none in the register, and no template version has the repository's first commit); state it with fabrik template base {slug} <sha>" },
  template_branch_taken: { sv: "Grenen {branch} i {repo} finns redan men är inte Fabriks; Fabrik rör den inte. Ta bort eller byt namn på grenen och kör utrullningen igen", en: "The branch {branch} in {repo} exists but is not Fabrik's; Fabrik leaves it alone. Delete or rename the branch and run the roll-out again" },
  backup_failed: { sv: "Säkerhetskopian kunde inte tas: {detail}", en: "The backup could not be taken: {detail}" },
  backup_not_found: { sv: "Säkerhetskopia {backup} finns inte för den här kunden i {environment} (eller är borttagen); välj en i listan över kundens säkerhetskopior.", en: "Backup {backup} does not exist for this customer in {environment} (or was removed); choose one from the customer's list of backups." },
  backup_unreadable: { sv: "Säkerhetskopia {backup} kan inte läsas: {detail}", en: "Backup {backup} cannot be read: {detail}" },
  restore_failed: { sv: "Databasen kunde inte återställas från säkerhetskopia {backup} och är som den var: {detail}", en: "The database could not be restored from backup {backup} and is as it was: {detail}" },
  gitea_not_set: { sv: "Säkerhetskopior av flöden går till byråns Gitea, men {missing} saknas. Ange den under Inställningar → Gitea (eller fabrik secrets set gitea / fabrik settings set gitea.api_url URL) och testa anslutningen.", en: "Workflow backups go to the agency's Gitea, but {missing_en} is missing. Set it under Settings → Gitea (or fabrik secrets set gitea / fabrik settings set gitea.api_url URL) and test the connection." },
  workflow_backup_failed: { sv: "Flödena kunde inte säkerhetskopieras till {repository}: {detail}", en: "The workflows could not be backed up to {repository}: {detail}" },
  workflow_version_not_found: { sv: "Version {version} av flödet {workflow} finns inte för den här kunden; välj en i listan (fabrik backup list {slug}).", en: "Version {version} of the workflow {workflow} does not exist for this customer; choose one from the list (fabrik backup list {slug})." },
  export_out_exists: { sv: "{path} finns redan; exporten skriver aldrig över en fil. Välj ett annat namn.", en: "{path} exists already; an export never writes over a file. Choose another name." },
  export_folder_missing: { sv: "Mappen {folder} finns inte; skapa den först eller välj en annan.", en: "The folder {folder} does not exist; create it first or choose another." },
  export_failed: { sv: "Exporten av {slug} kunde inte skrivas, och inget lämnades kvar: {detail}", en: "The export of {slug} could not be written, and nothing was left behind: {detail}" },
  update_no_feed: { sv: "Den här versionen av Fabrik ({current}) är byggd utan uppdateringskälla; en ny version installeras som ett nytt paket (docs/INSTALL.md).", en: "This build of Fabrik ({current}) names no update feed; a new version is installed as a new package (docs/INSTALL.md)." },
  update_no_key: { sv: "Den här versionen av Fabrik ({current}) är byggd utan nyckel att kontrollera uppdateringar med, så ingen installeras; en ny version installeras som ett nytt paket (docs/INSTALL.md).", en: "This build of Fabrik ({current}) carries no key to verify updates with, so none is installed; a new version is installed as a new package (docs/INSTALL.md)." },
  update_insecure_feed: { sv: "Uppdateringskällan {feed} är inte https; Fabrik läser bara en källa över https (eller http på den här datorn). Fabrik {current} körs vidare.", en: "The update feed {feed} is not https; Fabrik reads a feed over https only (or http on this computer). Fabrik {current} keeps running." },
  update_unreachable: { sv: "Uppdateringskällan {feed} gick inte att nå ({detail}). Fabrik {current} körs vidare; försök igen senare.", en: "The update feed {feed} could not be reached ({detail}). Fabrik {current} keeps running; try again later." },
  update_feed_invalid: { sv: "Uppdateringskällan {feed} gav inget giltigt svar ({detail}). Fabrik {current} körs vidare.", en: "The update feed {feed} gave no valid answer ({detail}). Fabrik {current} keeps running." },
  update_nothing_newer: { sv: "Det finns ingen nyare version än {current} att installera.", en: "There is no version newer than {current} to install." },
  update_download: { sv: "Nedladdningen av Fabrik {version} blev inte hel ({detail}); inget installerades och Fabrik {current} körs vidare.", en: "The download of Fabrik {version} did not complete ({detail}); nothing was installed and Fabrik {current} keeps running." },
  update_signature: { sv: "Fabrik {version} är inte signerad med nyckeln som den här versionen litar på ({detail}): filen kan vara ändrad eller signerad av någon annan. Inget installerades och Fabrik {current} körs vidare.", en: "Fabrik {version} is not signed with the key this version trusts ({detail}): the file may have been altered or signed by someone else. Nothing was installed and Fabrik {current} keeps running." },
  update_not_newer: { sv: "Uppdateringskällan erbjuder Fabrik {version}, men paketets signatur säger {signed}: Fabrik installerar bara den erbjudna versionen när den är nyare än {current}, aldrig en äldre under ett nyare nummer. Inget installerades och Fabrik {current} körs vidare.", en: "The update feed offers Fabrik {version}, but the bundle's signature says {signed_en}: Fabrik installs the version offered only when it is newer than {current}, never an older one under a newer number. Nothing was installed and Fabrik {current} keeps running." },
  update_install: { sv: "Fabrik {version} kunde inte installeras ({detail}); Fabrik {current} finns kvar och körs vidare.", en: "Fabrik {version} could not be installed ({detail}); Fabrik {current} is still in place and keeps running." },
  update_runs_active: { sv: "Fabrik {version} väntade i tolv timmar på att körningarna {runs} skulle bli klara och installerades inte; Fabrik {current} körs vidare. Sök efter uppdatering igen när de är klara.", en: "Fabrik {version} waited twelve hours for the runs {runs} to finish and was not installed; Fabrik {current} keeps running. Check for updates again once they are done." },
  update_not_installable: { sv: "Den här installationen av Fabrik ({how}) byts inte ut av Fabrik själv: installera den nya versionens paket (docs/INSTALL.md).", en: "This installation of Fabrik ({how}) is not replaced by Fabrik itself: install the new version's package (docs/INSTALL.md)." },
  workflow_version_not_ours: { sv: "Version {version} i {repository} är inte kundens flöde {workflow} ({why}) och skrivs inte tillbaka. Välj en annan version.", en: "Version {version} in {repository} is not the customer's workflow {workflow} ({why_en}) and is not written back. Choose another version." },
  restore_mismatch: { sv: "Återställningen från säkerhetskopia {backup} är gjord (databasen är ersatt), men den gav inte tillbaka samma rader: {tables}", en: "The restore from backup {backup} was committed (the database is replaced), but it did not bring back the same rows: {tables}" },
  recovery_not_on_plan: { sv: "Supabase-projektet för {slug} har ingen återställning till en tidpunkt (PITR) och inga fysiska säkerhetskopior på sin plan — använd Fabriks egna säkerhetskopior: fabrik backup list {slug}", en: "The Supabase project of {slug} has no point-in-time recovery and no physical backups on its plan — use Fabrik's own backups: fabrik backup list {slug}" },
  recovery_outside_window: { sv: "{at} ligger utanför det Supabase kan återställa för {slug}: från {earliest} till {latest} (UTC); inget gjordes", en: "{at} is outside what Supabase can restore for {slug}: from {earliest} to {latest} (UTC); nothing was done" },
  recovery_no_backup_at: { sv: "Supabase-projektet för {slug} har ingen återställning till en godtycklig tidpunkt (PITR), bara fysiska säkerhetskopior; ange en av deras tider: {times}. Inget gjordes", en: "The Supabase project of {slug} has no point-in-time recovery, only physical backups; give one of their times: {times}. Nothing was done" },
  recovery_failed: { sv: "Supabase kunde inte återställa databasen i projektet {project} till {at} ({status}); Fabriks säkerhetskopia av det som fanns före finns i fabrik backup list {slug}", en: "Supabase could not restore the database of the project {project} to {at} ({status}); Fabrik's backup of what was there before is in fabrik backup list {slug}" },
  supabase_init_failed: { sv: "Supabase-projektet {project} kunde inte starta ({status})", en: "The Supabase project {project} could not start ({status})" },
  deployment_failed: { sv: "Driftsättningen {deployment} misslyckades ({state}): {detail}", en: "The deployment {deployment} failed ({state}): {detail}" },
  deployment_unknown: { sv: "Vercel känner inte till någon driftsättning {deployment}, så inget ändrades. Välj en av {slug}s driftsättningar i `fabrik deployments list {slug}` (eller under Driftsättningar i fönstret).", en: "Vercel knows no deployment {deployment}, so nothing was changed. Choose one of {slug}'s deployments from `fabrik deployments list {slug}` (or under Deployments in the window)." },
  deployment_foreign: { sv: "Driftsättningen {deployment} hör till Vercel-projektet {project}, inte till {slug}s projekt {own}, så Fabrik gör den inte till produktion för {slug}; inget ändrades. Välj en av kundens egna driftsättningar i `fabrik deployments list {slug}`.", en: "The deployment {deployment} belongs to the Vercel project {project}, not to {slug}'s project {own}, so Fabrik does not make it production for {slug}; nothing was changed. Choose one of the customer's own deployments from `fabrik deployments list {slug}`." },
  deployment_not_ready: { sv: "Driftsättningen {deployment} är {state}, inte READY, så den kan inte bli produktion; inget ändrades. Välj en som är READY i `fabrik deployments list {slug}`, eller vänta tills den här är klar.", en: "The deployment {deployment} is {state}, not READY, so it cannot become production; nothing was changed. Choose one that is READY from `fabrik deployments list {slug}`, or wait until this one has finished." },
  deployment_not_production: { sv: "Driftsättningen {deployment} byggdes inte för produktion (mål: {target}), så Fabrik gör den inte till produktion; inget ändrades. Välj en produktionsdriftsättning i `fabrik deployments list {slug}`, eller gör en ny med `fabrik redeploy {slug}`.", en: "The deployment {deployment} was not built for production (target: {target}), so Fabrik does not make it production; nothing was changed. Choose a production deployment from `fabrik deployments list {slug}`, or make a new one with `fabrik redeploy {slug}`." },
  nothing_to_undo: { sv: "Det finns ingen återgång att ångra för {slug}: ingen lyckad körning har gjort en tidigare driftsättning till produktion. Välj en driftsättning i `fabrik deployments list {slug}` och gör den till produktion.", en: "There is no rollback to undo for {slug}: no successful run made an earlier deployment production. Choose a deployment from `fabrik deployments list {slug}` and make it production." },
  site_not_public: { sv: "Produktionsadressen {url} svarar {status} för en besökare utan inloggning: Vercels Deployment Protection skyddar den. Stäng av skyddet för produktionsdomäner (projektet i Vercel → Settings → Deployment Protection) och försök igen.", en: "The production address {url} answers {status} to a visitor who is not logged in: Vercel's Deployment Protection covers it. Turn the protection off for production domains (the project in Vercel → Settings → Deployment Protection) and try again." },
  wait_timeout: { sv: "{what}: gav upp efter {seconds} s", en: "Gave up waiting after {seconds} s ({what_en})" },
  ledger_incomplete: { sv: "{step} saknar {field} i körningens liggare", en: "{step} has no {field} in the run's ledger" },
  ledger_write_failed: { sv: "Körningens liggare kunde inte skrivas: {detail}", en: "The run's ledger could not be written: {detail}" },
  ledger_row_missing: { sv: "Liggaren har ingen rad för körning {run}, steg {step}; inget skrevs", en: "The ledger has no row for run {run}, step {step}; nothing was written" },
  cancelled: { sv: "Avbruten", en: "Cancelled" },
  required: { sv: "{label} måste anges", en: "{label_en} is required" },
  too_long: { sv: "{label} får vara högst {max} tecken", en: "{label_en} may be at most {max} characters" },
  email_too_long: { sv: "E-postadressen är för lång", en: "The email address is too long" },
  email_invalid: { sv: "Ogiltig e-postadress (till exempel anna@foretag.se)", en: "Invalid email address (for example anna@company.com)" },
  email_no_at: { sv: "E-postadressen saknar @", en: "The email address has no @" },
  url_not_https: { sv: "Adressen måste börja med https://", en: "The address must start with https://" },
  domain_invalid: { sv: "«{domain}» är inte ett domännamn som kan läggas till; skriv bara namnet, till exempel kund.byran.se", en: "“{domain}” is not a domain name that can be added; write just the name, for example customer.agency.com" },
  url_invalid: { sv: "Ogiltig webbadress", en: "Invalid web address" },
  supabase_ref_invalid: { sv: "Supabase-projektets ref är 20 små bokstäver a–z", en: "A Supabase project ref is 20 lower-case letters a–z" },
  vercel_id_invalid: { sv: "Vercel-projektets id börjar med prj_ följt av bokstäver och siffror", en: "A Vercel project id starts with prj_ followed by letters and digits" },
  n8n_id_invalid: { sv: "n8n-flödets id får bara innehålla bokstäver, siffror och bindestreck", en: "An n8n workflow id may contain only letters, digits and hyphens" },
  slug_too_short: { sv: "Adressnamnet måste vara minst {min} tecken", en: "The address name must be at least {min} characters" },
  slug_too_long: { sv: "Adressnamnet får vara högst {max} tecken", en: "The address name may be at most {max} characters" },
  slug_invalid_character: { sv: "Adressnamnet får bara innehålla a–z, 0–9 och bindestreck", en: "The address name may contain only a–z, 0–9 and hyphens" },
  slug_edge_hyphen: { sv: "Adressnamnet får inte börja eller sluta med bindestreck", en: "The address name may not start or end with a hyphen" },
  slug_double_hyphen: { sv: "Adressnamnet får inte innehålla två bindestreck i rad", en: "The address name may not contain two hyphens in a row" },
  slug_reserved: { sv: "Adressnamnet är reserverat", en: "The address name is reserved" },
  slug_not_derivable: { sv: "Kunde inte skapa ett adressnamn av namnet ({reason}); skriv ett själv", en: "Could not make an address name from the name ({reason_en}); type one yourself" },
  slug_taken: { sv: "Adressnamnet {slug} används redan av en annan kund", en: "The address name {slug} is already used by another customer" },
  account_name_invalid: { sv: "{label} \"{value}\" är inget namn som kontot kan ha: bara bokstäver, siffror och bindestreck", en: "{label_en} \"{value}\" is not a name the account can have: only letters, digits and hyphens" },
  slug_locked: { sv: "Adressnamnet kan inte ändras när kunden har en instans", en: "The address name cannot change while the customer has an instance" },
  moment_invalid: { sv: "Tiden «{value}» kan inte läsas; ange den som RFC 3339 (2025-03-01T12:00:00Z) eller i unixsekunder", en: "The time “{value}” cannot be read; give it as RFC 3339 (2025-03-01T12:00:00Z) or in unix seconds" },
  move_archive_unreadable: { sv: "Flyttarkivet {file} kan inte läsas: {detail}", en: "The move archive {file} cannot be read: {detail}" },
  move_version: { sv: "Arkivet flyttas inte in i {slug}, och ingenting ändrades: {problem}", en: "The archive is not moved into {slug}, and nothing was changed: {problem_en}" },
  move_failed: { sv: "Arkivet kunde inte flyttas in i {slug}, som är som det var: {detail}", en: "The archive could not be moved into {slug}, which is as it was: {detail}" },
  move_mismatch: { sv: "Arkivet är inflyttat i {slug} (databasen och användarna är ersatta), men det gav inte tillbaka detsamma: {differs}", en: "The archive was moved into {slug} (the database and the users are replaced), but it did not bring back the same: {differs}" },
};
