//! The wave driver of every roll-out kind: a plan cut into waves, then per-instance runs
//! started through `Runs`, wave after wave, with the halt rule between waves, pause, resume,
//! abort, and a wave put back from its backups.
//!
//! Where everything stands lives in the register (`provision::rollouts`), never only in memory: a
//! driver killed at any moment leaves a roll-out the next `drive` continues. A member whose run
//! was started is followed through that run's own row (continued when its driver is gone); one
//! not yet started is checked by its kind right before its run, so an instance that drifted or
//! was paused meanwhile is reported and skipped, never forced.

use std::time::Duration;

use futures_util::StreamExt;

use super::definition::{
    parallel, paused_text, Definition, FleetResult, Found, Plan, Runs, Settled, Started,
};
use super::kinds::definition;
use super::waves;
use crate::customer::rows::CustomerRows;
use crate::customer::Status;
use crate::database::backup::rows::BackupRows;
use crate::error::Error;
use crate::ledger::{MemberState, RolloutState, RunState};
use crate::messages::params;
use crate::messages::{ErrorCode, Say, Text};
use crate::provision::rollouts::RolloutRows;
use crate::provision::rollouts::{MemberRow, NewMember, RolloutRow};
use crate::provision::RunRequest;
use crate::store::Store;

/// How often a driver says it is alive and reads a pause or abort from another seat.
const BEAT: Duration = Duration::from_secs(5);
/// How many other runs of an instance a member waits out before it counts as failed.
const BUSY_TRIES: usize = 5;

/// Plans a roll-out of `def`'s kind: what its survey finds on every delivered instance, and
/// the waves over those behind. Nothing is applied. Refused while another roll-out of the
/// kind is open in the environment. Returns the new roll-out's id.
pub async fn plan<D: Plan>(
    cx: &dyn Runs,
    def: &D,
    input: D::Input,
    waves: &str,
    halt_share: f64,
) -> FleetResult<i64> {
    let waves = waves::parse_waves(waves).map_err(Error::RolloutPlan)?;
    if !(0.0..=1.0).contains(&halt_share) {
        return Err(Error::RolloutPlan(Say::RolloutHaltShareRange.text()).into());
    }
    let env = cx.environment();
    if let Some(open) = cx.store().open_rollout(env, def.kind())? {
        return Err(Error::RolloutOpen(open.id).into());
    }
    let survey = def.survey(cx, input).await?;
    let mut members = Vec::new();
    let mut behind = Vec::new();
    for (customer_id, found) in survey.found {
        match found {
            Found::Settled(s) => members.push(NewMember {
                customer_id,
                wave: 0,
                state: s.state,
                reason: Some(s.reason),
                version_before: s.version,
            }),
            Found::Behind { version } => behind.push((customer_id, version)),
        }
    }
    let assigned = waves::assign(behind.len(), &waves);
    for ((customer_id, version), wave) in behind.into_iter().zip(assigned) {
        members.push(NewMember {
            customer_id,
            wave,
            state: MemberState::Pending,
            reason: None,
            version_before: version,
        });
    }
    Ok(cx.store().create_rollout(
        env,
        def.kind(),
        &survey.source,
        &survey.payload,
        halt_share,
        &members,
    )?)
}

fn get(store: &Store, id: i64) -> FleetResult<RolloutRow> {
    Ok(store.get_rollout(id)?.ok_or(Error::RolloutNotFound(id))?)
}

/// Pauses: the driver finishes the runs in flight and starts no new one.
pub fn pause(store: &Store, id: i64) -> FleetResult<()> {
    move_to(
        store,
        id,
        RolloutState::Paused,
        &[RolloutState::Running, RolloutState::Planned],
    )
}

/// Aborts: nothing more is applied; what was applied stays (restore it per instance).
pub fn abort(store: &Store, id: i64) -> FleetResult<()> {
    move_to(
        store,
        id,
        RolloutState::Aborted,
        &[
            RolloutState::Running,
            RolloutState::Planned,
            RolloutState::Paused,
            RolloutState::Halted,
        ],
    )
}

fn move_to(store: &Store, id: i64, to: RolloutState, from: &[RolloutState]) -> FleetResult<()> {
    let r = get(store, id)?;
    if !store.set_rollout_state(id, to, None, None, from)? {
        return Err(Error::RolloutState { id, state: r.state }.into());
    }
    Ok(())
}

