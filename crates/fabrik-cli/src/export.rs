//! `fabrik export SLUG --out FILE`: a customer's data as one archive for them (a ZIP file:
//! the tables as CSV and JSON, the users, the workflow, a manifest), through the core's
//! `ExportApi` (the window's too). With `--for-move`: the instance's full form for a move into
//! another instance (`fabrik import`), encrypted with the agency's backup key, through
//! `RelocationApi`. This file only asks and prints.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use fabrik::messages::Say;
use fabrik::services::export::ExportApi;
use fabrik::services::relocation::RelocationApi;
use fabrik::supervisor::cloud::CloudApi;
use fabrik::ApiError;

use crate::print::{print_export, print_json, say};
use crate::runtime;

#[derive(Args)]
pub struct ExportArgs {
    /// The customer's slug (its address name).
    pub slug: String,
    /// The archive to write (a new file, in a folder that exists; a .zip for the customer).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// The full form for a move: the database and the users with their password hashes,
    /// encrypted with the agency's backup key; only `fabrik import` reads it.
    #[arg(long)]
    pub for_move: bool,
    /// What was written, as JSON.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(cloud: &Arc<CloudApi>, args: ExportArgs) -> Result<(), ApiError> {
    if args.for_move {
        return for_move(cloud, args).await;
    }
    let api = ExportApi::new(cloud.shared_store(), runtime::supervisor(cloud, false));
    let done = api.to_file(&args.slug, &args.out).await?;
    if args.json {
        print_json(&done);
        return Ok(());
    }
    print_export(&args.slug, &done);
    Ok(())
}

async fn for_move(cloud: &Arc<CloudApi>, a: ExportArgs) -> Result<(), ApiError> {
    let supervisor = runtime::supervisor(cloud, true);
    let api = RelocationApi::new(cloud.shared_store(), supervisor, cloud.secrets.clone());
    let done = api.export(&a.slug, &a.out).await?;
    if a.json {
        print_json(&done);
        return Ok(());
    }
    println!(
        "{}",
        say(
            Say::MoveExported,
            &[
                ("slug", &done.slug),
                ("file", &done.file),
                ("bytes", &done.bytes),
                ("tables", &done.tables),
                ("users", &done.users),
                ("version", &done.schema_version.as_deref().unwrap_or("–")),
                ("key", &done.key_id),
            ],
        )
    );
    Ok(())
}
