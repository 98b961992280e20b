//! The register at 10,000 and 100,000 customers: how long one page of the list takes, sorted,
//! filtered by status, searched and deep in the list, on a freshly opened SQLite file; and the
//! same figures at 10,000 on a shared register (PostgreSQL on this machine: a throw-away cluster,
//! or FABRIK_TEST_DATABASE_URL). Each figure is the slowest of 5 rounds' medians (7 runs each).
//! Prints numbers and one `bench:` summary line; no assertions. `cargo bench --bench all -- register`.

use std::time::{Duration, Instant};

use fabrik::customer::rows::CustomerRows;
use fabrik::customer::rows::InstanceRows;
use fabrik::customer::rows::ListingRows;
use fabrik::customer::{CustomerDraft, CustomerQuery, ModuleManifest, SortKey, Status};
use fabrik::environment::Environment;
use fabrik::store::Store;

const TOWNS: [&str; 8] = [
    "Stockholm",
    "Göteborg",
    "Malmö",
    "Uppsala",
    "Västerås",
    "Örebro",
    "Linköping",
    "Umeå",
];
const TRADES: [&str; 8] = [
    "Bageri",
    "Café",
    "Bilvård",
    "Tandvård",
    "Redovisning",
    "Blommor",
    "Kajak",
    "Frisör",
];

/// A register of `n` customers as an agency that has run for a while has it: most live, some
/// failed or under way, the newest still pending. A file a run before left in
/// FABRIK_BENCH_REGISTER_DIR is read again instead (writing 100,000 takes two minutes).
fn populated(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
    let path = dir.join(format!("register-{n}.sqlite3"));
    let done = dir.join(format!("register-{n}.done"));
    if done.exists() {
        println!("register {n}: the file of a run before, {}", path.display());
        return path;
    }
    let store = Store::open(&path).unwrap();
    let started = Instant::now();
    populate(&store, n);
    println!(
        "register {n}: written in {:.1} s, file {:.1} MiB",
        started.elapsed().as_secs_f64(),
        std::fs::metadata(&path).unwrap().len() as f64 / 1048576.0
    );
    std::fs::write(done, "").unwrap();
    path
}

fn populate(store: &Store, n: usize) {
    let drafts = (0..n)
        .map(|i| CustomerDraft {
            name: format!(
                "{} {} {i}",
                TOWNS[i % TOWNS.len()],
                TRADES[(i / 8) % TRADES.len()]
            ),
            admin_email: format!("kund{i}@exempel.se"),
            ..Default::default()
        })
        .collect();
    store
        .insert_many(drafts, &ModuleManifest::bundled())
        .unwrap();
    let mut ids = Vec::with_capacity(n);
    let mut offset = 0;
    loop {
        let page = store
            .list_customers(&CustomerQuery {
                sort: Some(SortKey::CreatedAsc),
                offset: Some(offset),
                limit: Some(CustomerQuery::MAX_PAGE),
                ..Default::default()
            })
            .unwrap();
        if page.rows.is_empty() {
            break;
        }
        offset += page.rows.len() as u32;
        ids.extend(page.rows.into_iter().map(|r| r.id));
    }
    for (i, id) in ids.iter().enumerate() {
        let status = match i % 100 {
            0..=79 => Status::Active,
            80..=84 => Status::Failed,
            85 => Status::Provisioning,
            86..=89 => Status::Inactive,
            _ => continue,
        };
        store
            .set_instance(*id, Environment::Sandbox, status, None)
            .unwrap();
    }
}

/// Rounds over every query, and runs of each query in a round (after 2 unmeasured ones).
const ROUNDS: usize = 5;
const RUNS: usize = 7;

