//! The services the commands call, one per area, each over the supervisor: what the window and
//! the CLI ask about runs without starting one (`runs.rs`), the customers' backups and their
//! schedule (`backups.rs`), deployments made production again (`deployments.rs`), roll-outs
//! and template updates driven by the fleet over this process's supervisor (`rollouts.rs`,
//! `templates.rs`), and the window's desk that drives them in the background
//! (`rollout_desk.rs`); the register's customers, people and preferences (`register.rs`); what each customer uses,
//! costs and pays (`usage.rs`); billing beside the fleet (`billing.rs`); a customer's data as an
//! archive for them (`export.rs`); the watch that notifies what the overview lists as new
//! (`notices.rs`).

pub mod backups;
pub mod billing;
pub mod deployments;
pub mod export;
pub mod handover;
pub mod notices;
pub mod register;
pub mod relocation;
pub mod rollout_desk;
pub mod rollouts;
pub mod runs;
pub mod team;
pub mod templates;
pub mod usage;
