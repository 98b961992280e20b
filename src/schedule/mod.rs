//! Fabrik's scheduled work (issue #43): the jobs (`jobs.rs`: each declared once, in one table
//! naming its checks and its work), when each is due (`due.rs`, the backups' rules in
//! `backups.rs`), what each does (`work.rs`; the usage collection and its alert in `usage.rs`),
//! the tick that runs them under leases in the register (`ticker.rs`) and what it reports
//! (`report.rs`), this computer's tick lock (`lock.rs`), where a tick runs (`runtime.rs`: the
//! window's round, `fabrik tick`), and the system's own scheduler for the
//! signed-in person: what it is given (`units.rs`), putting it in place (`system.rs`) and the
//! settings view (`view.rs`). Every judgement is on the register's clock.

pub mod backups;
mod billing;
mod due;
pub mod jobs;
pub mod lock;
pub mod report;
pub mod rows;
pub mod runtime;
pub mod system;
pub mod ticker;
pub mod units;
pub mod usage;
pub mod view;
mod work;

pub use lock::{last_refusal_here, lock_seat, SeatLock};
pub use report::{exit_code, JobReport, JobState, TickReport};
pub use runtime::{run_scheduled, LogHost};
pub use ticker::Ticker;
pub use view::{app_command, schedule_error, schedule_view, ScheduleView};
