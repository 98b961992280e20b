//! Who may do what to the shared register's tables: the one declaration of the groups' rights
//! (issue #45), applied by the register's own role after every migration and checked by
//! `tests/rights/`, which tries every table × group × operation with a login of each group.
//!
//! The groups include each other (an owner is an operator, an operator a viewer: see
//! `scripts/postgres/fabrik-rights.sql`), so each is granted only what it adds. What the
//! grants cannot say is said by the migrations, and stays there: row-level security on `runs`
//! (teardowns and restores are the owners') and `settings` (the register's own keys are the
//! owners'), the ledger guard (a customer with runs and its adoptions are removed by owners
//! only), and what the server decides (030: a job's lease, an alert's episode, a backup's
//! removal). Rows that a foreign key's `ON DELETE CASCADE` removes need no right of the person:
//! the cascade runs as the tables' owner.

use std::fmt::Write as _;

/// The register's groups, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    Viewer,
    Operator,
    Owner,
}

impl Group {
    pub const ALL: [Group; 3] = [Group::Viewer, Group::Operator, Group::Owner];

    /// The group's role is the register's role with this suffix (`fabrik_app_operator`).
    pub fn suffix(self) -> &'static str {
        match self {
            Group::Viewer => "viewer",
            Group::Operator => "operator",
            Group::Owner => "owner",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Select,
    Insert,
    Update,
    Delete,
}

impl Op {
    pub const ALL: [Op; 4] = [Op::Select, Op::Insert, Op::Update, Op::Delete];

    pub fn sql(self) -> &'static str {
        match self {
            Op::Select => "SELECT",
            Op::Insert => "INSERT",
            Op::Update => "UPDATE",
            Op::Delete => "DELETE",
        }
    }
}

/// One right: `group` may `ops` on `table`, on the whole row or only on `columns`.
#[derive(Debug, Clone, Copy)]
pub struct Grant {
    pub group: Group,
    pub table: &'static str,
    pub ops: &'static [Op],
    /// Empty: every column.
    pub columns: &'static [&'static str],
}

const fn all(group: Group, table: &'static str, ops: &'static [Op]) -> Grant {
    Grant {
        group,
        table,
        ops,
        columns: &[],
    }
}

const fn only(
    group: Group,
    table: &'static str,
    ops: &'static [Op],
    columns: &'static [&'static str],
) -> Grant {
    Grant {
        group,
        table,
        ops,
        columns,
    }
}

/// Every table and view of the register's schema. One missing here has no right for anyone
/// (and the generated test fails until it is declared).
pub const TABLES: &[&str] = &[
    "adoption_approvers",
    "adoption_states",
    "adoptions",
    "alert_kinds",
    "alerts",
    "backup_reasons",
    "backups",
    "billing_decision_states",
    "billing_decisions",
    "billing_policy",
    "billing_steps",
    "billing_transitions",
    "customers",
    "environments",
    "export_reasons",
    "exports",
    "figures",
    "handovers",
    "health_checks",
    "instances",
    "intake",
    "intake_events",
    "intake_source_names",
    "intake_sources",
    "intake_states",
    "invite_states",
    "job_outcomes",
    "listing",
    "listing_environments",
    "log_levels",
    "plans",
    "rights_applied",
    "rollout_kinds",
    "rollout_member_states",
    "rollout_members",
    "rollout_states",
    "rollouts",
    "run_kinds",
    "run_log",
    "run_states",
    "run_steps",
    "runs",
    "scheduled_jobs",
    "schema_version",
    "settings",
    "statuses",
    "step_keys",
    "step_states",
    "subscriptions",
    "team_invites",
    "team_roles",
    "template_base_hows",
    "template_pr_states",
    "template_prs",
    "tick_outcomes",
    "ticks",
    "usage_days",
    "usage_figures",
    "usage_series",
    "workflow_backup_reasons",
    "workflow_backup_targets",
    "workflow_backups",
];

use Group::{Operator, Owner};
use Op::{Delete, Insert, Update};

