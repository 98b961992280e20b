//! Supabase in the simulated world: organizations, projects with their keys, auth users,
//! tables and migration history, and what a recovery can restore.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SupabaseState {
    pub orgs: Vec<Org>,
    pub projects: Vec<Project>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Org {
    pub id: String,
    pub slug: String,
    pub name: String,
    /// `V1OrganizationSlugResponse.plan`: `free|pro|team|enterprise|platform`.
    #[serde(default = "free_plan")]
    pub plan: String,
}

fn free_plan() -> String {
    "free".into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    /// Being created; `fail` makes it end `INIT_FAILED`.
    Creating {
        fail: bool,
    },
    Pausing,
    Restoring,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Project {
    /// Numeric id returned by DELETE (recorded body `{"id": 711274, ...}`).
    pub numeric_id: i64,
    pub r#ref: String,
    pub name: String,
    pub org_slug: String,
    pub region: String,
    pub created_ms: i64,
    pub phase: Phase,
    pub phase_since_ms: i64,
    pub phase_duration_ms: i64,
    pub keys: ProjectKeys,
    pub auth_users: Vec<AuthUser>,
    /// Tables seen in parse-only SQL mode.
    pub tables: Vec<TableInfo>,
    /// Rows of `supabase_migrations.schema_migrations` in parse-only SQL mode.
    #[serde(default)]
    pub history: Vec<HistoryRow>,
    /// The plan's backups: physical ones, point-in-time recovery, the snapshots behind them.
    #[serde(default)]
    pub recovery: Recovery,
    /// Auth settings changed through `PATCH /v1/projects/{ref}/config/auth` (a world saved
    /// before they existed has the defaults).
    #[serde(default)]
    pub auth_config: AuthConfig,
    /// Mail the project's Auth sent through Supabase's built-in mailer (not through custom SMTP).
    #[serde(default)]
    pub auth_mail: Vec<AuthMail>,
    /// When the project was made or last restored, on the simulator's clock (`/__sim/clock`):
    /// where its days without use begin (`idle.rs`).
    #[serde(default)]
    pub ready_ms: Option<i64>,
    /// Until when a read-only lock is lifted (`POST …/readonly/temporary-disable`), wall clock.
    #[serde(default)]
    pub read_only_override_until_ms: Option<i64>,
}

/// The project's Auth settings that differ from a new project's: every field a PATCH set, as
/// the API answers it (`smtp_pass` only as its SHA-256, never the password itself).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AuthConfig {
    pub values: serde_json::Map<String, Value>,
}

/// One message of the built-in mailer's outbox.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthMail {
    pub id: String,
    /// `invite` or `recovery`.
    pub kind: String,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub html: String,
    /// The confirmation link the mail carries (`{{ .ConfirmationURL }}`).
    pub link: String,
    /// The one-time token of the link (`{{ .TokenHash }}`) and the code (`{{ .Token }}`).
    pub token_hash: String,
    pub otp: String,
    pub created_ms: i64,
}

/// What a project's plan gives for recovering its database (spec: v1-list-all-backups). A new
/// project is on the free plan: no physical backups, no point-in-time recovery.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Recovery {
    /// `free` or `pro` (physical daily backups, WAL-G).
    pub plan: String,
    /// Point-in-time recovery (the add-on): restorable from `pitr_since_ms` until now.
    pub pitr: bool,
    pub pitr_since_ms: Option<i64>,
    pub backups: Vec<PhysicalBackup>,
    pub restore_points: Vec<RestorePoint>,
    /// Copies of the project's database (`CREATE DATABASE … TEMPLATE`), oldest first: taken
    /// when point-in-time recovery is switched on, and with every physical backup and restore
    /// point. A recovery to a time brings back the newest one taken at or before it.
    pub snapshots: Vec<Snapshot>,
    /// The daily backup's time of day, UTC (`HH:MM:SS`).
    pub schedule_for: String,
    pub schedule_updated_ms: i64,
}

impl Recovery {
    pub fn has_physical(&self) -> bool {
        self.on_paid_plan()
    }

