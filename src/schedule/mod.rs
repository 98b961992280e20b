//! Fabrik's work without an open window (issue #43): the system's own scheduler for the
//! signed-in person runs `fabrik tick` at the times the person chose. `units` is what each
//! scheduler is given, `system` puts it in place; what a tick does is the core's
//! (`api::tick`), judged on the register's clock.

pub mod system;
pub mod units;
