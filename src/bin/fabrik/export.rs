//! `fabrik export SLUG --out FILE`: a customer's data as one archive for them (a ZIP file:
//! the tables as CSV and JSON, the users, the workflow, a manifest), through the core's
//! `ExportApi` (the window's too). This file only asks and prints.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use fabrik::messages::Say;
use fabrik::services::export::ExportApi;
use fabrik::supervisor::cloud::CloudApi;
use fabrik::ApiError;

use crate::print::{print_json, say};
use crate::runtime;

#[derive(Args)]
pub struct ExportArgs {
    /// The customer's slug (its address name).
    pub slug: String,
    /// The archive to write (a new file, in a folder that exists; a .zip).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// What was written, as JSON.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(cloud: &Arc<CloudApi>, args: ExportArgs) -> Result<(), ApiError> {
    let api = ExportApi::new(cloud.shared_store(), runtime::supervisor(cloud, false));
    let done = api.to_file(&args.slug, &args.out).await?;
    if args.json {
        print_json(&done);
        return Ok(());
    }
    let r = &done.record;
    println!(
        "{}",
        say(
            Say::ExportWritten,
            &[
                ("slug", &args.slug),
                ("path", &done.path),
                ("tables", &done.tables),
                ("rows", &done.rows),
                ("bytes", &r.bytes),
                ("sha256", &r.sha256),
            ],
        )
    );
    for o in &done.omitted {
        println!(
            "{}",
            say(Say::ExportOmitted, &[("part", &o.part), ("why", &o.why)])
        );
    }
    Ok(())
}
