//! The providers' plan limits the setup proof and the budgets hold runs to. Kept here, in one
//! place, until the providers' declaration table (`src/providers`) documents them: then these
//! names point there and nothing else changes.

/// Supabase's free plan: active free projects per user, across organizations
/// (contracts/README.md, "Idempotency / duplicates").
pub const SUPABASE_FREE_ACTIVE: u64 = 2;
/// Vercel's Hobby plan: projects per account (contracts/README.md, Vercel "Plan limits").
pub const VERCEL_HOBBY_PROJECTS: u64 = 200;
/// Vercel's Hobby plan: deployments a day.
pub const VERCEL_HOBBY_DEPLOYS_A_DAY: u32 = 100;
/// Resend's free plan: emails a day.
pub const RESEND_FREE_A_DAY: u32 = 100;
/// GitHub's content-creating requests an hour (the pacer's documented limit).
pub const GITHUB_CONTENT_HOUR: u64 = 500;
/// GitHub's content-creating requests a minute.
pub const GITHUB_CONTENT_MINUTE: u64 = 80;
