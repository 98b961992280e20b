//! The core's error type: a stable machine-readable code plus a human message (Swedish, the
//! product's first language). Front ends branch on the code, never on the text.

use serde::Serialize;
use ts_rs::TS;

use crate::customer::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}", summarize(.0))]
    Validation(Vec<FieldError>),
    #[error("Kunden '{0}' finns inte")]
    CustomerNotFound(String),
    #[error("Kunden har ändrats av någon annan sedan du öppnade den; ladda om och försök igen")]
    StaleVersion,
    #[error("Databasen {path} skrevs av en nyare version av Fabrik (schemaversion {found}, den här versionen känner till {known}); uppdatera Fabrik i stället för att öppna den")]
    DatabaseTooNew {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("Databasen kunde inte öppnas: {0}")]
    DatabaseOpen(String),
    #[error("Databasfel: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("Token saknas för {0}; spara dem under Inställningar → Inloggningsuppgifter")]
    MissingTokens(String),
    #[error("{0}")]
    Secret(#[from] crate::secrets::SecretError),
    #[error("Körningen {0} drivs redan av ett annat fönster eller en annan process")]
    RunBusy(i64),
    #[error("Sandlådan kunde inte starta: {0}")]
    Sandbox(String),
    #[error("Körningen {0} är inte aktiv")]
    RunNotActive(i64),
    #[error("Körningen slutade som {0}")]
    RunEnded(String),
    #[error("Inte bekräftat; inget gjordes")]
    NotConfirmed,
    #[error("{0}")]
    Provider(String),
    #[error("{0}")]
    InvalidToken(String),
    #[error("Provisionera går inte ännu: {0}")]
    NotReady(String),
    #[error("Körningen {0} finns inte")]
    RunNotFound(i64),
    #[error("Ogiltig inställning {key}: {reason}")]
    InvalidSetting { key: String, reason: String },
    #[error("Bara https-länkar kan öppnas: {0}")]
    UnsafeLink(String),
    #[error("Länken kunde inte öppnas: {0}")]
    OpenFailed(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

fn summarize(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    /// The stable code the UI and scripts branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation(_) => "validation",
            Error::CustomerNotFound(_) => "customer_not_found",
            Error::StaleVersion => "stale_version",
            Error::DatabaseTooNew { .. } => "database_too_new",
            Error::DatabaseOpen(_) => "database_open",
            Error::Database(_) => "database",
            Error::RunNotFound(_) => "run_not_found",
            Error::NotReady(_) => "not_ready",
            Error::InvalidToken(_) => "invalid_token",
            Error::RunNotActive(_) => "run_not_active",
            Error::RunEnded(_) => "run_not_succeeded",
            Error::NotConfirmed => "not_confirmed",
            Error::Provider(_) => "provider_error",
            Error::Sandbox(_) => "sandbox_failed",
            Error::RunBusy(_) => "run_busy",
            Error::MissingTokens(_) => "missing_tokens",
            Error::Secret(e) => e.code(),
            Error::InvalidSetting { .. } => "invalid_setting",
            Error::UnsafeLink(_) => "unsafe_link",
            Error::OpenFailed(_) => "open_failed",
            Error::Io(_) => "io",
        }
    }

    pub fn to_api(&self) -> ApiError {
        ApiError {
            code: self.code().to_string(),
            message: self.to_string(),
            fields: match self {
                Error::Validation(f) => f.clone(),
                _ => Vec::new(),
            },
        }
    }
}

/// What crosses the IPC boundary when a command fails.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    /// Per-field problems for `validation`; empty otherwise.
    pub fields: Vec<FieldError>,
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        e.to_api()
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
