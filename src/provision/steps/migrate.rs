//! A roll-out's migration files into one instance: each file and its history row in one
//! transaction, then the schema verified. What a migration is lives in `crate::database`.

use super::StepDef;
use crate::ledger::StepKey;
use crate::messages::ErrorCode;
use crate::params;
use crate::provision::context::{Done, RunCtx, StepError};
use crate::secrets::Provider;

const SUPABASE: Option<Provider> = Some(Provider::Supabase);

step!(MIGRATE: SupabaseMigrate, "Lägg in migreringar", "Apply migrations", needs [SupabaseBackup], SUPABASE, migrate);

// In a restore run the migrations are not its steps: a need outside the run's table is not waited for.
step!(VERIFY: SupabaseVerify, "Kontrollera databasschemat", "Verify the database schema", needs [SupabaseMigrate, SupabaseRestoreBackup], SUPABASE, verify);

async fn migrate(_ctx: &RunCtx) -> Result<Done, StepError> {
    Err(StepError::permanent(
        ErrorCode::Internal,
        params! { "detail" => "migrate: not built yet" },
    ))
}

async fn verify(_ctx: &RunCtx) -> Result<Done, StepError> {
    Err(StepError::permanent(
        ErrorCode::Internal,
        params! { "detail" => "verify: not built yet" },
    ))
}
