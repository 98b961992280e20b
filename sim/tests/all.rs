//! Every integration test of the simulator, as one test binary (see tests/all.rs of the core).

mod common;
mod contract;

mod gitea;
mod github;
mod github_git;
mod handover;
mod n8n_export;
mod n8n_resend;
mod pg_cleanup;
mod sim_admin;
mod stripe;
mod supabase;
mod usage;
mod vercel;
mod vercel_domains;
mod waits;
