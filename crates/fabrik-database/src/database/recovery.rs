//! Recovery with Supabase's own backups (spec: v1-list-all-backups, v1-restore-pitr-backup,
//! v1-restore-physical-backup): what a project's plan offers, and which call puts the
//! database back to a moment. With point-in-time recovery (the PITR add-on) any second of
//! the window `physical_backup_data` spans; without it, on a paid plan, only a physical
//! backup's own time (restored by its id); on the free plan nothing, and the way back is
//! Fabrik's own logical backups (`fabrik backup list SLUG`).

use serde::Serialize;
use ts_rs::TS;

use crate::messages::params;
use crate::messages::{ErrorCode, Params, Text};
use crate::providers::supabase::{BackupSchedule, Backups};

/// How Supabase puts the database back to the moment asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// `restore-pitr` to this second.
    PointInTime { at: i64 },
    /// `restore` of the physical backup with this id, taken at `at`.
    Physical { id: i64, at: i64 },
}

/// One of Supabase's physical backups, as the window and the CLI show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PhysicalBackup {
    pub id: i64,
    /// `COMPLETED`, `PENDING`, `FAILED`, … (only a completed one can be restored).
    pub status: String,
    /// When it was taken, as Supabase says (`inserted_at`).
    pub inserted_at: String,
    /// The same moment in unix seconds (what `--at` takes); `None` when unreadable.
    pub at: Option<i64>,
}

/// What Supabase can bring a customer's database back to: `fabrik backup recovery SLUG` and
/// the window's recovery panel.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RecoveryView {
    pub slug: String,
    pub project_ref: String,
    /// Point-in-time recovery (the add-on) is on.
    pub pitr_enabled: bool,
    /// Physical backups (WAL-G) are taken: a paid plan.
    pub physical_enabled: bool,
    /// Whether any recovery through Supabase is possible.
    pub available: bool,
    /// The earliest and latest moment that can be restored (unix seconds): the PITR window,
    /// or the oldest and newest physical backup.
    pub earliest: Option<i64>,
    pub latest: Option<i64>,
    /// The daily backup's time of day, UTC (`HH:MM:SS`), on a plan that has one.
    pub schedule: Option<String>,
    pub backups: Vec<PhysicalBackup>,
    /// When nothing is available: why, and the way to Fabrik's own backups instead.
    pub note: Option<Text>,
}

/// A moment in unix seconds from Supabase's `inserted_at` (RFC 3339, with or without a zone).
pub fn unix_of(inserted_at: &str) -> Option<i64> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(inserted_at) {
        return Some(t.timestamp());
    }
    chrono::NaiveDateTime::parse_from_str(inserted_at, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc().timestamp())
}

/// A unix second as people read it (UTC, RFC 3339).
pub fn moment(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| at.to_string())
}

fn completed(b: &Backups) -> Vec<PhysicalBackup> {
    b.backups
        .iter()
        .filter(|x| x.is_physical_backup)
        .map(|x| PhysicalBackup {
            id: x.id,
            status: x.status.clone(),
            inserted_at: x.inserted_at.clone(),
            at: unix_of(&x.inserted_at),
        })
        .collect()
}

/// Whether the plan offers physical backups to restore (the list has completed ones).
fn physical(b: &Backups) -> Vec<PhysicalBackup> {
    completed(b)
        .into_iter()
        .filter(|x| x.status == "COMPLETED" && x.at.is_some())
        .collect()
}

/// The restorable window: `physical_backup_data` when Supabase gives it, else the physical
/// backups' own span.
fn window(b: &Backups) -> (Option<i64>, Option<i64>) {
    let d = &b.physical_backup_data;
    let own = physical(b);
    let first = own.iter().filter_map(|x| x.at).min();
    let last = own.iter().filter_map(|x| x.at).max();
    (
        d.earliest_physical_backup_date_unix.or(first),
        d.latest_physical_backup_date_unix.or(last),
    )
}

/// The refusal for a plan with nothing to restore: the project's plan has no PITR and no
/// physical backups; Fabrik's own backups are the way.
pub fn not_on_plan(slug: &str) -> (ErrorCode, Params) {
    (ErrorCode::RecoveryNotOnPlan, params! { "slug" => slug })
}

