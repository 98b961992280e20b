//! The providers' plan and content limits as the setup proof and the budgets count them: each
//! read from its provider's declaration (`crate::provider`), where it is written once with its
//! source, and only given here the type these counts use.

use crate::provider;

/// Supabase's free plan: active free projects per user, across organizations.
pub const SUPABASE_FREE_ACTIVE: u64 = provider::SUPABASE_FREE_ACTIVE.count;
/// Vercel's Hobby plan: projects per account.
pub const VERCEL_HOBBY_PROJECTS: u64 = provider::VERCEL_HOBBY_PROJECTS.count;
/// Vercel's Hobby plan: deployments a day.
pub const VERCEL_HOBBY_DEPLOYS_A_DAY: u32 = provider::VERCEL_HOBBY_DEPLOYS_A_DAY.count as u32;
/// Resend's free plan: emails a day.
pub const RESEND_FREE_A_DAY: u32 = provider::RESEND_FREE_A_DAY.count as u32;
/// GitHub's content-creating requests an hour.
pub const GITHUB_CONTENT_HOUR: u64 = provider::GITHUB_CONTENT_HOUR.limit.requests as u64;
/// GitHub's content-creating requests a minute.
pub const GITHUB_CONTENT_MINUTE: u64 = provider::GITHUB_CONTENT_MINUTE.limit.requests as u64;