/// The slowest of `ROUNDS` medians of `RUNS` runs, in milliseconds: the figure a keystroke
/// may meet, not the best one. The rounds go over every query in turn, so each query's rounds
/// are seconds apart.
fn slowest_median_ms(queries: &mut [Box<dyn FnMut() + '_>]) -> Vec<f64> {
    let mut slowest = vec![0f64; queries.len()];
    for _ in 0..ROUNDS {
        for (q, worst) in queries.iter_mut().zip(slowest.iter_mut()) {
            q();
            q();
            let mut times: Vec<Duration> = (0..RUNS)
                .map(|_| {
                    let t = Instant::now();
                    q();
                    t.elapsed()
                })
                .collect();
            times.sort();
            *worst = worst.max(times[RUNS / 2].as_secs_f64() * 1000.0);
        }
    }
    slowest
}

pub fn main() {
    // `cargo bench` passes filter and harness flags; this bench has one fixed set of figures.
    let temp = tempfile::tempdir().unwrap();
    let dir = std::env::var_os("FABRIK_BENCH_REGISTER_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| temp.path().to_path_buf());
    std::fs::create_dir_all(&dir).unwrap();
    let mut summary = Vec::new();
    for (n, tag) in [(10_000, "register10k"), (100_000, "register100k")] {
        let path = populated(&dir, n);
        let store = Store::open(&path).unwrap();
        figures(&store, n, tag, &mut summary);
    }
    // The shared register: a fresh database on a local PostgreSQL.
    let cluster = fabrik_sim::pg::TestCluster::start().expect("PostgreSQL for the bench");
    let admin = fabrik::store::db::PgConfig::parse(cluster.url()).unwrap();
    fabrik::store::db::PgConn::connect(&admin)
        .unwrap()
        .batch("CREATE DATABASE fabrik_bench")
        .unwrap();
    let mut url = url::Url::parse(cluster.url()).unwrap();
    url.set_path("fabrik_bench");
    let config = fabrik::store::db::PgConfig::parse(url.as_str()).unwrap();
    let n = 10_000;
    let started = Instant::now();
    populate(&Store::connect(&config).unwrap(), n);
    println!(
        "postgres register {n}: written in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let store = Store::connect(&config).unwrap();
    figures(&store, n, "postgres10k", &mut summary);
    println!("bench: {}", summary.join(" "));
}

/// One page of the list, every way the window asks for one, on `store` of `n` customers.
fn figures(store: &Store, n: usize, tag: &str, summary: &mut Vec<String>) {
    {
        let by = |sort| CustomerQuery {
            sort: Some(sort),
            ..Default::default()
        };
        let figures = [
            ("first_page_ms", by(SortKey::NameAsc)),
            ("newest_page_ms", by(SortKey::CreatedDesc)),
            (
                "last_page_ms",
                CustomerQuery {
                    offset: Some(n as u32 - CustomerQuery::PAGE),
                    ..by(SortKey::NameAsc)
                },
            ),
            (
                "status_failed_ms",
                CustomerQuery {
                    status: Some(Status::Failed),
                    ..by(SortKey::NameAsc)
                },
            ),
            (
                "status_pending_newest_ms",
                CustomerQuery {
                    status: Some(Status::Pending),
                    ..by(SortKey::CreatedDesc)
                },
            ),
            (
                "status_active_mid_ms",
                CustomerQuery {
                    status: Some(Status::Active),
                    offset: Some(n as u32 / 2),
                    ..by(SortKey::NameAsc)
                },
            ),
            (
                "search_town_ms",
                CustomerQuery {
                    search: Some("malmö".into()),
                    ..by(SortKey::NameAsc)
                },
            ),
            (
                "search_email_ms",
                CustomerQuery {
                    search: Some(format!("kund{}@", n - 1)),
                    ..by(SortKey::NameAsc)
                },
            ),
            (
                "search_town_failed_ms",
                CustomerQuery {
                    search: Some("malmö".into()),
                    status: Some(Status::Failed),
                    ..by(SortKey::NameAsc)
                },
            ),
            (
                "search_town_active_ms",
                CustomerQuery {
                    search: Some("malmö".into()),
                    status: Some(Status::Active),
                    ..by(SortKey::NameAsc)
                },
            ),
            (
                "search_two_letters_ms",
                CustomerQuery {
                    search: Some("ma".into()),
                    ..by(SortKey::NameAsc)
                },
            ),
            (
                "search_one_letter_ms",
                CustomerQuery {
                    search: Some("ö".into()),
                    ..by(SortKey::NameAsc)
                },
            ),
            (
                "search_two_letters_newest_ms",
                CustomerQuery {
                    search: Some("ma".into()),
                    ..by(SortKey::CreatedDesc)
                },
            ),
        ];
        let totals: Vec<u32> = figures
            .iter()
            .map(|(_, q)| store.list_customers(q).unwrap().total)
            .collect();
        let mut runs: Vec<Box<dyn FnMut() + '_>> = figures
            .iter()
            .map(|(_, q)| {
                Box::new(move || {
                    std::hint::black_box(store.list_customers(q).unwrap());
                }) as Box<dyn FnMut()>
            })
            .collect();
        let times = slowest_median_ms(&mut runs);
        let mut worst = ("", 0f64);
        for (((key, _), total), ms) in figures.iter().zip(totals).zip(times) {
            println!("{tag} {key:<28} {ms:>8.2} ms  ({total} match)");
            summary.push(format!("{tag}_{key}={ms:.2}"));
            if ms > worst.1 {
                worst = (key, ms);
            }
        }
        println!("{tag} slowest: {} {:.2} ms", worst.0, worst.1);
        summary.push(format!("{tag}_slowest_ms={:.2}", worst.1));
        let bytes = serde_json::to_vec(&store.list_customers(&by(SortKey::NameAsc)).unwrap())
            .unwrap()
            .len();
        println!("{tag} one page as JSON: {bytes} bytes");
        summary.push(format!("{tag}_page_bytes={bytes}"));
    }
}