    /// Whether the project is on a paid plan (`pro`); a free one has no compute add-on, and
    /// the free plan's limits apply to it.
    pub fn on_paid_plan(&self) -> bool {
        self.plan == "pro"
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PhysicalBackup {
    pub id: i64,
    pub at_ms: i64,
    /// The snapshot that holds it (`None` without real PostgreSQL).
    pub snapshot: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RestorePoint {
    pub name: String,
    pub at_ms: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    pub db: String,
    pub at_ms: i64,
}

impl Project {
    /// Management API status at `now`.
    pub fn status(&self, now: i64) -> &'static str {
        let elapsed = now - self.phase_since_ms;
        let done = elapsed >= self.phase_duration_ms;
        match self.phase {
            Phase::Creating { fail } => {
                // The recorded create answer says UNKNOWN; polls shortly after do too.
                let unknown_window = (self.phase_duration_ms / 10).min(2_000);
                if done {
                    if fail {
                        "INIT_FAILED"
                    } else {
                        "ACTIVE_HEALTHY"
                    }
                } else if elapsed < unknown_window {
                    "UNKNOWN"
                } else {
                    "COMING_UP"
                }
            }
            Phase::Pausing => {
                if done {
                    "INACTIVE"
                } else {
                    "PAUSING"
                }
            }
            Phase::Restoring => {
                if done {
                    "ACTIVE_HEALTHY"
                } else {
                    "RESTORING"
                }
            }
        }
    }

    /// When the project last became `ACTIVE_HEALTHY`, if it is.
    pub fn healthy_since(&self, now: i64) -> Option<i64> {
        (self.status(now) == "ACTIVE_HEALTHY")
            .then_some(self.phase_since_ms + self.phase_duration_ms)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProjectKeys {
    pub anon: String,
    pub service_role: String,
    pub publishable: String,
    pub publishable_id: String,
    pub secret: String,
    pub secret_id: String,
    pub hashes: [String; 4],
    pub created_ms: i64,
}

impl ProjectKeys {
    /// Every key the gateway accepts in `apikey`.
    pub fn all(&self) -> [&str; 4] {
        [
            &self.anon,
            &self.service_role,
            &self.publishable,
            &self.secret,
        ]
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AuthUser {
    pub id: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub has_password: bool,
    pub email_confirmed_ms: Option<i64>,
    pub phone_confirmed_ms: Option<i64>,
    pub user_metadata: Value,
    pub app_metadata: Value,
    pub role: String,
    pub aud: String,
    pub created_ms: i64,
    pub banned_until_ms: Option<i64>,
    /// SHA-256 of the user's id and password, for `grant_type=password` (never the password).
    #[serde(default)]
    pub password_digest: Option<String>,
    /// When the last invitation was sent.
    #[serde(default)]
    pub invited_ms: Option<i64>,
    /// The pending confirmation (invite/signup) link's token hash and when it was sent.
    #[serde(default)]
    pub confirmation_token: Option<String>,
    #[serde(default)]
    pub confirmation_sent_ms: Option<i64>,
    /// The pending recovery link's token hash and when it was sent.
    #[serde(default)]
    pub recovery_token: Option<String>,
    #[serde(default)]
    pub recovery_sent_ms: Option<i64>,
    /// When a session was last issued (`/token`, `/verify`).
    #[serde(default)]
    pub last_sign_in_ms: Option<i64>,
    /// Last change through Auth (None: never changed since creation).
    #[serde(default)]
    pub updated_ms: Option<i64>,
}

impl AuthUser {
    /// Banned at `now` (GoTrue: `banned_until` in the future).
    pub fn is_banned(&self, now: i64) -> bool {
        self.banned_until_ms.is_some_and(|t| t > now)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableInfo {
    pub schema: String,
    pub name: String,
    pub rls: bool,
    pub columns: Vec<String>,
    /// Names of the policies created on the table.
    #[serde(default)]
    pub policies: Vec<String>,
}

/// One row of the Supabase CLI's migration history (`supabase_migrations.schema_migrations`),
/// kept by the parse-only SQL mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub version: String,
    pub name: Option<String>,
    pub statements: Option<Vec<String>>,
}
