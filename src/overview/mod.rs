//! Översikt (issue #68): one list of what needs a person now, each with the one thing to do
//! about it, and the business at a glance. The window's start page, `fabrik overview` and the
//! desktop notifications all read it from here; `gather` builds it from the register alone
//! (no provider is asked), in a handful of queries.

mod gather;
pub mod notices;
pub mod rows;

use serde::Serialize;
use ts_rs::TS;

use crate::messages::Text;
use crate::usage::view::Money;
use crate::vocabulary::vocabulary;

pub use gather::gather;

/// The overview now, by the register's clock (a token's days left count alike on every seat).
pub fn read(store: &crate::store::Store) -> crate::error::Result<Overview> {
    let now = chrono::DateTime::parse_from_rfc3339(&store.register_now()?)
        .map_err(|e| crate::error::Error::Internal(e.to_string()))?
        .with_timezone(&chrono::Utc);
    gather(store, now)
}

vocabulary!(
    /// What needs a person, one word a kind. The notifications' settings are per kind.
    pub enum AttentionKind {
        /// A customer's newest run failed, or its rollback did.
        RunFailed => "run_failed",
        /// A run stopped half-way (its computer died) and no seat took it up.
        RunStuck => "run_stuck",
        /// The newest health check of a delivered instance found something.
        Health => "health",
        /// A customer's use nears a limit of their plan or a provider's (the usage view's warning).
        LimitNear => "limit_near",
        /// Stripe could not collect a customer's payment.
        PaymentFailed => "payment_failed",
        /// A billing decision waits for a person (a pause, a teardown offered).
        DecisionWaiting => "decision_waiting",
        /// A request from the portal or Stripe waits to be approved.
        RequestWaiting => "request_waiting",
        /// A template update's pull request conflicts with the customer's own changes.
        TemplateConflict => "template_conflict",
        /// A handover waits for the customer to take their parts.
        HandoverWaiting => "handover_waiting",
        /// A delivered instance's newest backup is older than the agency allows.
        BackupOverdue => "backup_overdue",
        /// A provider's token expires soon.
        TokenExpiring => "token_expiring",
    }
);

vocabulary!(
    /// How soon: `now` is something broken or money lost, `soon` something waiting.
    pub enum Urgency {
        Now => "now",
        Soon => "soon",
    }
);

impl Urgency {
    /// The word for it.
    pub fn text(self) -> Text {
        match self {
            Urgency::Now => crate::messages::Say::OverviewNow.text(),
            Urgency::Soon => crate::messages::Say::OverviewSoon.text(),
        }
    }
}

vocabulary!(
    /// Where an item's one action leads in the window (`AttentionPlace` in the UI).
    pub enum Place {
        /// A run's log (`id`).
        Run => "run",
        /// A customer's page (`slug`).
        Customer => "customer",
        /// A customer's usage (`slug`).
        Usage => "usage",
        /// A customer's subscription and its decisions (`slug`, the decision's `id`).
        Billing => "billing",
        /// The inbox (the request's `id`).
        Inbox => "inbox",
        /// The templates' pull requests (`url`: the pull request on GitHub).
        Templates => "templates",
        /// A customer's backups (`slug`).
        Backups => "backups",
        /// The accounts' tokens in settings.
        Credentials => "credentials",
    }
);

/// One thing that needs a person.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(rename = "AttentionItem")]
pub struct Attention {
    pub kind: AttentionKind,
    pub urgency: Urgency,
    /// Stable while it is the same thing (a run, a customer's finding): what a notification is
    /// given once for, and what the window keeps its place by.
    pub key: String,
    pub slug: Option<String>,
    /// The customer's name, as an owner knows them.
    pub name: Option<String>,
    pub title: Text,
    /// What more there is to say in a line, when there is.
    pub detail: Option<Text>,
    /// Since when (RFC 3339), when known: the newest first within an urgency.
    pub since: Option<String>,
    pub place: Place,
    #[ts(type = "number | null")]
    pub id: Option<i64>,
    pub url: Option<String>,
    /// The command that does the one action in a terminal.
    pub command: String,
}

/// The business at a glance.
#[derive(Debug, Clone, PartialEq, Default, Serialize, TS)]
#[ts(rename = "OverviewGlance")]
pub struct Glance {
    /// Live customers with a delivered, running instance, and all live customers.
    pub customers_active: u32,
    pub customers: u32,
    /// The last 30 days' revenue, cost and margin, per currency; empty when unknown.
    pub revenue: Vec<Money>,
    pub cost: Vec<Money>,
    pub margin: Vec<Money>,
    /// Delivered customers whose revenue is not linked (their margin is unknown).
    pub revenue_unlinked: u32,
    pub payments_failed: u32,
    /// Delivered instances by their newest health check.
    pub healthy: u32,
    pub unhealthy: u32,
    pub unchecked: u32,
}

/// The start page: what needs a person, most urgent and newest first, and the glance.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Overview {
    pub environment: crate::environment::Environment,
    pub items: Vec<Attention>,
    pub glance: Glance,
}
