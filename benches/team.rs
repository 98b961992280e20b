//! The customer's team (issue #44; numbers, not assertions). Needs the OS keyring and
//! PostgreSQL: run through `bash scripts/bench.sh team`.
//!
//! Setup (timed apart): one instance provisioned through the engine on a simulator at
//! `Profile::Realistic` ×0.1 (its Auth sends through the simulated Resend's relay). Then
//! FABRIK_BENCH_TEAM_N people (default 50) invited in one list, as `fabrik team invite --csv`
//! does it: wall time, Fabrik's count of its requests to the instance, the simulator's requests
//! by provider, and the invitations Resend received.

use crate::fleet;
use fleet::*;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use fabrik::customer::{Invitee, TeamRole};
use tokio_util::sync::CancellationToken;

const SCALE: f64 = 0.1;

pub fn main() {
    let n: usize = env_or("FABRIK_BENCH_TEAM_N", 50);
    let work = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (sim, store, _cluster) = world(work.path(), SCALE, None).await;
        let started = Instant::now();
        let built = setup("team", &sim, &store, |_| "Teamkund AB".into(), 1, 1).await;
        println!(
            "setup: 1 instance delivered in {:.1} s; load {}",
            started.elapsed().as_secs_f64(),
            load()
        );
        let slug = &built[0];
        let engine = engine(&sim, store.clone(), 0);
        let people: Vec<Invitee> = (0..n)
            .map(|i| Invitee {
                email: format!("person{i}@teamkund.example.se"),
                full_name: Some(format!("Person {i}")),
                role: match i % 10 {
                    0 => TeamRole::Admin,
                    1..=3 => TeamRole::Viewer,
                    _ => TeamRole::Member,
                },
            })
            .collect();
        let mails_before = mails(&sim).await;
        clear_log(&sim).await;
        let log = Arc::new(Mutex::new(Log::default()));
        let reading = CancellationToken::new();
        let reader = read_log_while(sim.base_url(), log.clone(), reading.clone());
        let started = Instant::now();
        let report = fabrik::team::Team::new(&engine)
            .invite(slug, &people, &|_, _, _| {})
            .await
            .expect("the list is invited");
        let wall = started.elapsed();
        reading.cancel();
        reader.await.unwrap();
        let entries = std::mem::take(&mut log.lock().unwrap().entries);
        let mut by_route: BTreeMap<String, usize> = BTreeMap::new();
        for e in entries.values() {
            let path = e["path"].as_str().unwrap_or("");
            let route = path.split('/').nth(1).unwrap_or("").to_string();
            *by_route
                .entry(format!("{} {route}", e["method"].as_str().unwrap_or("")))
                .or_default() += 1;
        }
        let received = mails(&sim).await - mails_before;
        println!(
            "invited {} of {n} in {:.1} s ({} failed); Fabrik's calls {}; simulator requests {} {by_route:?}; load {}",
            report.invited,
            wall.as_secs_f64(),
            report.failed,
            report.calls,
            entries.len(),
            load()
        );
        println!(
            "bench: team_n={n} team_invite_s={:.1} team_invited={} team_failed={} team_calls={} team_requests={} team_mails_received={received}",
            wall.as_secs_f64(),
            report.invited,
            report.failed,
            report.calls,
            entries.len(),
        );
        sim.shutdown().await;
    });
}

/// The emails the simulated Resend holds.
async fn mails(sim: &fabrik_sim::SimHandle) -> usize {
    let v: serde_json::Value = reqwest::get(format!("{}/__sim/inventory", sim.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["resend"]["emails"].as_array().map(Vec::len).unwrap_or(0)
}
