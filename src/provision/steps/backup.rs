//! The customer's database backed up (before a migration or a restore, on demand, on a
//! schedule) and put back from a backup. What a backup is lives in `crate::database::backup`;
//! these steps find the project, take or read the backup and record it in the register.

use super::StepDef;
use crate::ledger::StepKey;
use crate::messages::{ErrorCode, Text};
use crate::params;
use crate::provision::context::{Done, RunCtx, StepError};
use crate::secrets::Provider;

const SUPABASE: Option<Provider> = Some(Provider::Supabase);

step!(BACKUP: SupabaseBackup, "Säkerhetskopiera databasen", "Back up the database", needs [], SUPABASE, backup);

step!(RESTORE: SupabaseRestoreBackup, "Återställ databasen från säkerhetskopian", "Restore the database from the backup", needs [SupabaseBackup], SUPABASE, restore);

async fn backup(_ctx: &RunCtx) -> Result<Done, StepError> {
    Err(StepError::permanent(
        ErrorCode::Internal,
        params! { "detail" => "backup: not built yet" },
    ))
}

async fn restore(_ctx: &RunCtx) -> Result<Done, StepError> {
    let _ = Text::new("", "");
    Err(StepError::permanent(
        ErrorCode::Internal,
        params! { "detail" => "restore: not built yet" },
    ))
}
