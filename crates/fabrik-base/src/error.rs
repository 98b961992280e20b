//! The core's error type: a stable code (`messages::ErrorCode`) with its parameters, and the
//! text rendered from the message catalog — Swedish here (the CLI, the logs), the user's
//! language in the window. Front ends branch on the code, never on the text.

use serde::Serialize;
use ts_rs::TS;

use crate::messages::params;
use crate::messages::FieldError;
use crate::messages::{ErrorCode, Params};

#[derive(Debug)]
pub enum Error {
    Validation(Vec<FieldError>),
    CustomerNotFound(String),
    /// A run drives the customer right now.
    CustomerBusy(String),
    /// Something Fabrik made for the customer may still exist.
    CustomerHasInstance(String),
    StaleVersion,
    DatabaseTooNew {
        path: String,
        found: i64,
        known: i64,
    },
    /// The register holds run kinds or steps this build does not declare (`store::words`).
    DatabaseNewerWords {
        path: String,
        words: String,
    },
    DatabaseOpen(String),
    Database(crate::sql::DbError),
    /// The shared register cannot be reached now (`user@host:port/db`); `lost_write` when a
    /// write in progress went with the connection (the server undid it).
    RegisterUnreachable {
        register: String,
        lost_write: bool,
    },
    /// A register file is not moved into a shared one while it has a run in progress: the
    /// run's id, its state and the customer.
    MoveRunActive {
        run: i64,
        state: crate::ledger::RunState,
        slug: String,
    },
    /// A shared register's password given where others can see it (a command line).
    PasswordOnCommandLine {
        register: String,
    },
    /// What was pasted as an invitation to the shared register is not one.
    InvitationMalformed,
    /// The invitation's login no longer takes its password: used once already, or revoked.
    InvitationSpent {
        register: String,
    },
    /// Provider names, comma-separated.
    MissingTokens(String),
    Secret(crate::secrets::SecretError),
    /// The preflight's blocking findings (never empty): nothing was created.
    Preflight(Vec<Finding>),
    /// The run is driven elsewhere; by that seat (`user@host`) when the register knows it.
    RunBusy {
        run: i64,
        seat: Option<String>,
    },
    /// The shared register's database refused this login a right (SQLSTATE 42501); `person`
    /// is the login, when known.
    Forbidden {
        right: crate::messages::Right,
        person: Option<String>,
    },
    /// "Uppdatera moduler" for a customer with no delivered instance in this environment.
    NotProvisioned(String),
    /// A day-two action the customer's instance cannot take now, and why (in both languages).
    NotNow {
        slug: String,
        reason: crate::messages::Text,
    },
    /// Another driver claimed this run (this one was frozen past its heartbeat): it stops and
    /// writes nothing more.
    DriverLost(i64),
    Sandbox(String),
    RunNotActive(i64),
    /// A finished run asked to be resumed, cancelled or rolled back: nothing was changed, and
    /// `reason` says why and what the way is (a succeeded run's resources go by a teardown).
    RunFinished {
        run: i64,
        slug: String,
        reason: crate::messages::Text,
    },
    RunEnded(crate::ledger::RunState),
    NotConfirmed,
    /// Nothing by this name was refused for the customer: there is nothing to adopt.
    AdoptionNotFound {
        slug: String,
        name: String,
    },
    /// The typed confirmation is not the resource's name.
    AdoptionMismatch {
        name: String,
    },
    Provider(String),
    InvalidToken(crate::messages::Text),
    NotReady(crate::messages::Text),
    RunNotFound(i64),
    InvalidSetting {
        key: String,
        reason: crate::messages::Text,
    },
    UnsafeLink(String),
    OpenFailed(String),
    /// A file to import that cannot be read as a whole (not a row of it: those are skipped).
    ImportFile(crate::messages::Text),
    /// The portal's table could not be read (unreachable, refused, not there).
    ImportPortal(crate::messages::Text),
    /// The inbox could not do what was asked (a request decided already, a source not set up).
    Intake(crate::messages::Text),
    /// A ledger write found no row to change (the run or step is not there).
    LedgerRowMissing {
        run: i64,
        step: Option<crate::ledger::StepKey>,
    },
    /// No roll-out with this id in the register.
    RolloutNotFound(i64),
    /// A roll-out of the environment is still open (planned, running or paused).
    RolloutOpen(i64),
    /// Another process drives the roll-out now.
    RolloutBusy(i64),
    /// The roll-out cannot move from where it stands.
    RolloutState {
        id: i64,
        state: crate::ledger::RolloutState,
    },
    /// A roll-out cannot be planned: its files, its waves, its halt rule.
    RolloutPlan(crate::messages::Text),
    /// A check made before anything changed refused, with its own code and parameters (a
    /// recovery the project's plan or window does not allow; a provider's answer to it).
    Refused {
        code: ErrorCode,
        params: Params,
    },
    /// "Ångra" with no production recorded before by a promote run of the customer's.
    NothingToUndo(String),
    Io(std::io::Error),
    Internal(String),
}

