//! A customer's export (issue #59; numbers, not assertions). Needs the OS keyring and
//! PostgreSQL: run through `bash scripts/bench.sh export`.
//!
//! Setup (timed apart): one instance provisioned through the engine on a simulator at
//! `Profile::Realistic` ×0.1 with a real PostgreSQL database, and FABRIK_BENCH_EXPORT_ROWS rows
//! (default 250,000; 1,000,000 measured as well, see docs/BENCHMARKS.md) written into the
//! template's tables: an organization, then a tenth of the rows companies, six tenths
//! contacts, two tenths deals and a tenth activities. Then one export
//! of the instance (`crate::export::write`, as `fabrik export` writes it): wall time, the
//! archive's bytes, the rows and tables, the queries, and the process's peak memory (VmHWM of
//! /proc/self/status, reset right before the export through /proc/self/clear_refs, so it is the
//! export's own peak; the simulator runs in this process and is counted too).

use crate::fleet;
use fabrik::customer::rows::CustomerRows;
use fleet::*;

use std::time::{Duration, Instant};

const SCALE: f64 = 0.1;

/// The rows in each table, of `n`: companies, contacts, deals, activities.
fn split(n: u64) -> [(&'static str, u64); 4] {
    [
        ("companies", n / 10),
        ("contacts", n * 6 / 10),
        ("deals", n * 2 / 10),
        ("activities", n - n / 10 - n * 6 / 10 - n * 2 / 10),
    ]
}

/// Each table's rows, in one statement each (the organization's id from its slug).
fn fill(table: &str, rows: u64) -> String {
    let org = "(SELECT id FROM public.organizations WHERE slug = 'bench-ab')";
    match table {
        "companies" => format!(
            "INSERT INTO public.companies (organization_id, name, domain, tags, annual_revenue)
             SELECT {org}, 'Företag ' || g, 'f' || g || '.example.se', ARRAY['kund', 'b2b'], g * 1.5
               FROM generate_series(1, {rows}) g"
        ),
        "contacts" => format!(
            "INSERT INTO public.contacts (organization_id, first_name, last_name, email, phone, source)
             SELECT {org}, 'Förnamn' || g, 'Efternamn ' || g, 'person' || g || '@example.se', '+4670' || g, 'import'
               FROM generate_series(1, {rows}) g"
        ),
        "deals" => format!(
            "INSERT INTO public.deals (organization_id, name, amount, probability, expected_close_date)
             SELECT {org}, 'Affär ' || g, g % 100000, g % 100, date '2025-01-01' + (g % 365)
               FROM generate_series(1, {rows}) g"
        ),
        _ => format!(
            "INSERT INTO public.activities (organization_id, type, subject, body)
             SELECT {org}, 'note', 'Anteckning ' || g, repeat('text ', 8)
               FROM generate_series(1, {rows}) g"
        ),
    }
}

/// A line of /proc/self/status, in kB.
fn status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or(0)
}

pub fn main() {
    let n: u64 = env_or("FABRIK_BENCH_EXPORT_ROWS", 250_000);
    let work = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (sim, store, _cluster) = world(work.path(), SCALE, None).await;
        let started = Instant::now();
        let built = setup("export", &sim, &store, |_| "Exportkund AB".into(), 1, 1).await;
        let engine = engine(&sim, store.clone(), 0);
        let customer = store
            .get_customer_in(&built[0], engine.environment())
            .unwrap();
        let project_ref = customer.instance.supabase_project_ref.clone().unwrap();
        let supabase = &engine.clients().supabase;
        let long = Duration::from_secs(1800);
        supabase
            .run_query_within(
                &project_ref,
                "INSERT INTO public.organizations (name, slug) VALUES ('Bench AB', 'bench-ab')",
                long,
            )
            .await
            .unwrap();
        for (table, rows) in split(n) {
            supabase
                .run_query_within(&project_ref, &fill(table, rows), long)
                .await
                .unwrap_or_else(|e| panic!("{table}: {e}"));
        }
        println!(
            "setup: 1 instance delivered and {n} rows written in {:.1} s; load {}",
            started.elapsed().as_secs_f64(),
            load()
        );

        let target = work.path().join("export.zip");
        let about = fabrik::export::About {
            slug: customer.slug.clone(),
            name: customer.name.clone(),
            environment: engine.environment(),
            schema_version: None,
            template_version: None,
            taken_at: chrono::Utc::now(),
        };
        let source = fabrik::export::Source {
            supabase,
            n8n: &engine.clients().n8n,
            github: &engine.clients().github,
            // The repository's bundle is part of the export, as `fabrik export` writes it.
            repo: store
                .last_step_output(
                    customer.id,
                    fabrik::ledger::StepKey::GithubRepo,
                    engine.environment(),
                )
                .unwrap()
                .and_then(|v| serde_json::from_value(v).ok()),
            project_ref,
            workflow_id: customer.instance.n8n_workflow_id.clone(),
            customer_uid: customer.uid.clone(),
        };
        let before_kb = status_kb("VmHWM:");
        // The peak from here on is the export's (Linux: "5" resets VmHWM to the current RSS).
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let rss_kb = status_kb("VmRSS:");
        let started = Instant::now();
        let written = fabrik::export::write(&target, about, &source)
            .await
            .expect("the export is written");
        let wall = started.elapsed();
        let peak_kb = status_kb("VmHWM:");
        let rows: u64 = written.manifest.tables.iter().map(|t| t.rows).sum();
        println!(
            "exported {rows} rows of {} tables in {:.1} s: {} bytes; peak {} MB (RSS {} MB before, peak {} MB during set-up); load {}",
            written.manifest.tables.len(),
            wall.as_secs_f64(),
            written.bytes,
            peak_kb / 1024,
            rss_kb / 1024,
            before_kb / 1024,
            load()
        );
        println!(
            "bench: export_rows={rows} export_tables={} export_s={:.1} export_rows_per_s={:.0} export_bytes={} export_vmhwm_mb={} export_rss_before_mb={}",
            written.manifest.tables.len(),
            wall.as_secs_f64(),
            rows as f64 / wall.as_secs_f64(),
            written.bytes,
            peak_kb / 1024,
            rss_kb / 1024,
        );
    });
}
