//! Every integration test of the core and the CLI, as one test binary: each file is a module.
//! One binary compiles the shared helpers and the generic code once and links once, where a
//! binary a file compiled and linked them 29 times (minutes of the test command on two cores).
//! nextest still runs every test in a process of its own. A suite alone: `cargo nextest run
//! --test all -E 'test(/^provision::/)'` or `cargo test --test all provision::`.

mod common;

mod backup;
mod billing;
mod by_id;
mod cli;
mod crash;
mod credentials;
mod day_two;
mod deployments;
mod docs;
mod export;
mod fleet;
mod handover;
mod health;
mod keyring;
mod layers;
mod metering;
mod n8n_client;
mod overview;
mod ownership;
mod pacing;
mod preflight;
mod provision;
mod reconcile;
mod recovery;
mod release;
mod relocation;
mod repo_storage;
mod rights;
mod rollout;
mod rollouts_window;
mod runs_api;
mod sandbox_postgres;
mod schedule;
mod self_contained;
mod setup;
mod shared_register;
mod sizes;
mod store;
mod stripe_client;
mod team;
mod template_rollout;
mod template_update;
mod ui_fixtures;
mod update_modules;
mod workflow_backup;