/// How to put the database back to `target` (unix seconds), or why that cannot be done: the
/// code and its parameters (nothing has been changed).
pub fn choose(b: &Backups, slug: &str, target: i64) -> Result<Way, (ErrorCode, Params)> {
    let own = physical(b);
    if !b.pitr_enabled && own.is_empty() {
        return Err(not_on_plan(slug));
    }
    let (earliest, latest) = window(b);
    let outside = earliest.is_some_and(|e| target < e) || latest.is_some_and(|l| target > l);
    if outside {
        return Err((
            ErrorCode::RecoveryOutsideWindow,
            params! {
                "slug" => slug,
                "at" => moment(target),
                "earliest" => earliest.map(moment).unwrap_or_else(|| "–".into()),
                "latest" => latest.map(moment).unwrap_or_else(|| "–".into()),
            },
        ));
    }
    if b.pitr_enabled {
        return Ok(Way::PointInTime { at: target });
    }
    match own.iter().find(|x| x.at == Some(target)) {
        Some(x) => Ok(Way::Physical {
            id: x.id,
            at: target,
        }),
        None => {
            let times: Vec<String> = own
                .iter()
                .filter_map(|x| x.at)
                .map(|at| format!("{} ({at})", moment(at)))
                .collect();
            Err((
                ErrorCode::RecoveryNoBackupAt,
                params! { "slug" => slug, "times" => times.join(", ") },
            ))
        }
    }
}

/// The view of what Supabase offers for one customer's project.
pub fn view(
    slug: &str,
    project_ref: &str,
    b: &Backups,
    schedule: Option<BackupSchedule>,
) -> RecoveryView {
    let own = physical(b);
    let available = b.pitr_enabled || !own.is_empty();
    let (earliest, latest) = if available { window(b) } else { (None, None) };
    let note = (!available).then(|| {
        let (code, params) = not_on_plan(slug);
        Text::of(code, &params)
    });
    RecoveryView {
        slug: slug.to_string(),
        project_ref: project_ref.to_string(),
        pitr_enabled: b.pitr_enabled,
        physical_enabled: b.walg_enabled,
        available,
        earliest,
        latest,
        schedule: schedule.map(|s| s.schedule_for),
        backups: completed(b),
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::supabase::{PhysicalBackupData, ProviderBackup};

    fn backups(pitr: bool, times: &[i64]) -> Backups {
        Backups {
            region: "eu-central-1".into(),
            walg_enabled: !times.is_empty() || pitr,
            pitr_enabled: pitr,
            backups: times
                .iter()
                .enumerate()
                .map(|(i, t)| ProviderBackup {
                    id: 100 + i as i64,
                    is_physical_backup: true,
                    status: "COMPLETED".into(),
                    inserted_at: moment(*t),
                })
                .collect(),
            physical_backup_data: PhysicalBackupData {
                earliest_physical_backup_date_unix: times.iter().min().copied(),
                latest_physical_backup_date_unix: times.iter().max().copied(),
            },
        }
    }

    #[test]
    fn the_free_plan_points_to_fabriks_own_backups() {
        let b = backups(false, &[]);
        let (code, params) = choose(&b, "acme", 1_700_000_000).unwrap_err();
        assert_eq!(code, ErrorCode::RecoveryNotOnPlan);
        assert!(code.en(&params).contains("fabrik backup list acme"));
        let v = view("acme", "r", &b, None);
        assert!(!v.available);
        assert!(v.note.unwrap().sv.contains("fabrik backup list acme"));
    }

    #[test]
    fn pitr_takes_any_second_of_its_window_and_nothing_outside() {
        let b = backups(true, &[1_000, 5_000]);
        assert_eq!(choose(&b, "a", 3_333), Ok(Way::PointInTime { at: 3_333 }));
        assert_eq!(
            choose(&b, "a", 999).unwrap_err().0,
            ErrorCode::RecoveryOutsideWindow
        );
        assert_eq!(
            choose(&b, "a", 5_001).unwrap_err().0,
            ErrorCode::RecoveryOutsideWindow
        );
    }

    #[test]
    fn without_pitr_only_a_physical_backups_own_time() {
        let b = backups(false, &[1_000, 5_000]);
        assert_eq!(
            choose(&b, "a", 5_000),
            Ok(Way::Physical { id: 101, at: 5_000 })
        );
        let (code, params) = choose(&b, "a", 3_000).unwrap_err();
        assert_eq!(code, ErrorCode::RecoveryNoBackupAt);
        assert!(params["times"].contains("(1000)"));
    }

    #[test]
    fn inserted_at_reads_with_and_without_a_zone() {
        assert_eq!(unix_of("2024-01-01T00:00:10.500Z"), Some(1_704_067_210));
        assert_eq!(unix_of("2024-01-01T00:00:10"), Some(1_704_067_210));
        assert_eq!(unix_of("yesterday"), None);
    }
}
