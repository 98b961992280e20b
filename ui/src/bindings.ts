// Generated from the Rust types by `UPDATE_BINDINGS=1 cargo test -p fabrik bindings`. Do not edit.

export type ApiError = { code: string, message: string, 
/**
 * Per-field problems for `validation`; empty otherwise.
 */
fields: Array<FieldError>, };

export type FieldError = { field: string, code: string, message: string, };

export type AppInfo = { version: string, database_path: string, schema_version: number, customer_count: number, };

export type DraftCheck = { slug: string | null, errors: Array<FieldError>, };

export type Language = "sv" | "en";

export type Preferences = { language: Language, };

export type Plan = "starter" | "professional" | "enterprise";

export type Module = "crm" | "email" | "social" | "content" | "accommodation";

export type Status = "pending" | "provisioning" | "active" | "failed" | "inactive";

export type SortKey = "name_asc" | "name_desc" | "created_desc" | "created_asc";

export type Instance = { production_url: string | null, github_repo_url: string | null, supabase_project_ref: string | null, vercel_project_id: string | null, n8n_workflow_id: string | null, };

export type InstanceLinks = { production: string | null, github: string | null, supabase: string | null, vercel: string | null, };

export type Customer = { id: number, slug: string, name: string, admin_email: string, contact_name: string | null, plan: Plan, modules: Array<Module>, status: Status, notes: string, 
/**
 * Example data ("exempeldata"), removable in one click.
 */
is_example: boolean, instance: Instance, links: InstanceLinks, created_at: string, updated_at: string, 
/**
 * Bumped on every write; an edit made against an older version is refused.
 */
version: number, };

export type CustomerRow = { id: number, slug: string, name: string, admin_email: string, plan: Plan, status: Status, is_example: boolean, production_url: string | null, created_at: string, };

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
search?: string, status?: Status, sort?: SortKey, };

export type ModuleInfo = { key: Module, name: { [key in string]: string }, description: { [key in string]: string }, };

export type ModuleManifest = { version: number, modules: Array<ModuleInfo>, plans: { [key in Plan]?: Array<Module> }, };

export type Environment = "sandbox" | "production";

export type Provider = "github" | "supabase" | "vercel" | "n8n" | "resend";

export type VerifyState = "verified" | "rejected" | "missing_scope" | "wrong_account" | "unreachable" | "not_configured";

export type Verification = { provider: Provider, state: VerifyState, 
/**
 * Who the token belongs to (GitHub login, Supabase organizations, Vercel user).
 */
account: string | null, message: string, 
/**
 * Works, but with a caveat (e.g. no `delete_repo`: rollback cannot delete repositories).
 */
warnings: Array<string>, };

export type CredentialState = "missing" | "saved" | "verified" | "problem";

export type CredentialStatus = { provider: Provider, state: CredentialState, 
/**
 * The token comes from an environment variable (headless use), not the keyring.
 */
from_env: boolean, verification: Verification | null, };

export type SettingEntry = { key: string, value: string, 
/**
 * What it is for, in Swedish.
 */
help: string, 
/**
 * Set by the sandbox's simulated world (shown, not editable there).
 */
fixed_by_sandbox: boolean, };

export type Readiness = { ready: boolean, 
/**
 * Providers whose token is missing (production only; the sandbox has its own).
 */
missing: Array<Provider>, 
/**
 * Settings that must be set first, or a keyring problem, in Swedish.
 */
reason: string | null, };

export type RunDetail = { run: RunRow, steps: Array<StepRow>, log: Array<LogLine>, };

export type RunRow = { id: number, customer_id: number, slug: string, customer_name: string, kind: RunKind, state: RunState, environment: Environment, error: string | null, failed_step: StepKey | null, started_at: string, finished_at: string | null, owner_pid: number | null, heartbeat_at: string | null, };

export type StepRow = { key: StepKey, state: StepState, attempts: number, intent: string | null, external_id: string | null, created: boolean, output: unknown, error: string | null, waiting_for: string | null, started_at: string | null, finished_at: string | null, seq: number | null, };

export type LogLine = { id: number, step: StepKey | null, at: string, level: LogLevel, message: string, attempt: number | null, duration_ms: number | null, request_id: string | null, };

export type ProvisionPlan = { slug: string, items: Array<PlanItem>, 
/**
 * False when any step would be refused.
 */
feasible: boolean, };

export type PlanAction = "create" | "adopt" | "refuse" | "run" | "skip";