/// What each group adds to the one below it. Every group reads every table (`TABLES`).
pub const GRANTS: &[Grant] = &[
    // Customers and what they adopted: added, edited and removed by operators, within the
    // ledger guard.
    all(Operator, "customers", &[Insert, Update, Delete]),
    all(Operator, "adoptions", &[Insert, Update, Delete]),
    // The listing is written by its triggers alone, as the register's role (030): nobody's.
    // The ledger: written as runs go, removed by owners only.
    all(Operator, "instances", &[Insert, Update]),
    all(Operator, "run_steps", &[Insert, Update]),
    all(Owner, "instances", &[Delete]),
    all(Owner, "run_steps", &[Delete]),
    // A run and a log line are written with every column but `person`, which the server fills
    // from the login: nobody writes a run or a line in another's name. Not `kind` afterwards:
    // a run could otherwise become a teardown after the policy let it in. The log is only
    // added to.
    only(
        Operator,
        "runs",
        &[Insert],
        &[
            "customer_id",
            "kind",
            "state",
            "environment",
            "started_at",
            "owner_pid",
            "heartbeat_at",
            "driver",
            "input",
            "started_by",
            "seat",
        ],
    ),
    only(
        Operator,
        "runs",
        &[Update],
        &[
            "state",
            "error",
            "error_en",
            "failed_step",
            "finished_at",
            "owner_pid",
            "heartbeat_at",
            "cancel_rollback",
            "driver",
            "seat",
        ],
    ),
    only(
        Operator,
        "run_log",
        &[Insert],
        &[
            "run_id",
            "step",
            "at",
            "level",
            "message",
            "attempt",
            "duration_ms",
            "request_id",
            "message_en",
        ],
    ),
    // Health checks are upserted (the newest per instance).
    all(Operator, "health_checks", &[Insert, Update]),
    // Row-level security says which keys (the seat's own for operators).
    all(Operator, "settings", &[Insert, Update, Delete]),
    // A backup is recorded by the run that took it and only ever marked removed afterwards:
    // its file, seat and customer are nobody's to rewrite.
    all(Operator, "backups", &[Insert]),
    only(Operator, "backups", &[Update], &["removed_at"]),
    // Roll-outs and their members advance as their runs do, and only that: what a roll-out
    // applies (its files and their hashes), where it came from and its halt rule are fixed
    // when it is planned, for everyone. A workflow backup is only added.
    all(Operator, "rollouts", &[Insert]),
    only(
        Operator,
        "rollouts",
        &[Update],
        &[
            "state",
            "wave",
            "halt_reason",
            "halt_reason_en",
            "updated_at",
            "driver",
            "heartbeat_at",
            "owner_pid",
            "seat",
        ],
    ),
    all(Operator, "rollout_members", &[Insert]),
    only(
        Operator,
        "rollout_members",
        &[Update],
        &["state", "reason", "reason_en", "run_id", "version_after"],
    ),
    all(Operator, "template_prs", &[Insert, Update]),
    all(Operator, "workflow_backups", &[Insert]),
    // The inbox: requests and payments arrive (any seat that polls) and are decided by
    // operators; a decision is never undone by rewriting who made it or where it came from
    // (who and when are the server's, and what a request is changes only while it is pending:
    // the trigger `intake_stamp`; a later event refines a pending one). An event is only added. A
    // source's cursor moves as operators poll; whether it provisions on its own, how many a
    // day, and which price is which plan (or a trial) are the owners' to decide.
    all(Operator, "intake", &[Insert]),
    only(
        Operator,
        "intake",
        &[Update],
        &[
            "name",
            "admin_email",
            "plan",
            "detail",
            "organization_id",
            "state",
            "reason",
            "customer_id",
            "run_id",
            "cancelled_at",
            "decided_at",
            "decided_by",
            "automatic",
            "portal_written",
            "portal_error",
        ],
    ),
    all(Operator, "intake_events", &[Insert]),
    only(
        Operator,
        "intake_sources",
        &[Update],
        &["cursor", "polled_at", "polled_by", "problem"],
    ),
    only(
        Owner,
        "intake_sources",
        &[Update],
        &["auto", "plans", "trials", "daily_limit"],
    ),
    all(Owner, "intake_events", &[Delete]),
    // Scheduled work: any seat that ticks takes a job's lease and writes what it did (the
    // server fills `lease_person` and bounds the lease: 030), and keeps its tick (the login
    // fills `person`), removing ticks past their 90 days; an alert's episode is raised and
    // cleared by the seat holding the alert's job (030).
    only(
        Operator,
        "scheduled_jobs",
        &[Insert, Update],
        &[
            "job",
            "lease_holder",
            "lease_until",
            "last_started_at",
            "last_finished_at",
            "last_seat",
            "last_outcome",
            "last_summary",
        ],
    ),
    only(
        Operator,
        "ticks",
        &[Insert, Update],
        &[
            "seat",
            "started_at",
            "finished_at",
            "outcome",
            "reason",
            "report",
        ],
    ),
    all(Operator, "alerts", &[Insert, Update]),
    // The customer's team: any operator invites, resends and revokes (the login fills
    // `created_by`); nobody deletes the record of having invited someone.
    only(
        Operator,
        "team_invites",
        &[Insert, Update],
        &[
            "customer_id",
            "environment",
            "email",
            "full_name",
            "role",
            "state",
            "auth_user_id",
            "sends",
            "last_sent_at",
            "revoked_at",
            "problem",
            "created_at",
        ],
    ),
    // Usage: any seat that collects writes a customer's day, and a second collection of the
    // day replaces it (its rows removed and written again).
    all(Operator, "usage_days", &[Insert, Update, Delete]),
    all(Operator, "usage_figures", &[Insert, Update, Delete]),
    all(Operator, "usage_series", &[Insert, Update, Delete]),
    // Billing: any seat that polls keeps the subscriptions' snapshots and the decisions the
    // tick makes, and an operator accepts or dismisses an offer; what the policy says is the
    // owners' to decide.
    all(Operator, "subscriptions", &[Insert, Update]),
    all(Operator, "billing_decisions", &[Insert]),
    only(
        Operator,
        "billing_decisions",
        &[Update],
        &["run_id", "state", "note", "decided_at", "decided_by"],
    ),
    all(Owner, "billing_policy", &[Insert, Update, Delete]),
    // A handover gives a customer's instance away: an owner records and withdraws it (the
    // teardown's right); any seat's tick follows it, writing only when each part was taken.
    all(Owner, "handovers", &[Insert, Update]),
    only(
        Operator,
        "handovers",
        &[Update],
        &[
            "supabase_claimed_at",
            "vercel_accepted_at",
            "github_accepted_at",
            "handed_over_at",
        ],
    ),
    // A customer's export: whoever may act on a delivered instance writes one and says so;
    // what was handed out stays as it was written…
    all(Operator, "exports", &[Insert]),
    // …and only marked removed when the agency's keeping of one in its export folder ends.
    only(Operator, "exports", &[Update], &["removed_at"]),
];

