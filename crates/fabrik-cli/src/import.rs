//! `fabrik import FILE --into SLUG [--confirm SLUG]`: a move archive put into another delivered
//! instance (an import run through the guarded gate), then every table and the users checked
//! against the archive and printed as a table.

use crate::language::Said;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use fabrik::messages::Say;
use fabrik::services::relocation::{MoveCheck, RelocationApi};
use fabrik::supervisor::cloud::CloudApi;
use fabrik::ApiError;

use crate::print::{print_json, say};
use crate::runtime;
use crate::watch::{follow, stop_on_ctrl_c, terminal};

#[derive(Args)]
pub struct ImportArgs {
    /// The move archive (`fabrik export SLUG --for-move`).
    pub file: PathBuf,
    /// The delivered instance whose database and users the archive replaces.
    #[arg(long)]
    pub into: String,
    /// The target's slug again, typed: the import replaces its data.
    #[arg(long)]
    pub confirm: Option<String>,
    /// The per-table check as JSON.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(cloud: &Arc<CloudApi>, a: ImportArgs) -> Result<(), ApiError> {
    // A failed import keeps its backup of what it replaced: that is the way back.
    let supervisor = runtime::supervisor(cloud, true);
    let api = RelocationApi::new(
        cloud.shared_store(),
        supervisor.clone(),
        cloud.secrets.clone(),
    );
    let confirmation = match a.confirm {
        Some(c) => c,
        None => {
            let source = api.open(&a.file).await?.manifest.slug;
            crate::print::ask(&say(
                Say::MoveConfirm,
                &[("slug", &a.into), ("source", &source)],
            ))
            .unwrap_or_default()
        }
    };
    stop_on_ctrl_c(&supervisor);
    let launched = api
        .import(&a.file, &a.into, confirmation, terminal(a.json))
        .await?;
    follow(&a.into, launched).await?;
    let check = api.check(&a.file, &a.into).await?;
    match a.json {
        true => print_json(&check),
        false => print_check(&check),
    }
    Ok(check.verdict()?)
}

fn print_check(check: &MoveCheck) {
    let header = Say::MoveTableHeader.text().said();
    let h: Vec<&str> = header.split('|').collect();
    let width = check
        .tables
        .iter()
        .map(|t| t.table.len())
        .chain([h[0].len()])
        .max()
        .unwrap_or(0);
    println!(
        "{:<width$}  {:>14}  {:>10}  {:<24}  {}",
        h[0], h[1], h[2], h[3], h[4]
    );
    for t in &check.tables {
        let equal = match t.equal {
            true => Say::MoveYes.text().said(),
            false => Say::MoveNo.text().said(),
        };
        println!(
            "{:<width$}  {:>14}  {:>10}  {:<24}  {}",
            t.table,
            t.rows_archive,
            t.rows_now.map_or("–".to_string(), |n| n.to_string()),
            t.checksum_now.as_deref().unwrap_or("–"),
            equal,
        );
    }
    println!(
        "{}",
        say(
            Say::MoveUsers,
            &[("archive", &check.users_archive), ("now", &check.users_now)]
        )
    );
    let last = match check.equal {
        true => Say::MoveAllEqual,
        false => Say::MoveNotEqual,
    };
    println!("{}", say(last, &[("slug", &check.target)]));
}