impl Error {
    /// The stable code the UI and scripts branch on.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Validation(_) => ErrorCode::Validation,
            Error::CustomerNotFound(_) => ErrorCode::CustomerNotFound,
            Error::CustomerBusy(_) => ErrorCode::CustomerBusy,
            Error::CustomerHasInstance(_) => ErrorCode::CustomerHasInstance,
            Error::StaleVersion => ErrorCode::StaleVersion,
            Error::DatabaseTooNew { .. } => ErrorCode::DatabaseTooNew,
            Error::DatabaseNewerWords { .. } => ErrorCode::DatabaseNewerWords,
            Error::DatabaseOpen(_) => ErrorCode::DatabaseOpen,
            Error::Database(_) => ErrorCode::Database,
            Error::PasswordOnCommandLine { .. } => ErrorCode::PasswordOnCommandLine,
            Error::InvitationMalformed => ErrorCode::InvitationMalformed,
            Error::InvitationSpent { .. } => ErrorCode::InvitationSpent,
            Error::MoveRunActive { .. } => ErrorCode::MoveRunActive,
            Error::RegisterUnreachable { lost_write, .. } => {
                if *lost_write {
                    ErrorCode::RegisterWriteLost
                } else {
                    ErrorCode::RegisterUnreachable
                }
            }
            Error::RunNotFound(_) => ErrorCode::RunNotFound,
            Error::NotReady(_) => ErrorCode::NotReady,
            Error::InvalidToken(_) => ErrorCode::InvalidToken,
            Error::RunNotActive(_) => ErrorCode::RunNotActive,
            Error::RunEnded(_) => ErrorCode::RunNotSucceeded,
            Error::RunFinished { .. } => ErrorCode::RunFinished,
            Error::NotConfirmed => ErrorCode::NotConfirmed,
            Error::AdoptionNotFound { .. } => ErrorCode::AdoptionNotFound,
            Error::AdoptionMismatch { .. } => ErrorCode::AdoptionMismatch,
            Error::Provider(_) => ErrorCode::ProviderError,
            Error::Sandbox(_) => ErrorCode::SandboxFailed,
            Error::RunBusy { .. } => ErrorCode::RunBusy,
            Error::Forbidden { .. } => ErrorCode::Forbidden,
            Error::NotProvisioned(_) => ErrorCode::NotProvisioned,
            Error::NotNow { .. } => ErrorCode::NotNow,
            Error::DriverLost(_) => ErrorCode::RunTakenOver,
            Error::MissingTokens(_) => ErrorCode::MissingTokens,
            Error::Preflight(_) => ErrorCode::PreflightFailed,
            Error::Secret(e) => e.code(),
            Error::InvalidSetting { .. } => ErrorCode::InvalidSetting,
            Error::UnsafeLink(_) => ErrorCode::UnsafeLink,
            Error::ImportFile(_) => ErrorCode::ImportFileInvalid,
            Error::ImportPortal(_) => ErrorCode::ImportPortal,
            Error::Intake(_) => ErrorCode::Intake,
            Error::OpenFailed(_) => ErrorCode::OpenFailed,
            Error::LedgerRowMissing { .. } => ErrorCode::LedgerRowMissing,
            Error::RolloutNotFound(_) => ErrorCode::RolloutNotFound,
            Error::RolloutOpen(_) => ErrorCode::RolloutOpen,
            Error::RolloutBusy(_) => ErrorCode::RolloutBusy,
            Error::RolloutState { .. } => ErrorCode::RolloutState,
            Error::RolloutPlan(_) => ErrorCode::RolloutPlan,
            Error::Refused { code, .. } => *code,
            Error::NothingToUndo(_) => ErrorCode::NothingToUndo,
            Error::Io(_) => ErrorCode::Io,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The values the code's template refers to.
    pub fn params(&self) -> Params {
        match self {
            Error::Validation(fields) => {
                let join = |text: &dyn Fn(&FieldError) -> String| {
                    fields
                        .iter()
                        .map(|e| format!("{}: {}", e.field, text(e)))
                        .collect::<Vec<_>>()
                        .join("; ")
                };
                params! { "problems" => join(&|e| e.message.clone()), "problems_en" => join(&|e| e.en()) }
            }
            Error::CustomerNotFound(slug)
            | Error::CustomerBusy(slug)
            | Error::CustomerHasInstance(slug)
            | Error::NotProvisioned(slug)
            | Error::NothingToUndo(slug) => params! { "slug" => slug },
            Error::DatabaseTooNew { path, found, known } => {
                params! { "path" => path, "found" => found, "known" => known }
            }
            Error::DatabaseNewerWords { path, words } => {
                params! { "path" => path, "words" => words }
            }
            Error::Database(e) => params! { "detail" => e },
            Error::RegisterUnreachable { register, .. }
            | Error::PasswordOnCommandLine { register }
            | Error::InvitationSpent { register } => params! { "register" => register },
            Error::Io(e) => params! { "detail" => e },
            Error::DatabaseOpen(d)
            | Error::Sandbox(d)
            | Error::Provider(d)
            | Error::OpenFailed(d)
            | Error::Internal(d) => params! { "detail" => d },
            Error::MissingTokens(p) => params! { "providers" => p },
            Error::Preflight(found) => {
                let join = |text: &dyn Fn(&crate::messages::Text) -> String| {
                    found
                        .iter()
                        .map(|f| text(&f.message))
                        .collect::<Vec<_>>()
                        .join("; ")
                };
                params! { "problems" => join(&|t| t.sv.clone()), "problems_en" => join(&|t| t.en.clone()) }
            }
            Error::Secret(e) => e.params(),
            Error::RunBusy { run, seat } => match seat {
                Some(seat) => {
                    let who = crate::messages::seat::shown(seat, None);
                    params! { "run" => run, "by" => who.sv, "by_en" => who.en }
                }
                None => params! {
                    "run" => run,
                    "by" => "ett annat fönster eller en annan process",
                    "by_en" => "another window or process",
                },
            },
            Error::Forbidden { right, person } => {
                let text = right.text();
                let person = person.as_deref().unwrap_or("–");
                params! { "right" => text.sv, "right_en" => text.en, "person" => person }
            }
            Error::DriverLost(id) | Error::RunNotActive(id) | Error::RunNotFound(id) => {
                params! { "run" => id }
            }
            Error::RunEnded(state) => params! { "state" => state },
            Error::MoveRunActive { run, state, slug } => {
                params! { "run" => run, "state" => state, "slug" => slug }
            }
            Error::InvalidToken(d) => params! { "detail" => d.sv, "detail_en" => d.en },
            Error::NotReady(reason)
            | Error::ImportFile(reason)
            | Error::ImportPortal(reason)
            | Error::Intake(reason) => {
                params! { "reason" => reason.sv, "reason_en" => reason.en }
            }
            Error::NotNow { slug, reason } => {
                params! { "slug" => slug, "reason" => reason.sv, "reason_en" => reason.en }
            }
            Error::RunFinished { run, slug, reason } => params! {
                "run" => run, "slug" => slug, "reason" => reason.sv, "reason_en" => reason.en
            },
            Error::InvalidSetting { key, reason } => {
                params! { "key" => key, "reason" => reason.sv, "reason_en" => reason.en }
            }
            Error::UnsafeLink(url) => params! { "url" => url },
            Error::AdoptionNotFound { slug, name } => params! { "slug" => slug, "name" => name },
            Error::AdoptionMismatch { name } => params! { "name" => name },
            Error::LedgerRowMissing { run, step } => params! {
                "run" => run,
                "step" => step.map(|s| s.as_str()).unwrap_or("–"),
            },
            Error::RolloutNotFound(id) | Error::RolloutOpen(id) | Error::RolloutBusy(id) => {
                params! { "id" => id }
            }
            Error::RolloutState { id, state } => params! { "id" => id, "state" => state },
            Error::RolloutPlan(reason) => {
                params! { "reason" => reason.sv, "reason_en" => reason.en }
            }
            Error::Refused { params, .. } => params.clone(),
            Error::StaleVersion | Error::NotConfirmed | Error::InvitationMalformed => Params::new(),
        }
    }

