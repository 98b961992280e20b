//! A move (issue #59; numbers, not assertions). Needs the OS keyring and PostgreSQL: run
//! through `bash scripts/bench.sh relocation`.
//!
//! Setup (timed apart): two instances provisioned through the engine on the simulator's real
//! PostgreSQL, and FABRIK_BENCH_MOVE_ROWS rows (default 250,000; 1,000,000 measured as well, see
//! docs/BENCHMARKS.md) in the first, across the template's tables (a tenth companies, half
//! contacts, the rest activities). Then the move
//! archive taken, sealed and written (`fabrik export --for-move`), and the import run into the
//! second (its backup of the target first, the archive put in, every table checked): wall time
//! of each, the process's peak memory during each (VmHWM, reset before; the simulator runs in
//! this process), and the archive's bytes. Then a backup of the first instance and its restore
//! (a Restore run: what it replaces backed up first): wall time and peak memory of each.

use crate::fleet;
use fabrik::customer::rows::CustomerRows;
use fabrik::database::backup::rows::BackupRows;
use fleet::*;

use std::sync::Arc;
use std::time::{Duration, Instant};

use fabrik::database::backup::crypt;
use fabrik::ledger::RunEvent;
use fabrik::provision::{RunRequest, RunState};
use fabrik::relocation::archive;
use tokio_util::sync::CancellationToken;

const SCALE: f64 = 0.02;