export type PlanItem = { step: StepKey, action: PlanAction, 
/**
 * In Swedish: the resource name and what will happen to it.
 */
detail: string, };

export type StartOutcome = { run_id: number, 
/**
 * The customer already had an active run; this is that run.
 */
already_running: boolean, };

export type StepKey = "supabase.project" | "supabase.ready" | "supabase.keys" | "supabase.schema" | "supabase.admin_user" | "github.repo" | "vercel.project" | "vercel.env" | "vercel.deploy" | "n8n.workflow" | "email.welcome" | "finalize";

export type StepOutcome = "created" | "adopted" | "done" | "skipped";

export type RunKind = "provision" | "teardown";

export type RunState = "running" | "cancelling" | "rolling_back" | "succeeded" | "failed" | "cancelled" | "rolled_back" | "rollback_failed";

export type StepState = "pending" | "running" | "waiting" | "retrying" | "succeeded" | "failed" | "skipped" | "compensating" | "compensated" | "compensation_failed";

export type LogLevel = "info" | "warn" | "error";

export type RunEvent = { "type": "run_started", run_id: number, slug: string, resumed: boolean, } | { "type": "step_started", run_id: number, step: StepKey, attempt: number, } | { "type": "step_waiting", run_id: number, step: StepKey, 
/**
 * What it waits for, in Swedish.
 */
waiting_for: string, 
/**
 * The provider's own state word, e.g. `COMING_UP` or `BUILDING`.
 */
detail: string | null, elapsed_ms: number, } | { "type": "step_retrying", run_id: number, step: StepKey, attempt: number, delay_ms: number, reason: string, } | { "type": "step_done", run_id: number, step: StepKey, outcome: StepOutcome, external_id: string | null, duration_ms: number, } | { "type": "step_failed", run_id: number, step: StepKey, code: string, message: string, } | { "type": "compensation_started", run_id: number, step: StepKey, external_id: string, } | { "type": "compensation_done", run_id: number, step: StepKey, } | { "type": "compensation_failed", run_id: number, step: StepKey, message: string, 
/**
 * How to remove what is left by hand.
 */
manual: string, } | { "type": "run_finished", run_id: number, state: RunState, error: string | null, };

export type Commands = {
  app_info: { args: {  }; result: AppInfo };
  list_customers: { args: { query: CustomerQuery }; result: Array<CustomerRow> };
  get_customer: { args: { slug: string }; result: Customer };
  create_customer: { args: { draft: CustomerDraft }; result: Customer };
  update_customer: { args: { slug: string; patch: CustomerPatch }; result: Customer };
  delete_customer: { args: { slug: string }; result: null };
  check_draft: { args: { draft: CustomerDraft }; result: DraftCheck };
  check_patch: { args: { slug: string; patch: CustomerPatch }; result: DraftCheck };
  load_examples: { args: {  }; result: number };
  remove_examples: { args: {  }; result: number };
  module_manifest: { args: {  }; result: ModuleManifest };
  get_preferences: { args: {  }; result: Preferences };
  set_language: { args: { language: Language }; result: Preferences };
  open_external: { args: { url: string }; result: null };
  environment: { args: {  }; result: Environment };
  credentials_status: { args: {  }; result: Array<CredentialStatus> };
  save_credential: { args: { provider: Provider; token: string }; result: CredentialStatus };
  test_credential: { args: { provider: Provider }; result: CredentialStatus };
  delete_credential: { args: { provider: Provider }; result: CredentialStatus };
  send_test_email: { args: {  }; result: CredentialStatus };
  list_settings: { args: {  }; result: Array<SettingEntry> };
  set_setting: { args: { key: string; value: string }; result: Array<SettingEntry> };
  set_environment: { args: { environment: Environment }; result: null };
  readiness: { args: {  }; result: Readiness };
  plan_provision: { args: { slug: string }; result: ProvisionPlan };
  start_provision: { args: { slug: string }; result: StartOutcome };
  cancel_run: { args: { run: number; rollback: boolean }; result: boolean };
  resume_run: { args: { run: number }; result: null };
  rollback_run: { args: { run: number }; result: null };
  teardown_customer: { args: { slug: string; confirmation: string }; result: null };
  list_runs: { args: { slug: string | null }; result: Array<RunRow> };
  run_detail: { args: { run: number }; result: RunDetail };
  interrupted_runs: { args: {  }; result: Array<RunRow> };
};
