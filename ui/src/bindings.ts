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
  list_settings: { args: {  }; result: Array<SettingEntry> };
  set_setting: { args: { key: string; value: string }; result: Array<SettingEntry> };
};