/// "Återställ vågen": every instance of the wave a roll-out stopped at that its run changed
/// (done or failed) is put back to the backup its run took right before, each as a restore
/// run (which backs up what it replaces first). `confirmation` must be the roll-out's
/// number, typed. Returns each instance with how its restore ended.
pub async fn restore_wave(
    cx: &dyn Runs,
    id: i64,
    confirmation: &str,
) -> FleetResult<Vec<(String, RunState)>> {
    if confirmation.trim() != id.to_string() {
        return Err(Error::NotConfirmed.into());
    }
    let store = cx.store();
    let r = get(store, id)?;
    if r.state == RolloutState::Running {
        return Err(Error::RolloutState { id, state: r.state }.into());
    }
    let mut ended = Vec::new();
    for m in store.rollout_members(id)? {
        let touched = matches!(m.state, MemberState::Done | MemberState::Failed);
        let (true, Some(run_id), true) = (m.wave == r.wave, m.run_id, touched) else {
            continue;
        };
        let Some(backup) = store.backup_of_run(run_id)? else {
            continue;
        };
        let request = RunRequest::Restore {
            backup: backup.id,
            confirmation: m.slug.clone(),
        };
        let started = cx.start(m.slug.clone(), request).await?;
        let state = match started.end.await {
            Some(result) => result.map_err(|e| e.to_api())?,
            None => follow(cx, started.run_id).await?,
        };
        ended.push((m.slug, state));
    }
    Ok(ended)
}

/// Starts (or continues, or resumes) a roll-out and drives it until it is done, halted,
/// paused or aborted. A halted roll-out is continued from the wave that halted when the
/// owner starts it again (after restoring or fixing what failed).
pub async fn drive(cx: &dyn Runs, id: i64) -> FleetResult<()> {
    let store = cx.store();
    let r = get(store, id)?;
    if !r.state.is_open() && r.state != RolloutState::Halted {
        return Ok(());
    }
    let token = uuid::Uuid::new_v4().to_string();
    if !store.claim_rollout(id, &token, cx.lease())? {
        return Err(Error::RolloutBusy(id).into());
    }
    store.set_rollout_state(
        id,
        RolloutState::Running,
        None,
        None,
        &[
            RolloutState::Planned,
            RolloutState::Paused,
            RolloutState::Halted,
            RolloutState::Running,
        ],
    )?;
    let result = drive_claimed(cx, definition(r.kind), id, &token).await;
    let _ = store.release_rollout(id, &token);
    result
}

async fn drive_claimed(
    cx: &dyn Runs,
    def: &dyn Definition,
    id: i64,
    token: &str,
) -> FleetResult<()> {
    let store = cx.store();
    loop {
        let r = get(store, id)?;
        if r.state != RolloutState::Running {
            return Ok(());
        }
        let members = store.rollout_members(id)?;
        let last_wave = members.iter().map(|m| m.wave).max().unwrap_or(0);
        let wave: Vec<MemberRow> = members
            .into_iter()
            .filter(|m| m.wave == r.wave && !m.state.is_final())
            .collect();
        // A window of `parallel` members in flight: the next starts as soon as one ends,
        // not when the slowest of a batch has. Each start is checked against a pause or
        // abort; the runs in flight are finished, and the first error is returned after.
        let parallel = parallel(store);
        let mut next = wave.iter();
        let mut flight = futures_util::stream::FuturesUnordered::new();
        let mut stopped = false;
        let mut first_error = None;
        loop {
            while !stopped && first_error.is_none() && flight.len() < parallel {
                let Some(m) = next.next() else { break };
                if !still_running(store, id, token)? {
                    stopped = true;
                    break;
                }
                flight.push(member(cx, def, &r, m.clone()));
            }
            match flight.next().await {
                Some(Err(e)) => {
                    first_error.get_or_insert(e);
                }
                Some(Ok(())) => {}
                None => break,
            }
        }
        if let Some(e) = first_error {
            return Err(e);
        }
        if stopped || !still_running(store, id, token)? {
            return Ok(());
        }
        let now = store.rollout_members(id)?;
        let this: Vec<&MemberRow> = now.iter().filter(|m| m.wave == r.wave).collect();
        if this.iter().any(|m| !m.state.is_final()) {
            // A member's run is driven elsewhere still: look again shortly.
            tokio::time::sleep(BEAT).await;
            continue;
        }
        // Only what the wave tried counts: an instance already current at the plan (done,
        // with no run) was never tried, and must not dilute the wave's failures.
        let done = this
            .iter()
            .filter(|m| m.state == MemberState::Done && m.run_id.is_some())
            .count();
        let failed = this
            .iter()
            .filter(|m| m.state == MemberState::Failed)
            .count();
        let running = [RolloutState::Running];
        if let Some(why) = waves::halt(r.wave, done, failed, r.halt_share) {
            store.set_rollout_state(id, RolloutState::Halted, None, Some(&why), &running)?;
            cx.notify(&why.sv);
            return Ok(());
        }
        if r.wave >= last_wave {
            store.set_rollout_state(id, RolloutState::Done, None, None, &running)?;
            return Ok(());
        }
        store.set_rollout_state(id, RolloutState::Running, Some(r.wave + 1), None, &running)?;
    }
}

/// Whether this driver still holds a running roll-out (a pause or abort from any seat
/// ends the drive; so does another driver taking the lease over).
fn still_running(store: &Store, id: i64, token: &str) -> FleetResult<bool> {
    if !store.beat_rollout(id, token)? {
        return Ok(false);
    }
    Ok(get(store, id)?.state == RolloutState::Running)
}

