//! Supabase pauses a project on the free plan that nobody has used for 7 days ("Going into
//! production › Availability", https://supabase.com/docs/guides/platform/going-into-prod#availability:
//! "Free projects are paused after 7 days of inactivity"). The simulator does the same by its
//! own day (`/__sim/clock`): a free project whose usage profile is idle (used on its first two
//! days only, `usage::api_requests`) is `INACTIVE` once 7 whole days have passed since it was
//! last used, and stays so until it is restored (`POST /v1/projects/{ref}/restore`). A project
//! on a paid plan, or one in use, is never paused.

use crate::usage::{self, day_of, Profile};
use crate::world::{Phase, Project, World};
use chrono::NaiveDate;

/// Whole days without use after which Supabase pauses a free project.
pub const IDLE_DAYS_BEFORE_PAUSE: i64 = 7;

/// The simulator's day a project was last used on, if it is idle: the day after it was made
/// or restored (an idle profile still answers on its first two days). A project from a world
/// saved before the simulator kept that time counts from its creation.
fn last_used(w: &World, p: &Project) -> Option<NaiveDate> {
    if usage::profile(w, &p.r#ref) != Profile::Idle {
        return None;
    }
    day_of(p.ready_ms.unwrap_or(p.created_ms)).succ_opt()
}

/// Whether Supabase would have paused the project by `today`.
fn due(w: &World, p: &Project, today: NaiveDate, wall_now: i64) -> bool {
    !p.recovery.on_paid_plan()
        && p.status(wall_now) == "ACTIVE_HEALTHY"
        && last_used(w, p).is_some_and(|d| (today - d).num_days() > IDLE_DAYS_BEFORE_PAUSE)
}

/// Whether any project is due (read first, so that an ordinary request writes nothing).
pub fn any_due(w: &World, wall_now: i64) -> bool {
    let today = usage::today(w);
    w.supabase
        .projects
        .iter()
        .any(|p| due(w, p, today, wall_now))
}

/// Pauses every free project unused for `IDLE_DAYS_BEFORE_PAUSE` days; the refs it paused.
pub fn pause_unused(w: &mut World, wall_now: i64) -> Vec<String> {
    let today = usage::today(w);
    let refs: Vec<String> = w
        .supabase
        .projects
        .iter()
        .filter(|p| due(w, p, today, wall_now))
        .map(|p| p.r#ref.clone())
        .collect();
    for p in w.supabase.projects.iter_mut() {
        if refs.contains(&p.r#ref) {
            // Paused at once: `INACTIVE` from now on, as the Dashboard shows a paused project.
            p.phase = Phase::Pausing;
            p.phase_since_ms = wall_now;
            p.phase_duration_ms = 0;
        }
    }
    refs
}