    pub fn to_api(&self) -> ApiError {
        ApiError {
            code: self.code(),
            message: self.to_string(),
            params: self.params(),
            fields: match self {
                Error::Validation(f) => f.clone(),
                _ => Vec::new(),
            },
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.code().sv(&self.params()))
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Database(e) => Some(e),
            Error::Secret(e) => Some(e),
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Database(e.into())
    }
}

impl From<crate::sql::DbError> for Error {
    fn from(e: crate::sql::DbError) -> Self {
        if e.is_refused() {
            return Error::Forbidden {
                right: crate::messages::Right::Write,
                person: None,
            };
        }
        match e {
            crate::sql::DbError::Unreachable {
                register,
                lost_write,
            } => Error::RegisterUnreachable {
                register,
                lost_write,
            },
            e => Error::Database(e),
        }
    }
}

impl Error {
    /// A refusal as the right the caller was exercising and the login it was refused to; any
    /// other error as it is.
    pub fn as_refusal_of(self, right: crate::messages::Right, person: Option<&str>) -> Error {
        match self {
            Error::Forbidden { .. } => Error::Forbidden {
                right,
                person: person.map(str::to_string),
            },
            other => other,
        }
    }
}

impl From<crate::secrets::SecretError> for Error {
    fn from(e: crate::secrets::SecretError) -> Self {
        Error::Secret(e)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}

/// What crosses the IPC boundary when a command fails.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ApiError {
    pub code: ErrorCode,
    /// In Swedish; the window renders the user's language from `code` and `params`.
    pub message: String,
    pub params: Params,
    /// Per-field problems for `validation`; empty otherwise.
    pub fields: Vec<FieldError>,
}

impl ApiError {
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        Error::Internal(detail.to_string()).to_api()
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        e.to_api()
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One problem the preflight found before a run's first call (`provision::preflight`), kept
/// here because the error that refuses a run carries every one of them.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Finding {
    /// What it is about: a setting's key, a provider's name, or `keyring`.
    pub subject: String,
    pub message: crate::messages::Text,
    /// A blocking finding stops the run before anything is created; the others are caveats.
    pub blocking: bool,
}

impl Finding {
    /// A finding that stops the run.
    pub fn blocking(subject: impl Into<String>, message: crate::messages::Text) -> Finding {
        Finding {
            subject: subject.into(),
            message,
            blocking: true,
        }
    }

    /// A finding the run goes on with, said beside it.
    pub fn caveat(subject: impl Into<String>, message: crate::messages::Text) -> Finding {
        Finding {
            blocking: false,
            ..Finding::blocking(subject, message)
        }
    }
}

/// A setting that is missing or invalid, named with the reason (settings, endpoints).
pub fn invalid_setting(key: &str, reason: crate::messages::Text) -> Error {
    Error::InvalidSetting {
        key: key.into(),
        reason,
    }
}

/// What a command returns to a front end.
pub type ApiResult<T> = std::result::Result<T, ApiError>;
