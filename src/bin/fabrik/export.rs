//! `fabrik export SLUG --out FILE --for-move`: the instance's full form for a move into another
//! instance (`fabrik import`), encrypted with the agency's backup key.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use fabrik::messages::Say;
use fabrik::services::relocation::RelocationApi;
use fabrik::supervisor::cloud::CloudApi;
use fabrik::ApiError;

use crate::print::{print_json, say};
use crate::runtime;

#[derive(Args)]
pub struct ExportArgs {
    /// The customer whose instance is exported.
    pub slug: String,
    /// Where the archive is written (an existing file is not replaced).
    #[arg(long)]
    pub out: PathBuf,
    /// The full form for a move: the database and the users with their password hashes,
    /// encrypted with the agency's backup key; only `fabrik import` reads it.
    #[arg(long, required = true)]
    pub for_move: bool,
    #[arg(long)]
    pub json: bool,
}

pub async fn run(cloud: &Arc<CloudApi>, a: ExportArgs) -> Result<(), ApiError> {
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
