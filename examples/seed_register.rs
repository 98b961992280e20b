//! Writes a register of N made-up customers for measuring the window at scale
//! (`scripts/measure-window.sh`): `cargo run --release --example seed_register -- PATH N`.

use fabrik::customer::rows::CustomerRows;
use fabrik::customer::{CustomerDraft, ModuleManifest};
use fabrik::store::Store;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(n)) = (
        args.next(),
        args.next().and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!("användning: seed_register SÖKVÄG ANTAL");
        std::process::exit(2);
    };
    let store = Store::open(std::path::Path::new(&path)).expect("registret kunde inte öppnas");
    let drafts = (0..n)
        .map(|i| CustomerDraft {
            name: format!("Kund {i:06} AB"),
            admin_email: format!("kund{i}@exempel.se"),
            ..Default::default()
        })
        .collect();
    let added = store
        .insert_many(drafts, &ModuleManifest::bundled())
        .expect("kunderna kunde inte läggas till");
    println!("{added} kunder i {path}");
}
