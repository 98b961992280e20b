//! The figures Fabrik reads of a delivered instance, each declared once: which provider reports
//! it, its unit, and over what it counts. Words of the foundation: the register keeps them by
//! their word (a table of words it fills), the usage model (`fabrik-usage`) reads and prices
//! them, and the window gets the declaration through the generated bindings.

use serde::Serialize;
use ts_rs::TS;

use crate::messages::{Say, Text};
use crate::provider::Provider;
use crate::vocabulary::vocabulary;

/// A megabyte and a gigabyte as Supabase counts them (its Free plan's 500 MB database is
/// 500 × 1024² bytes) and as every figure here is shown, in the window and the CLI alike.
pub const MB: f64 = 1024.0 * 1024.0;
pub const GB: f64 = 1024.0 * MB;

vocabulary!(
    /// One figure of an instance's day.
    pub enum Figure {
        /// The database's size (`pg_database_size`, by SQL on the instance).
        DatabaseBytes => "database_bytes",
        /// The disk in use (`/config/disk/util`, `fs_used_bytes`).
        DiskUsedBytes => "disk_used_bytes",
        /// The disk's size (`fs_size_bytes`).
        DiskSizeBytes => "disk_size_bytes",
        /// REST, auth, storage and realtime requests on the day (`usage.api-counts`).
        ApiRequests => "api_requests",
        /// The instance's sign-in users (`auth.users`).
        AuthUsers => "auth_users",
        /// The bytes in its storage buckets (`storage.objects`).
        StorageBytes => "storage_bytes",
        /// Production deployments since the month began (Vercel).
        Deployments => "deployments",
        /// The workflow's executions on the day (n8n).
        Executions => "executions",
        /// Of those, the ones that failed.
        FailedExecutions => "failed_executions",
        /// Emails sent for the instance on the day (Resend).
        EmailsSent => "emails_sent",
        /// What the customer pays a month, in the subscription's currency's minor units (Stripe).
        Revenue => "revenue",
    }
);

/// What a figure's number means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Bytes,
    Count,
    /// Minor units of a currency (öre, cents).
    Money,
}

/// Over what a figure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Per {
    /// A level at the moment it was read (a size, a number of users).
    Now,
    /// A count of the day read.
    Day,
    /// A count since the calendar month began.
    Month,
}

/// A figure's declaration.
#[derive(Debug, Clone, Copy, Serialize, TS)]
pub struct FigureDef {
    pub figure: Figure,
    pub provider: Provider,
    pub unit: Unit,
    pub per: Per,
}

/// Every figure's declaration (an exhaustive match: a new figure does not compile without one).
pub const fn def(figure: Figure) -> FigureDef {
    use Figure::*;
    let (provider, unit, per) = match figure {
        DatabaseBytes => (Provider::Supabase, Unit::Bytes, Per::Now),
        DiskUsedBytes => (Provider::Supabase, Unit::Bytes, Per::Now),
        DiskSizeBytes => (Provider::Supabase, Unit::Bytes, Per::Now),
        ApiRequests => (Provider::Supabase, Unit::Count, Per::Day),
        AuthUsers => (Provider::Supabase, Unit::Count, Per::Now),
        StorageBytes => (Provider::Supabase, Unit::Bytes, Per::Now),
        Deployments => (Provider::Vercel, Unit::Count, Per::Month),
        Executions => (Provider::N8n, Unit::Count, Per::Day),
        FailedExecutions => (Provider::N8n, Unit::Count, Per::Day),
        EmailsSent => (Provider::Resend, Unit::Count, Per::Day),
        Revenue => (Provider::Stripe, Unit::Money, Per::Month),
    };
    FigureDef {
        figure,
        provider,
        unit,
        per,
    }
}

impl Figure {
    /// The figure's name, in both languages (the catalogue's).
    pub fn label(self) -> Text {
        use Figure::*;
        match self {
            DatabaseBytes => Say::FigureDatabaseBytes,
            DiskUsedBytes => Say::FigureDiskUsedBytes,
            DiskSizeBytes => Say::FigureDiskSizeBytes,
            ApiRequests => Say::FigureApiRequests,
            AuthUsers => Say::FigureAuthUsers,
            StorageBytes => Say::FigureStorageBytes,
            Deployments => Say::FigureDeployments,
            Executions => Say::FigureExecutions,
            FailedExecutions => Say::FigureFailedExecutions,
            EmailsSent => Say::FigureEmailsSent,
            Revenue => Say::FigureRevenue,
        }
        .text()
    }
}

/// Every declaration, in `Figure::ALL`'s order (the window's table).
pub fn all() -> Vec<FigureDef> {
    Figure::ALL.iter().map(|f| def(*f)).collect()
}

// The register's tables of these words (`fabrik_base::words`).
crate::words::words_table!(FIGURES: "figures" => Figure);