/// The functions every group calls (policies and the window's "what may I do").
const FUNCTIONS: &str = "register_group(TEXT), has_right(TEXT), seat_setting(TEXT)";

/// Whether a login in `group` may `op` on `table` (and `column`, when given), as declared.
pub fn allows(group: Group, table: &str, op: Op, column: Option<&str>) -> bool {
    if !TABLES.contains(&table) {
        return false;
    }
    if op == Op::Select {
        return true;
    }
    GRANTS.iter().any(|g| {
        g.group <= group
            && g.table == table
            && g.ops.contains(&op)
            && (g.columns.is_empty() || column.is_some_and(|c| g.columns.contains(&c)))
    })
}

/// The statements that give the groups exactly the declared rights, whatever they held
/// before: everything revoked, then granted. Role names are quoted; they come from the
/// register's own role.
pub fn apply_sql(register: &str) -> String {
    let role = |g: Group| quote(&format!("{register}_{}", g.suffix()));
    let everyone = Group::ALL.map(role).join(", ");
    let mut sql = String::new();
    let _ = writeln!(
        sql,
        "REVOKE ALL ON ALL TABLES IN SCHEMA fabrik FROM {everyone};\n\
         REVOKE ALL ON ALL SEQUENCES IN SCHEMA fabrik FROM {everyone};\n\
         GRANT USAGE ON SCHEMA fabrik TO {viewer};\n\
         GRANT EXECUTE ON FUNCTION {FUNCTIONS} TO {viewer};\n\
         GRANT USAGE ON ALL SEQUENCES IN SCHEMA fabrik TO {operator};",
        viewer = role(Group::Viewer),
        operator = role(Group::Operator),
    );
    for table in TABLES {
        let _ = writeln!(
            sql,
            "GRANT SELECT ON fabrik.{table} TO {};",
            role(Group::Viewer)
        );
    }
    for g in GRANTS {
        let ops = g.ops.iter().map(|o| o.sql()).collect::<Vec<_>>();
        let ops = match g.columns {
            [] => ops.join(", "),
            columns => {
                let columns = columns.join(", ");
                ops.iter()
                    .map(|o| format!("{o} ({columns})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        let _ = writeln!(
            sql,
            "GRANT {ops} ON fabrik.{} TO {};",
            g.table,
            role(g.group)
        );
    }
    sql
}

/// A digest of the declaration: the register's role applies it again only when it changed
/// (or the groups were made after it was last applied).
pub fn digest() -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(apply_sql("r").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_groups_include_each_other_and_columns_narrow_a_right() {
        assert!(allows(Group::Viewer, "customers", Op::Select, None));
        assert!(!allows(Group::Viewer, "customers", Op::Insert, None));
        assert!(allows(Group::Owner, "customers", Op::Delete, None));
        assert!(!allows(Group::Operator, "instances", Op::Delete, None));
        assert!(allows(Group::Owner, "instances", Op::Delete, None));
        assert!(allows(
            Group::Operator,
            "backups",
            Op::Update,
            Some("removed_at")
        ));
        assert!(!allows(
            Group::Operator,
            "backups",
            Op::Update,
            Some("file")
        ));
        assert!(!allows(Group::Owner, "backups", Op::Delete, None));
        assert!(!allows(Group::Operator, "runs", Op::Update, Some("kind")));
        assert!(!allows(Group::Owner, "unknown", Op::Select, None));
        for g in GRANTS {
            assert!(TABLES.contains(&g.table), "{} is not a table", g.table);
        }
    }

    #[test]
    fn the_statements_name_the_groups_quoted_and_every_column_right() {
        let sql = apply_sql("fabrik_app");
        assert!(
            sql.starts_with("REVOKE ALL ON ALL TABLES IN SCHEMA fabrik FROM \"fabrik_app_viewer\"")
        );
        assert!(
            sql.contains("GRANT UPDATE (removed_at) ON fabrik.backups TO \"fabrik_app_operator\";")
        );
        assert!(sql.contains("GRANT DELETE ON fabrik.instances TO \"fabrik_app_owner\";"));
        assert_eq!(digest(), digest());
    }
}
