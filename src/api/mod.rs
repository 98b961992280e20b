//! The application's command surface, free of Tauri: the command table (`commands.rs`), and a
//! file per area whose every method is one command, a short call of one service below (the
//! register's, the supervisor's, the backups'…). The Tauri shell maps commands onto these
//! one-to-one, so the window, the CLI and the tests share one implementation (the pattern Yaak
//! and GitButler follow). No file here uses another but `app.rs`: `Fabrik`, the handles every
//! command reads.

pub mod app;
pub mod bindings;
pub mod commands;
pub mod events;

mod about;
mod backups;
mod billing;
mod credentials;
mod customers;
mod export;
mod guide;
mod handover;
mod inbox;
mod instances;
mod overview;
mod register;
mod relocation;
mod rollouts;
mod runs;
mod schedule;
mod usage;
