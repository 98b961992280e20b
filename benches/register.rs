//! The register with 10,000 customers: how long it takes to load the list and to filter it.
//! Prints numbers (Criterion); no assertions. `cargo bench --bench register`.

use criterion::{criterion_group, criterion_main, Criterion};
use fabrik::customer::{CustomerDraft, CustomerQuery, ModuleManifest, SortKey, Status};
use fabrik::store::Store;

const N: usize = 10_000;

fn populated() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("bench.sqlite3")).unwrap();
    let m = ModuleManifest::bundled();
    let towns = [
        "Stockholm",
        "Göteborg",
        "Malmö",
        "Uppsala",
        "Västerås",
        "Örebro",
        "Linköping",
        "Umeå",
    ];
    let trades = [
        "Bageri",
        "Café",
        "Bilvård",
        "Tandvård",
        "Redovisning",
        "Blommor",
        "Kajak",
        "Frisör",
    ];
    let drafts = (0..N)
        .map(|i| CustomerDraft {
            name: format!(
                "{} {} {}",
                towns[i % towns.len()],
                trades[(i / 8) % trades.len()],
                i
            ),
            admin_email: format!("kund{i}@exempel.se"),
            ..Default::default()
        })
        .collect();
    store.insert_many(drafts, &m).unwrap();
    (dir, store)
}

fn bench(c: &mut Criterion) {
    let started = std::time::Instant::now();
    let (_dir, store) = populated();
    println!(
        "insert {N} customers (one transaction): {:?}",
        started.elapsed()
    );
    let all = CustomerQuery {
        sort: Some(SortKey::NameAsc),
        ..Default::default()
    };
    assert_eq!(store.list_customers(&all).unwrap().len(), N);

    let mut g = c.benchmark_group("register_10k");
    g.sample_size(30);
    g.bench_function("load_all_sorted_by_name", |b| {
        b.iter(|| store.list_customers(&all).unwrap())
    });
    g.bench_function("load_all_newest_first", |b| {
        b.iter(|| {
            store
                .list_customers(&CustomerQuery {
                    sort: Some(SortKey::CreatedDesc),
                    ..Default::default()
                })
                .unwrap()
        })
    });
    g.bench_function("filter_search_malmo", |b| {
        b.iter(|| {
            store
                .list_customers(&CustomerQuery {
                    search: Some("malmö".into()),
                    ..all.clone()
                })
                .unwrap()
        })
    });
    g.bench_function("filter_search_one_email", |b| {
        b.iter(|| {
            store
                .list_customers(&CustomerQuery {
                    search: Some("kund9999@".into()),
                    ..all.clone()
                })
                .unwrap()
        })
    });
    g.bench_function("filter_status_pending", |b| {
        b.iter(|| {
            store
                .list_customers(&CustomerQuery {
                    status: Some(Status::Pending),
                    ..all.clone()
                })
                .unwrap()
        })
    });
    g.bench_function("serialize_10k_rows_to_json", |b| {
        let rows = store.list_customers(&all).unwrap();
        b.iter(|| serde_json::to_vec(&rows).unwrap().len())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
