//! Fabrik's own updates: the feed (Tauri's static `latest.json`) read into what this computer is
//! offered, every way an update does not happen, in words, and the install as the window asks it.
//! It stands on the foundation and the provider clients' HTTP policy; the core passes the module
//! on as `fabrik::update`.

pub mod update;

// The names every crate of Fabrik uses (`crate::messages`, `crate::store`, …).
use fabrik_base::{error, messages, ApiError};
use fabrik_providers::providers;