/// The process's peak resident memory in MiB since the last `reset_peak` (Linux).
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The simulator's requests after `since` (its log's sequence numbers): the newest number,
/// and how many of those still in the log were answered 429.
async fn requests_after(sim: &fabrik_sim::SimHandle, since: u64) -> (u64, usize) {
    let v: serde_json::Value = reqwest::get(format!("{}/__sim/requests", sim.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let all = v["requests"].as_array().cloned().unwrap_or_default();
    let newest = all.last().and_then(|e| e["seq"].as_u64()).unwrap_or(since);
    let limited = all
        .iter()
        .filter(|e| e["seq"].as_u64().unwrap_or(0) > since && e["status"] == 429)
        .count();
    (newest, limited)
}

pub fn main() {
    let rows: usize = env_or("FABRIK_BENCH_MOVE_ROWS", 250_000);
    let work = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (sim, store, _cluster) = world(work.path(), SCALE, None).await;
        let started = Instant::now();
        let built = setup("relocation", &sim, &store, |i| format!("Flyttkund {i} AB"), 2, 2).await;
        let engine = engine(&sim, store.clone(), 0);
        let sb = &engine.clients().supabase;
        let refs: Vec<String> = built
            .iter()
            .map(|s| {
                store
                    .get_customer_in(s, engine.environment())
                    .unwrap()
                    .instance
                    .supabase_project_ref
                    .unwrap()
            })
            .collect();
        let (companies, contacts) = (rows / 10, rows / 2);
        let activities = rows - companies - contacts;
        let fill = format!(
            "INSERT INTO public.companies (organization_id, name, domain, tags)
               SELECT (SELECT id FROM public.organizations LIMIT 1), 'Företag ' || g, 'f' || g || '.se', ARRAY['a', 'b']
               FROM generate_series(1, {companies}) g;
             INSERT INTO public.contacts (organization_id, first_name, last_name, email, custom_fields)
               SELECT (SELECT id FROM public.organizations LIMIT 1), 'Förnamn' || g, 'Efternamn', 'k' || g || '@kund.se', jsonb_build_object('n', g)
               FROM generate_series(1, {contacts}) g;
             INSERT INTO public.activities (organization_id, type, subject, body)
               SELECT (SELECT id FROM public.organizations LIMIT 1), 'note', 'Anteckning ' || g, repeat('x', 40)
               FROM generate_series(1, {activities}) g;"
        );
        sb.run_query_within(&refs[0], &fill, Duration::from_secs(30 * 60))
            .await
            .expect("the rows");
        println!(
            "setup: 2 instances delivered, {rows} rows in the first, in {:.1} s; load {}",
            started.elapsed().as_secs_f64(),
            load()
        );

        let c = store.get_customer(&built[0]).unwrap();
        let source = archive::Source {
            slug: c.slug.clone(),
            customer_uid: c.uid.clone(),
            environment: engine.environment(),
            project_ref: refs[0].clone(),
        };
        let file = work.path().join("flytt.fbk");
        let (before, _) = requests_after(&sim, 0).await;
        reset_peak();
        let started = Instant::now();
        let secrets = fabrik::secrets::SecretStore::new(engine.environment().as_str());
        let key = tokio::task::spawn_blocking(move || crypt::current_key(&secrets).unwrap())
            .await
            .unwrap();
        let written = archive::export(sb, &source, &key, &file)
            .await
            .expect("the archive");
        let tables = written.manifest.tables.len();
        let export_s = started.elapsed().as_secs_f64();
        let export_peak = peak_mib();
        let bytes = std::fs::metadata(&file).unwrap().len();
        let (after, export_429) = requests_after(&sim, before).await;
        let export_requests = after - before;
        let before = after;
        println!("export: {tables} tables, {bytes} bytes in {export_s:.1} s, peak {export_peak:.0} MiB");

        // A run driven to its end; the benchmark stops if it does not succeed.
        let drive = |slug: String, request: RunRequest| {
            let (engine, store) = (&engine, &store);
            async move {
                let run = engine.record(&slug, &request).unwrap();
                let state = engine
                    .drive(
                        run.driver.clone().unwrap(),
                        Arc::new(|_: &RunEvent| {}),
                        CancellationToken::new(),
                        false,
                    )
                    .await;
                if !matches!(state, Ok(RunState::Succeeded)) {
                    let steps = store.run_steps(run.run_id).unwrap();
                    eprintln!("bench relocation: {request:?} ended {state:?}: {steps:?}");
                    std::process::exit(1);
                }
            }
        };

        reset_peak();
        let started = Instant::now();
        let request = RunRequest::Import {
            archive: file.display().to_string(),
            confirmation: built[1].clone(),
        };
        drive(built[1].clone(), request).await;
        let import_s = started.elapsed().as_secs_f64();
        let import_peak = peak_mib();
        // (Its 429s are not counted: the log keeps only the newest parts it was sent.)
        let (after, _) = requests_after(&sim, before).await;
        let import_requests = after - before;
        println!("import: the run (the target's backup, the archive in, every table checked) in {import_s:.1} s, peak {import_peak:.0} MiB");
        println!(
            "bench: move_rows={rows} move_tables={tables} move_archive_bytes={bytes} move_export_s={export_s:.1} move_export_peak_mib={export_peak:.0} move_import_s={import_s:.1} move_import_peak_mib={import_peak:.0}"
        );
        println!(
            "bench: move_export_requests={export_requests} move_export_requests_per_min={:.0} move_export_429={export_429} move_import_requests={import_requests} move_import_requests_per_min={:.0}",
            export_requests as f64 * 60.0 / export_s,
            import_requests as f64 * 60.0 / import_s
        );

        // A backup of the first instance and its restore (a Restore run backs up what it
        // replaces first, then puts the chosen backup back and checks every table): both are
        // written and read a part at a time, so the peak is the same at any size.
        reset_peak();
        let started = Instant::now();
        drive(c.slug.clone(), RunRequest::Backup { scheduled: None }).await;
        let backup_s = started.elapsed().as_secs_f64();
        let backup_peak = peak_mib();
        let taken = store.backups(c.id, engine.environment(), false).unwrap()[0].clone();
        reset_peak();
        let started = Instant::now();
        let request = RunRequest::Restore {
            backup: taken.id,
            confirmation: c.slug.clone(),
        };
        drive(c.slug.clone(), request).await;
        let restore_s = started.elapsed().as_secs_f64();
        let restore_peak = peak_mib();
        println!(
            "backup: {} bytes in {backup_s:.1} s, peak {backup_peak:.0} MiB; restore (a backup first, then it put back and checked) in {restore_s:.1} s, peak {restore_peak:.0} MiB",
            taken.bytes
        );
        println!(
            "bench: backup_rows={rows} backup_bytes={} backup_s={backup_s:.1} backup_peak_mib={backup_peak:.0} restore_s={restore_s:.1} restore_peak_mib={restore_peak:.0}",
            taken.bytes
        );

        // The same backup as `fabrik backup export` writes it (the plain script, a piece at a
        // time), beside the whole file decrypted at once (how it was written before).
        let secrets = fabrik::secrets::SecretStore::new(engine.environment().as_str());
        let out = tempfile::tempdir().unwrap();
        let (row, path) = (taken.clone(), out.path().join("backup.sql"));
        reset_peak();
        let started = Instant::now();
        let plain_bytes = tokio::task::spawn_blocking(move || {
            let bound = crypt::Binding::of(&row);
            let opened = fabrik::database::backup::open_to_restore(&row, &secrets, bound).unwrap();
            opened.export_to(&path).unwrap()
        })
        .await
        .unwrap();
        let export_s = started.elapsed().as_secs_f64();
        let export_peak = peak_mib();
        let secrets = fabrik::secrets::SecretStore::new(engine.environment().as_str());
        let row = taken.clone();
        reset_peak();
        tokio::task::spawn_blocking(move || {
            let file = fabrik::database::backup::files::read(&row).unwrap();
            let key = crypt::key_by_id(&secrets, &row.key_id).unwrap();
            crypt::decrypt(&key, &file, &crypt::Binding::of(&row)).unwrap().len()
        })
        .await
        .unwrap();
        let whole_peak = peak_mib();
        println!(
            "backup export: the plain script, {plain_bytes} bytes, in {export_s:.1} s, peak {export_peak:.0} MiB (decrypted whole at once: peak {whole_peak:.0} MiB)"
        );
        println!(
            "bench: backup_export_bytes={plain_bytes} backup_export_s={export_s:.1} backup_export_peak_mib={export_peak:.0} backup_decrypt_whole_peak_mib={whole_peak:.0}"
        );
    });
}
