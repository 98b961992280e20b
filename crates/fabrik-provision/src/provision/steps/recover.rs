//! The customer's database put back by Supabase's own backups (`recover`): to a second of
//! the point-in-time window, or to a physical backup's own time. What is possible lives in
//! `crate::database::recovery`; this step proves the project is the customer's, asks
//! Supabase once, and waits until the project is healthy again. Fabrik's own backup of what
//! it replaces was taken by the step before (`supabase.backup`), which checked first that the
//! recovery can happen at all, so a refused one leaves nothing behind.

use serde_json::json;

use super::{done, StepDef};
use crate::database::recovery::{self, Way};
use crate::ledger::events::StepOutcome;
use crate::ledger::{LogLevel, StepKey};
use crate::messages::params;
use crate::messages::{ErrorCode, Say};
use crate::provision::context::{Done, Poll, RunCtx, StepError};
use crate::provision::kinds::RunRequest;
use crate::provision::outputs;
use crate::secrets::Provider;

const SUPABASE: Option<Provider> = Some(Provider::Supabase);

step!(RECOVER: SupabaseRecover, "Återställ databasen med Supabases säkerhetskopior", "Restore the database with Supabase's backups", needs [SupabaseBackup], SUPABASE, recover);

const WAIT_RECOVERED: (&str, &str) = (
    "Väntar på att Supabase har återställt databasen",
    "Waiting for Supabase to restore the database",
);

/// Polls that may still read `ACTIVE_HEALTHY` right after an accepted restore before the
/// project is taken as not having started restoring (when the real API switches to
/// `RESTORING` is not confirmed; the simulator switches at once).
const GRACE_POLLS: u32 = 5;

/// The moment the run was asked for (`RunRequest::Recover`).
fn target(ctx: &RunCtx) -> Result<i64, StepError> {
    match ctx.request {
        Some(RunRequest::Recover { target, .. }) => Ok(target),
        _ => Err(StepError::permanent(
            ErrorCode::LedgerIncomplete,
            params! { "step" => StepKey::SupabaseRecover, "field" => "recover_to" },
        )),
    }
}

/// What Supabase offers now, and the call that reaches the target; the refusal (its plan, its
/// window) when there is none. Read before anything changes: by the backup step of a recover
/// run and by this step again right before its call.
pub(super) async fn check(ctx: &RunCtx) -> Result<(String, Way), StepError> {
    let at = target(ctx)?;
    let project_ref = ctx.out::<outputs::SupabaseProject>()?.project_ref;
    let b = ctx.clients.supabase.backups(&project_ref).await?;
    let way = recovery::choose(&b, &ctx.customer.slug, at)
        .map_err(|(code, params)| StepError::permanent(code, params))?;
    Ok((project_ref, way))
}

async fn recover(ctx: &RunCtx) -> Result<Done, StepError> {
    let at = target(ctx)?;
    // A run resumed after its call went out does not ask Supabase a second time.
    let asked = ctx.output(StepKey::SupabaseRecover)["asked"] == json!(true);
    let project_ref = if asked {
        super::migrate::proven_database(ctx).await?
    } else {
        let (_, way) = check(ctx).await?;
        // The project by the ref the ledger recorded, carrying the customer's marker, and this
        // run still its driver's: right before the call that replaces its database.
        let r = super::migrate::proven_database(ctx).await?;
        let status = ctx.clients.supabase.get_project(&r).await?.status;
        // A restore already under way (a call whose answer was lost) is not asked again.
        if status != "RESTORING" {
            match way {
                Way::PointInTime { at } => ctx.clients.supabase.restore_pitr(&r, at).await?,
                Way::Physical { id, .. } => ctx.clients.supabase.restore_physical(&r, id).await?,
            }
        }
        let out = json!({ "ref": r, "at": at, "asked": true, "way": match way {
            Way::PointInTime { .. } => json!({ "pitr": at }),
            Way::Physical { id, .. } => json!({ "physical_backup": id }),
        } });
        ctx.record_resource(StepKey::SupabaseRecover, &r, false, &out)
            .await?;
        r
    };
    wait_recovered(ctx, &project_ref, at, asked).await?;
    ctx.log(
        StepKey::SupabaseRecover,
        LogLevel::Info,
        &Say::StepDatabaseRecovered
            .with(params! { "project" => project_ref, "at" => recovery::moment(at) }),
    )
    .await;
    done(
        StepOutcome::Done,
        Some(project_ref.clone()),
        json!({ "ref": project_ref, "at": at, "asked": true }),
    )
}

/// Waits (the run's polling policy, the Supabase ceiling) until the project is
/// `ACTIVE_HEALTHY` again; `RESTORE_FAILED` and the other end states fail the step. Right
/// after the call, a healthy project is read as not yet restoring for a few polls.
async fn wait_recovered(
    ctx: &RunCtx,
    project_ref: &str,
    at: i64,
    resumed: bool,
) -> Result<(), StepError> {
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
    let (polls, left) = (AtomicU32::new(0), AtomicBool::new(resumed));
    let (polls, left) = (&polls, &left);
    ctx.wait_until(
        StepKey::SupabaseRecover,
        WAIT_RECOVERED.into(),
        ctx.timing.supabase_ready,
        move || async move {
            let n = polls.fetch_add(1, Ordering::Relaxed) + 1;
            let p = ctx.clients.supabase.get_project(project_ref).await?;
            match p.status.as_str() {
                "ACTIVE_HEALTHY" if left.load(Ordering::Relaxed) || n > GRACE_POLLS => {
                    Ok(Poll::Ready(()))
                }
                "ACTIVE_HEALTHY" => Ok(Poll::Pending(Some(p.status))),
                "RESTORE_FAILED" | "INIT_FAILED" | "REMOVED" | "GOING_DOWN" | "INACTIVE"
                | "PAUSING" | "PAUSE_FAILED" => Err(StepError::permanent(
                    ErrorCode::RecoveryFailed,
                    params! {
                        "project" => project_ref,
                        "at" => recovery::moment(at),
                        "status" => p.status,
                        "slug" => ctx.customer.slug,
                    },
                )),
                _ => {
                    left.store(true, Ordering::Relaxed);
                    Ok(Poll::Pending(Some(p.status)))
                }
            }
        },
    )
    .await
}