/// One instance's part, from wherever it stood.
async fn member(
    cx: &dyn Runs,
    def: &dyn Definition,
    r: &RolloutRow,
    m: MemberRow,
) -> FleetResult<()> {
    let store = cx.store();
    // A run started before: follow it to its end.
    if let Some(run_id) = m.run_id {
        let state = follow(cx, run_id).await?;
        return settle(cx, def, r, &m, run_id, state);
    }
    let c = store.get_customer_in(&m.slug, cx.environment())?;
    if c.status == Status::Inactive {
        let paused = Settled {
            state: MemberState::Skipped,
            reason: paused_text(),
            version: None,
        };
        set_settled(store, r, &m, paused)?;
        return Ok(());
    }
    // Checked again right before: the plan may be old.
    if let Some(settled) = def.before(cx, r, &c).await? {
        set_settled(store, r, &m, settled)?;
        return Ok(());
    }
    let Some(started) = start_own(cx, def, r, &m).await? else {
        return Ok(());
    };
    let run_id = started.run_id;
    store.set_member(
        r.id,
        m.customer_id,
        MemberState::Running,
        None,
        Some(run_id),
        None,
    )?;
    let state = match started.end.await {
        Some(Ok(state)) => state,
        // Another driver has it (a run asked the same, continued elsewhere): follow it.
        None => follow(cx, run_id).await?,
        Some(Err(e)) => return Err(e.to_api()),
    };
    settle(cx, def, r, &m, run_id, state)
}

/// Starts the member's run. The customer may have another run active (the backup that follows
/// a provisioning, a repair): that run is not the member's, so it is waited for and the run
/// asked again, a bounded number of times. A refusal settles the member as failed (`None`).
async fn start_own(
    cx: &dyn Runs,
    def: &dyn Definition,
    r: &RolloutRow,
    m: &MemberRow,
) -> FleetResult<Option<Started>> {
    let request = def.run(r);
    let own = request.checked(&m.slug).ok();
    for _ in 0..BUSY_TRIES {
        let started = match cx.start(m.slug.clone(), request.clone()).await {
            Ok(started) => started,
            Err(e) => {
                let refused = Settled {
                    state: MemberState::Failed,
                    reason: Text::of(e.code, &e.params),
                    version: None,
                };
                set_settled(cx.store(), r, m, refused)?;
                return Ok(None);
            }
        };
        if !started.already_running {
            return Ok(Some(started));
        }
        // The active run is the member's own when it was asked the same (continued elsewhere).
        let active = cx.store().get_run(started.run_id)?;
        let asked_the_same = own
            .as_ref()
            .is_some_and(|own| own.asks_as(active.kind, active.input.as_ref()));
        if active.kind == request.kind() && asked_the_same {
            return Ok(Some(started));
        }
        follow(cx, started.run_id).await?;
    }
    let busy = Settled {
        state: MemberState::Failed,
        reason: Say::RolloutInstanceBusy.with(params! { "tries" => BUSY_TRIES }),
        version: None,
    };
    set_settled(cx.store(), r, m, busy)?;
    Ok(None)
}

fn set_settled(store: &Store, r: &RolloutRow, m: &MemberRow, s: Settled) -> FleetResult<()> {
    store.set_member(
        r.id,
        m.customer_id,
        s.state,
        Some(&s.reason),
        None,
        s.version.as_deref(),
    )?;
    Ok(())
}

/// Waits for a run to end, continuing it when its driver is gone.
async fn follow(cx: &dyn Runs, run_id: i64) -> FleetResult<RunState> {
    loop {
        let run = cx.store().get_run(run_id)?;
        if !run.state.is_active() {
            return Ok(run.state);
        }
        match cx.resume(run_id).await {
            Ok(end) => return end.await.map_err(|e| e.to_api()),
            // Driven by a live driver: wait for it.
            Err(e) if e.code == ErrorCode::RunBusy => tokio::time::sleep(BEAT).await,
            // It ended between the read above and the resume (another driver had it): its end
            // is read again above. Taken as an error, a second "Starta" failed under load.
            Err(e) if e.code == ErrorCode::RunFinished => {}
            Err(e) => return Err(e),
        }
    }
}

/// The member's state from its run's end.
fn settle(
    cx: &dyn Runs,
    def: &dyn Definition,
    r: &RolloutRow,
    m: &MemberRow,
    run_id: i64,
    state: RunState,
) -> FleetResult<()> {
    let run = cx.store().get_run(run_id)?;
    let version = def.version_after(cx, r, m.customer_id)?;
    let (member, reason) = match state {
        RunState::Succeeded => (MemberState::Done, None),
        _ => (
            MemberState::Failed,
            Some(match run.error {
                Some(text) => text,
                None => Say::RolloutRunEnded.with(params! { "state" => state.as_str() }),
            }),
        ),
    };
    cx.store().set_member(
        r.id,
        m.customer_id,
        member,
        reason.as_ref(),
        Some(run_id),
        version.as_deref(),
    )?;
    Ok(())
}

#[cfg(test)]
mod follow_tests;
